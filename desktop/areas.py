"""The areas of the main window: who sees them, and how their page is built.

A page is built on first visit, so the first screen imports only what it shows.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from db.org.access import Permission
from desktop.context import AppContext


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    icon: str
    permission: Permission
    description: str
    page: str  # "module:Class", imported on first visit; built as Class(ctx, parent)

    def prepare(self) -> type[QWidget]:
        """The page's class, its module imported."""
        module, name = self.page.split(":")
        return getattr(importlib.import_module(module), name)

    def build(self, ctx: AppContext, parent: QWidget | None = None) -> QWidget:
        return self.prepare()(ctx, parent)


AREAS: tuple[Area, ...] = (
    Area("people", "Personnes", "people", Permission.VIEW_PEOPLE,
         "Assurés, professionnels de santé et employeurs : recherche et fiches.",
         "desktop.people.page:PeoplePage"),
    Area("agenda", "Agenda", "agenda", Permission.BOOK_APPOINTMENTS,
         "Rendez-vous téléphoniques, physiques, en visio et ateliers.",
         "desktop.agenda.page:AgendaPage"),
    Area("preparation", "Préparations", "preparation", Permission.PREPARE_APPOINTMENTS,
         "Préparation des rendez-vous physiques par un appel préalable.",
         "desktop.preparation.page:PreparationPage"),
    Area("callbacks", "Rappels", "callback", Permission.TAKE_CALLBACKS,
         "Demandes de rappel (fiches de contact) à traiter sous 24 heures.",
         "desktop.callbacks.page:CallbacksPage"),
    Area("pathways", "Parcours", "pathways", Permission.WORK_PATHWAYS,
         "Parcours attentionnés : import mensuel, listes d'appels, offres et entonnoir.",
         "desktop.pathways.page:PathwaysPage"),
    Area("mediation", "Médiation", "mediation", Permission.MEDIATION,
         "Dossiers de médiation, réservés à l'équipe de médiation.",
         "desktop.mediation.page:MediationPage"),
    Area("dashboard", "Tableau de bord", "dashboard", Permission.DASHBOARD,
         "Indicateurs de l'activité par mois et par site.",
         "desktop.dashboard.page:DashboardPage"),
    # Managers plan hours and slots here too; the rest of the area is the administrators'.
    Area("admin", "Administration", "administration", Permission.PLAN_AGENDA,
         "Lieux d'accueil, horaires, motifs, disponibilités et absences.",
         "desktop.admin.page:AdminPage"),
)


def visible_areas(ctx: AppContext) -> list[Area]:
    return [area for area in AREAS if ctx.actor.can(area.permission)]
