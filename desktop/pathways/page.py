"""The Parcours area: choose a pathway and a month, then work its list, read its funnel, import
the monthly extract; administrators also edit the kinds, segments and offers.

The pathway and month chosen at the top are shared by the worklist and the funnel tabs.
"""

from __future__ import annotations

import uuid
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.org.access import Permission
from db.pathways import kinds as pathways_kinds
from db.pathways import months as pathways_months
from db.pathways.kinds import KindView
from desktop import operations as ops
from desktop.context import AppContext
from desktop.pathways.admin import PathwaySettings
from desktop.pathways.common import KIND_CHANGES, month_choices
from desktop.pathways.entry_view import EntryView
from desktop.pathways.funnel import FunnelView
from desktop.pathways.import_dialog import ImportDialog
from desktop.pathways.worklist import WorklistView
from widgets.choice_box import ChoiceBox
from widgets.heading import Heading

# What a worklist or a funnel shows changes with these writes (an honoured appointment too).
WORK_CHANGES = {"pathway_entry", "pathway_import", "person", "person_offer", "appointment"}


class PathwaysPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.kinds: list[KindView] = []
        self.dialog: QWidget | None = None
        self.setAccessibleName("Parcours")
        self._build()
        ctx.changes.connect(self._on_changes)
        self._load_kinds()

    def _build(self) -> None:
        self.kind = ChoiceBox(self)
        self.kind.setAccessibleName("Parcours")
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        kind_label = QLabel("&Parcours :", self)
        kind_label.setBuddy(self.kind)
        self.month = ChoiceBox(self)
        self.month.setAccessibleName("Mois")
        self.month.set_choices(month_choices(date.today()))  # set on the kinds' first load
        month_label = QLabel("Moi&s :", self)
        month_label.setBuddy(self.month)
        self.import_button = QPushButton("&Importer un fichier…", self)
        self.import_button.setToolTip("Importer le fichier mensuel (CSV) d'un parcours")
        self.import_button.clicked.connect(self.import_file)
        for box in (self.kind, self.month):
            box.currentIndexChanged.connect(lambda _i: self.show_selection())

        self.worklist = WorklistView(self._ctx, self)
        self.entry_view = EntryView(self._ctx, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.worklist)
        self.stack.addWidget(self.entry_view)
        self.funnel = FunnelView(self._ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.stack, "Liste de &travail")
        self.tabs.addTab(self.funnel, "&Entonnoir")
        self.settings: PathwaySettings | None = None
        if self._ctx.actor.can(Permission.ADMINISTER):
            self.settings = PathwaySettings(self._ctx, self)
            self.settings.kinds_changed.connect(self._load_kinds)
            self.tabs.addTab(self.settings, "Ré&glages")
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())

        self.worklist.open_requested.connect(self.open_entry)
        self.entry_view.back_requested.connect(self.show_list)
        self.entry_view.changed.connect(self.worklist.refresh)

        bar = QHBoxLayout()
        bar.addWidget(Heading("Parcours", self))
        bar.addWidget(kind_label)
        bar.addWidget(self.kind)
        bar.addWidget(month_label)
        bar.addWidget(self.month)
        bar.addStretch()
        bar.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        for first, second in pairwise((self.kind, self.month, self.import_button, self.tabs)):
            self.setTabOrder(first, second)

    # -- selection -------------------------------------------------------------------------
    def _load_kinds(self) -> None:
        """The kinds; the first time, the month to open on too (``month_to_show``: the one
        the dashboard and the monthly report open on)."""
        first = not self.kinds

        def work(unit):
            month = pathways_months.month_to_show(unit, date.today()) if first else None
            return pathways_kinds.list_kinds(unit), month

        ops.query(self._ctx, work).on_success(lambda answer: self._kinds_loaded(*answer)) \
            .owned_by(self).run()

    def _kinds_loaded(self, kinds: list[KindView], month: date | None = None) -> None:
        self.kinds = kinds
        for box in (self.kind, self.month):
            box.blockSignals(True)
        self.kind.set_choices([(k.code, k.label) for k in kinds])
        if month is not None:
            self.month.set_value(month)
        for box in (self.kind, self.month):
            box.blockSignals(False)
        self.show_selection()

    def current_kind(self) -> KindView | None:
        return next((k for k in self.kinds if k.code == self.kind.value()), None)

    def select(self, kind_code: str, month: date) -> None:
        """Show this pathway and month (after an import of it, for one)."""
        for box in (self.kind, self.month):
            box.blockSignals(True)
        self.kind.set_value(kind_code)
        if not self.month.set_value(month):
            self.month.set_choices(month_choices(date.today(), extra=month))
            self.month.set_value(month)
        for box in (self.kind, self.month):
            box.blockSignals(False)
        self.show_selection()

    def show_selection(self) -> None:
        kind, month = self.current_kind(), self.month.value()
        if kind is None or month is None:
            return
        if self.stack.currentWidget() is self.entry_view:
            self.stack.setCurrentWidget(self.worklist)
        self.worklist.show_worklist(kind.id, month)
        if self.tabs.currentWidget() is self.funnel:
            self.funnel.load(kind.code, month)

    def _tab_shown(self) -> None:
        current = self.tabs.currentWidget()
        kind = self.current_kind()
        if current is self.funnel and kind is not None:
            self.funnel.load(kind.code, self.month.value())
        elif current is self.settings and not self.settings.loaded:
            self.settings.load()

    def _on_changes(self, kinds: set) -> None:
        if kinds & KIND_CHANGES:
            self._load_kinds()
        if not kinds & WORK_CHANGES:
            return
        self.worklist.refresh()
        if self.stack.currentWidget() is self.entry_view:
            self.entry_view.reload()
        kind = self.current_kind()
        if self.tabs.currentWidget() is self.funnel and kind is not None:
            self.funnel.load(kind.code, self.month.value())

    # -- navigation ------------------------------------------------------------------------
    def open_entry(self, entry_id: uuid.UUID | None) -> None:
        if entry_id is None:
            return
        self.tabs.setCurrentWidget(self.stack)
        self.stack.setCurrentWidget(self.entry_view)
        self.entry_view.load(entry_id)
        self.entry_view.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self) -> None:
        shown = self.entry_view.record.id if self.entry_view.record else None
        self.stack.setCurrentWidget(self.worklist)
        self.worklist.refresh(select=shown)
        self.worklist.enter_list()

    # -- import ----------------------------------------------------------------------------
    def import_file(self) -> None:
        ImportDialog.start(self._ctx, self.kinds, self.kind.value(), self, self._import_opened)

    def _import_opened(self, dialog: ImportDialog) -> None:
        dialog.imported.connect(self.select)
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
