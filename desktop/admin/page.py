"""The Administration area: one tab per subject."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from db.org.access import Permission
from desktop.admin.accounts import AccountsTab
from desktop.admin.journal import JournalView
from desktop.admin.lifecycle import DataTab
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
        if ctx.actor.can(Permission.ADMINISTER):
            self.accounts = AccountsTab(ctx)
            self.tabs.addTab(self.accounts, "&Comptes")
            from desktop.admin.messages import MessagesTab

            self.messages = MessagesTab(ctx)
            self.tabs.addTab(self.messages, "Messa&ges aux personnes")
            self.data = DataTab(ctx)
            self.tabs.addTab(self.data, "Do&nnées")
            self.mediation = MediationTab(ctx)  # the manager plans; mediation is not theirs
            self.tabs.addTab(self.mediation, "Médiatio&n")
        self.journal: JournalView | None = None
        if ctx.actor.can(Permission.READ_JOURNAL):
            self.journal = JournalView(ctx)
            self.tabs.addTab(self.journal, "&Journal")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if not ctx.actor.can(Permission.ADMINISTER):
            note = QLabel("Vous planifiez les horaires, fermetures, disponibilités et absences ; "
                          "les lieux et les motifs sont décrits par un administrateur.", self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
