"""What every administration section shares: a form, a save button, and the handling of the
services' answers (French messages beside the fields, a conflict reloads, a refusal of the
role makes the section read-only)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from db.errors import ConflictError, PermissionDenied, ValidationError
from db.org.access import Permission
from desktop import operations as ops
from desktop.context import AppContext
from widgets.form import Form
from widgets.rows_editor import RowsEditor


def spin_box(minimum: int, maximum: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSuffix(suffix)
    return spin


class Section(QGroupBox):
    """A titled part of an administration page, editable with ``permission``.

    Subclasses build their editors into ``self.form`` (and ``self.body``), implement
    ``reload()`` and ``set_editable(bool)``, and save with ``self.write(work)``.
    """

    def __init__(self, ctx: AppContext, title: str, permission: Permission,
                 save_text: str | None = None, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.ctx = ctx
        self.permission = permission
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(f"Message : {title}")
        self.banner.hide()
        self._standing = ""  # why the section is read-only: stays when other messages go
        self.form = Form(self)
        self.body = QVBoxLayout()
        self.save_button = QPushButton(save_text, self) if save_text else None
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        layout.addLayout(self.body)
        if self.save_button is not None:
            self.save_button.clicked.connect(self.save)
            row = QHBoxLayout()
            row.addStretch()
            row.addWidget(self.save_button)
            layout.addLayout(row)

    def finish(self) -> None:
        """Call at the end of a subclass's constructor: applies the role's rights."""
        if not self.ctx.actor.can(self.permission):
            self.make_read_only(f"Votre rôle ({self.ctx.actor.role_label}) permet de consulter "
                                "cette partie, pas de la modifier.")

    # -- to implement ------------------------------------------------------------------------
    def reload(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def set_editable(self, editable: bool) -> None:
        raise NotImplementedError

    # -- shared behaviour ----------------------------------------------------------------------
    def write(self, work: Callable[[Any], Any],
              on_success: Callable[[Any], None] | None = None) -> None:
        self.form.clear_errors()
        self.banner.hide()
        if self.save_button is not None:
            self.save_button.setEnabled(False)

        def done(result: Any) -> None:
            if self.save_button is not None:
                self.save_button.setEnabled(True)
            self.say("Enregistré.")
            if on_success is not None:
                on_success(result)

        ops.write(self.ctx, work).on_success(done) \
            .on_failure(self.refused).owned_by(self).run()

    def query(self, work: Callable[[Any], Any], on_success: Callable[[Any], None]) -> None:
        # A read may come back after its page was closed (sign-out, end of a test).
        ops.query(self.ctx, work).on_success(on_success).owned_by(self).run()

    def refused(self, error: BaseException) -> None:
        if self.save_button is not None:
            self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_errors(error.field_errors)
        elif isinstance(error, ConflictError):
            self.say(str(error))
            QMessageBox.warning(self, "Guichet", str(error))
            self.reload()
        elif isinstance(error, PermissionDenied):
            self.make_read_only(str(error))
        else:
            self.ctx.report_error(error, self)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.form.show_errors(errors)
        others = self.form.unplaced(errors)
        self.say("Rien n'a été enregistré : corrigez ce qui est signalé."
                 + "".join(f"\n{message}" for message in others))

    def say(self, message: str) -> None:
        """Show ``message`` above the form; an empty one leaves only the read-only reason."""
        text = message or self._standing
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def make_read_only(self, reason: str) -> None:
        self._standing = reason
        self.set_editable(False)
        if self.save_button is not None:
            self.save_button.hide()
        self.say(reason)


class WeekSection(Section):
    """A section editing weekly intervals in ``self.editor`` (a RowsEditor whose first column
    is the weekday), shown as the form field ``week``. The services name the faulty weekday
    (``weekday_0``…): its rows turn red and its message goes beside the table."""

    editor: RowsEditor

    def show_errors(self, errors: dict[str, str]) -> None:
        days = {int(key.removeprefix("weekday_")) for key in errors if key.startswith("weekday_")}
        self.editor.mark_rows({row for row, values in enumerate(self.editor.model.rows())
                               if values[0] in days})
        by_day = [message for key, message in sorted(errors.items())
                  if key.startswith("weekday_")]
        others = {key: message for key, message in errors.items()
                  if not key.startswith("weekday_")}
        super().show_errors({"week": "\n".join(by_day), **others})

    def write(self, work, on_success=None) -> None:
        self.editor.mark_rows(set())
        super().write(work, on_success)

    def set_editable(self, editable: bool) -> None:
        self.editor.set_read_only(not editable)


class EntriesSection(Section):
    """Dated entries (closures, absences) added from the form above a list and removed from
    it. Subclasses fill ``self.form`` before calling ``finish_entries``, and give
    ``describe``, ``add_work``, ``remove_work`` and ``reload``; ``show_entries(rows)`` fills
    the list with rows that have ``id`` and ``version``."""

    def __init__(self, ctx: AppContext, title: str, noun: str, add_text: str,
                 remove_text: str, parent: QWidget | None = None):
        super().__init__(ctx, title, Permission.PLAN_AGENDA, None, parent)
        self._noun = noun
        self.add_button = QPushButton(add_text, self)
        self.add_button.clicked.connect(self.save)
        self.list = list_widget(f"{title} à venir", self)
        self.remove_button = QPushButton(remove_text, self)
        self.remove_button.clicked.connect(self.remove)

    def finish_entries(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        self.body.addLayout(buttons)
        self.body.addWidget(self.list)
        self.finish()

    def describe(self, row) -> str:
        raise NotImplementedError

    def add_work(self) -> Callable[[Any], Any] | None:
        """The service call adding the entry the form describes; None after showing the
        form's own errors."""
        raise NotImplementedError

    def remove_work(self, entry_id: uuid.UUID, version: int) -> Callable[[Any], Any]:
        raise NotImplementedError

    def clear_form(self) -> None:
        raise NotImplementedError

    def show_entries(self, rows: list) -> None:
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(self.describe(row))
            item.setData(Qt.ItemDataRole.UserRole, (row.id, row.version))
            self.list.addItem(item)
        if not rows:
            self.list.addItem(f"Aucune {self._noun} à venir.")

    def save(self) -> None:
        work = self.add_work()
        if work is None:
            return

        def added(_entry_id) -> None:
            self.clear_form()
            self.reload()

        self.write(work, added)

    def remove(self) -> None:
        item = self.list.currentItem()
        chosen = item.data(Qt.ItemDataRole.UserRole) if item else None
        if chosen is None:
            return
        self.write(self.remove_work(*chosen), lambda _r: self.reload())

    def set_editable(self, editable: bool) -> None:
        for name in self.form.names():
            self.form.set_visible(name, editable)
        self.add_button.setVisible(editable)
        self.remove_button.setVisible(editable)


def list_widget(name: str, parent: QWidget | None = None) -> QListWidget:
    widget = QListWidget(parent)
    widget.setAccessibleName(name)
    widget.setTextElideMode(Qt.TextElideMode.ElideRight)
    return widget


class LatestChoice:
    """Shows only the answer to the latest choice in a list.

    Choosing a row loads its record off the GUI thread; if the user meanwhile chose another
    row or started a new record, the earlier answer must not replace what is on screen.
    """

    def __init__(self):
        self._latest = 0

    def forget_pending(self) -> None:
        self._latest += 1

    def only_if_latest(self, show: Callable[[Any], None]) -> Callable[[Any], None]:
        self.forget_pending()
        request = self._latest

        def show_if_latest(answer: Any) -> None:
            if request == self._latest:
                show(answer)

        return show_if_latest


LIST_WIDTH_LIMIT = 420  # pixels: a third of a 1280-pixel laptop's page


class RecordsTab(QSplitter):
    """A list of records on the left with its « new » button (administrators only), the
    chosen record's sections on the right, scrolling at their natural height.

    Subclasses fill the list with ``show_records``: the row chosen before, or the record
    just saved, stays chosen. They answer ``record_chosen(id)`` and may extend ``new_record``.
    """

    def __init__(self, ctx: AppContext, list_name: str, new_label: str,
                 parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx = ctx
        self.records = list_widget(list_name, self)
        self.new_button = QPushButton(new_label, self)
        self.new_button.setVisible(ctx.actor.can(Permission.ADMINISTER))
        self.new_button.clicked.connect(self.new_record)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.records, 1)
        column.addWidget(self.new_button)
        content = QWidget()
        self._sections = QVBoxLayout(content)
        self._sections.addStretch()  # the sections keep their natural height
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.addWidget(left)
        self.addWidget(scroll)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)
        self.choice = LatestChoice()
        self._select_after_load: uuid.UUID | None = None
        self.records.currentItemChanged.connect(self._current_changed)

    def add_sections(self, *sections: QWidget) -> None:
        for section in sections:
            self._sections.insertWidget(self._sections.count() - 1, section)

    def show_records(self, records: Iterable[tuple[uuid.UUID, str, str]]) -> None:
        """(id, text, tooltip) of each record, in order."""
        chosen = self._select_after_load or self.current_id()
        self._select_after_load = None
        self.records.blockSignals(True)
        self.records.clear()
        ids = []
        for record_id, text, tooltip in records:
            item = QListWidgetItem(text)
            item.setToolTip(tooltip)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            self.records.addItem(item)
            ids.append(record_id)
        self.records.blockSignals(False)
        self._fit_list()
        if ids:
            self.records.setCurrentRow(ids.index(chosen) if chosen in ids else 0)

    def _fit_list(self) -> None:
        """The list as wide as its longest name (« France Services de Monestier-de-Clermont »),
        up to a third of the laptop's width: no name cut, no sideways bar."""
        records = self.records
        bar = records.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        wanted = records.sizeHintForColumn(0) + 2 * records.frameWidth() + bar + 8
        records.setMinimumWidth(min(wanted, LIST_WIDTH_LIMIT))

    def current_id(self) -> uuid.UUID | None:
        item = self.records.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select_after_load(self, record_id: uuid.UUID) -> None:
        """Keep the record just saved chosen when the list comes back."""
        self._select_after_load = record_id

    def _current_changed(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.record_chosen(record_id)

    def record_chosen(self, record_id: uuid.UUID) -> None:
        raise NotImplementedError

    def new_record(self) -> None:
        self.choice.forget_pending()  # a record still loading must not replace the new form
        self.records.clearSelection()
