"""The areas of the main window: who sees them, and how their page is built.

A page is built on first visit, so the first screen imports only what it shows. Areas that
later issues fill are honest placeholders: they say what the area will hold, with no fake data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from db.services.access import Permission
from desktop.context import AppContext


@dataclass(frozen=True)
class Upcoming:
    """What a not-yet-built area will hold."""

    summary: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    icon: str
    permission: Permission
    description: str
    upcoming: Upcoming | None = None  # None: the area has its own page

    def build(self, ctx: AppContext, parent: QWidget | None = None) -> QWidget:
        if self.upcoming is not None:
            return PlaceholderPage(self.title, self.upcoming, parent)
        return _BUILDERS[self.key](ctx, parent)


def _people_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.people.page import PeoplePage

    return PeoplePage(ctx, parent)


def _mediation_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.mediation.page import MediationPage

    return MediationPage(ctx, parent)


def _dashboard_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.dashboard.page import DashboardPage

    return DashboardPage(ctx, parent)


def _agenda_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.agenda.page import AgendaPage

    return AgendaPage(ctx, parent)


def _callbacks_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.callbacks.page import CallbacksPage

    return CallbacksPage(ctx, parent)


def _pathways_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.pathways.page import PathwaysPage

    return PathwaysPage(ctx, parent)


def _admin_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.admin.page import AdminPage

    return AdminPage(ctx, parent)



def _preparation_page(ctx: AppContext, parent: QWidget | None) -> QWidget:
    from desktop.preparation.page import PreparationPage

    return PreparationPage(ctx, parent)

_BUILDERS: dict[str, Callable[[AppContext, QWidget | None], QWidget]] = {
    "people": _people_page,
    "preparation": _preparation_page,
    "callbacks": _callbacks_page,
    "admin": _admin_page,
    "agenda": _agenda_page,
    "pathways": _pathways_page,
    "mediation": _mediation_page,
    "dashboard": _dashboard_page,
}

AREAS: tuple[Area, ...] = (
    Area("people", "Personnes", "people", Permission.VIEW_PEOPLE,
         "Assurés, professionnels de santé et employeurs : recherche et fiches."),
    Area("agenda", "Agenda", "agenda", Permission.BOOK_APPOINTMENTS,
         "Rendez-vous téléphoniques, physiques, en visio et ateliers."),
    Area("preparation", "Préparations", "preparation", Permission.PREPARE_APPOINTMENTS,
         "Préparation des rendez-vous physiques par un appel préalable."),
    Area("callbacks", "Rappels", "callback", Permission.TAKE_CALLBACKS,
         "Demandes de rappel (fiches de contact) à traiter sous 24 heures."),
    Area("pathways", "Parcours", "pathways", Permission.WORK_PATHWAYS,
         "Parcours attentionnés : import mensuel, listes d'appels, offres et entonnoir."),
    Area("mediation", "Médiation", "mediation", Permission.MEDIATION,
         "Dossiers de médiation, réservés à l'équipe de médiation."),
    Area("dashboard", "Tableau de bord", "dashboard", Permission.DASHBOARD,
         "Indicateurs de l'activité par mois et par site."),
    # Managers plan hours and slots here too; the rest of the area is the administrators'.
    Area("admin", "Administration", "administration", Permission.PLAN_AGENDA,
         "Lieux d'accueil, horaires, motifs, disponibilités et absences."),
)


def visible_areas(ctx: AppContext) -> list[Area]:
    return [area for area in AREAS if ctx.actor.can(area.permission)]


class PlaceholderPage(QScrollArea):
    """A title, what the area is for, and what it will hold."""

    def __init__(self, title_text: str, upcoming: Upcoming, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setAccessibleName(title_text)

        title = QLabel(title_text)
        title.setObjectName("pageTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAccessibleName(title_text)

        status = QLabel("Cet espace sera disponible dans une prochaine version de Guichet.")
        status.setObjectName("pageStatus")
        summary = QLabel(upcoming.summary)
        coming = QLabel("Vous y trouverez :")
        bullets = QLabel(
            "<ul style='margin-left: -12px'>"
            + "".join(f"<li style='margin-bottom: 4px'>{text}</li>"
                      for text in upcoming.features)
            + "</ul>"
        )
        bullets.setTextFormat(Qt.TextFormat.RichText)
        bullets.setAccessibleName("Fonctions à venir")
        for label in (status, summary, coming, bullets):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)

        content = QWidget()
        content.setMaximumWidth(title.fontMetrics().averageCharWidth() * 60)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(status)
        layout.addWidget(summary)
        layout.addWidget(coming)
        layout.addWidget(bullets)
        layout.addStretch()
        self.setWidget(content)

    def text(self) -> str:
        """Everything the page says, for tests and screen readers alike."""
        return "\n".join(label.text() for label in self.widget().findChildren(QLabel))
