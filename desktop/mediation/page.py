"""The Médiation area: the case list and a case's file in one tab, the yearly figures in another.

Only the mediation team reaches this page (the main window hides it from the other roles);
the services refuse anyone else anyway, and the page then shows their French refusal instead
of any content.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from db.errors import GuichetError
from db.mediation import setup as mediation_setup
from db.mediation.records import CaseCreated
from db.org.access import Permission
from desktop import operations as ops
from desktop.admin.journal import JournalView
from desktop.context import AppContext
from desktop.mediation.case_list import CaseList
from desktop.mediation.case_view import CHANGES, CaseView
from desktop.mediation.figures import FiguresView
from desktop.mediation.intake import IntakeDialog
from widgets.heading import Heading

NEW_CASE_KEYS = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_N)


class MediationPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.motives: list[mediation_setup.MotiveRecord] = []
        self.team: list[tuple[uuid.UUID, str]] = []
        self.intake: IntakeDialog | None = None
        self.setAccessibleName("Médiation")

        self.refusal = QLabel(self)
        self.refusal.setWordWrap(True)
        self.refusal.setAccessibleName("Accès refusé")
        self.refusal.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.refusal.hide()
        self.cases = CaseList(ctx, self)
        self.case_view = CaseView(ctx, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.cases)
        self.stack.addWidget(self.case_view)
        self.figures = FiguresView(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.stack, "&Dossiers")
        self.tabs.addTab(self.figures, "&Bilan annuel")
        # The journal of the mediation files (the service gives a mediator only those).
        self.journal: JournalView | None = None
        if ctx.actor.can(Permission.READ_JOURNAL):
            self.journal = JournalView(ctx, self)
            self.tabs.addTab(self.journal, "&Journal")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.hide()  # until the services have said this user may see the cases
        layout = QVBoxLayout(self)
        layout.addWidget(Heading("Médiation", self))
        layout.addWidget(self.refusal)
        layout.addWidget(self.tabs, 1)

        self.cases.open_requested.connect(self.open_case)
        self.cases.new_requested.connect(self.new_case)
        self.cases.search.failed.connect(self._refused)
        self.case_view.back_requested.connect(self.show_list)
        ctx.changes.connect(self._on_changes)
        self._load_choices()

    # -- loading ---------------------------------------------------------------------------
    def _load_choices(self) -> None:
        """The motives and the team (filters, intake), then the list."""

        def work(unit):
            return (mediation_setup.list_motives(unit),
                    mediation_setup.team_members(unit))

        ops.query(self._ctx, work).on_success(self._choices_loaded) \
            .on_failure(self._refused).run()

    def _choices_loaded(self, answer) -> None:
        self.motives, self.team = answer
        self.cases.set_choices(self.motives, self.team)
        self.tabs.show()
        self.cases.apply()

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, GuichetError):
            self._ctx.report_error(error, self)
            return
        self.tabs.hide()
        self.refusal.setText(str(error))
        self.refusal.show()

    def _on_changes(self, kinds: set) -> None:
        if not kinds & CHANGES or not self.tabs.isVisible():
            return
        self.cases.refresh()
        if self.figures.figures is not None:
            self.figures.load()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.figures and self.figures.figures is None:
            self.figures.load()

    # -- navigation ------------------------------------------------------------------------
    def open_case(self, case_id: uuid.UUID | None) -> None:
        if case_id is None:
            return
        self.tabs.setCurrentWidget(self.stack)
        self.stack.setCurrentWidget(self.case_view)
        self.case_view.load(case_id)
        self.case_view.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_target(self, case_id: uuid.UUID) -> None:
        """A case asked for from elsewhere (a person's record)."""
        self.open_case(case_id)

    def show_list(self) -> None:
        shown = self.case_view.record.id if self.case_view.record else None
        self.stack.setCurrentWidget(self.cases)
        self.cases.refresh(select=shown)
        self.cases.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def new_case(self) -> None:
        """« Nouvelle saisine » (Ctrl+N on this page)."""
        if not self.tabs.isVisible():
            return
        if self.intake is not None:
            self.intake.raise_()
            self.intake.activateWindow()
            return
        self.intake = IntakeDialog(self._ctx, self.motives, self.team, self)
        self.intake.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.intake.saved.connect(lambda created: self._created(created))
        self.intake.finished.connect(lambda _result: setattr(self, "intake", None))
        self.intake.open()

    def _created(self, created: CaseCreated) -> None:
        self.open_case(created.id)

    # -- Ctrl+N ------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # The main window's « Nouvelle personne » also answers Ctrl+N; on this page the user
        # means a new case. Claiming the key as an override here (the event climbs from the
        # focused field to the page) hands it to keyPressEvent instead of the menu's shortcut.
        if (event.type() == QEvent.Type.ShortcutOverride
                and event.keyCombination() == NEW_CASE_KEYS):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.keyCombination() == NEW_CASE_KEYS:
            self.new_case()
            return
        super().keyPressEvent(event)
