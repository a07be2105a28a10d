"""The Administration area: one tab per subject."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from db.org.access import Permission
from desktop.admin.mediation import MediationTab
from desktop.admin.motives import MotivesTab
from desktop.admin.planning import PlanningTab
from desktop.admin.sites import SitesTab
from desktop.context import AppContext
from widgets.heading import Heading


class AdminPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        title = Heading("Administration", self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Parties de l'administration")
        self.sites = SitesTab(ctx)
        self.motives = MotivesTab(ctx)
        self.planning = PlanningTab(ctx)
        self.tabs.addTab(self.sites, "&Lieux et horaires")
        self.tabs.addTab(self.motives, "&Motifs")
        self.tabs.addTab(self.planning, "&Disponibilités et absences")
        if ctx.actor.can(Permission.ADMINISTER):  # the manager plans; mediation is not theirs
            self.mediation = MediationTab(ctx)
            self.tabs.addTab(self.mediation, "Médiatio&n")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if not ctx.actor.can(Permission.ADMINISTER):
            note = QLabel("Vous planifiez les horaires, fermetures, disponibilités et absences ; "
                          "les lieux et les motifs sont décrits par un administrateur.", self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
