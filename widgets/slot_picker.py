"""A slot picker: the days of a range with what each offers, the chosen day's free times as
buttons (« Matin » / « Après-midi »), filters (column, part of the day, « À partir du ») and
« Prochain créneau libre ».

Domain-free: the caller gives ``FreeSlot``s (aware times, a column such as an adviser, a
place, an opaque payload, a time zone) and ``SlotDay``s (open, or closed with a French
reason), and gets the payload back: ``current_changed(payload | None)`` as the user moves,
``chosen(payload)`` on Enter or a double click, ``selected_payload()`` at any time.

Keyboard: Tab goes from the day list to the times, then to the filters; arrows move within
each; Enter on a day goes to its times, Enter on a time chooses it; F8 (anywhere in the
picker) picks the next free slot. The day list is a model and only the shown day has
buttons, so thousands of slots stay instant.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from widgets.calendar_text import NBSP, capitalised, clock_time, counted, day_header, long_day
from widgets.choice_box import ChoiceBox
from widgets.colours import error_color, muted_text
from widgets.date_field import DateField
from widgets.slot_grid import SlotGrid
from widgets.slot_offer import DayPart, Filters, FreeSlot, SlotChoice, SlotDay, SlotOffer

Index = QModelIndex | QPersistentModelIndex
NEXT_FREE_KEY = "F8"


@dataclass(frozen=True, slots=True)
class DayRow:
    """A day of the list: its state and how many times it offers with the filters."""

    day: date
    closed: str
    count: int

    def state(self) -> str:
        if self.closed:
            return self.closed
        return "aucun créneau" if self.count == 0 else counted(self.count, "créneau",
                                                                "créneaux")


class DayListModel(QAbstractListModel):
    """The days, « mar. 15/12 — 6 créneaux »; closed or empty days in a readable grey."""

    DayRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DayRow] = []
        self._muted = QColor("#5f6b7a")

    def set_rows(self, rows: Sequence[DayRow]) -> None:
        """Replace the rows; the same days only change their texts (the list keeps its
        current row and scroll)."""
        rows = list(rows)
        if [row.day for row in rows] == [row.day for row in self._rows]:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_muted_colour(self, colour: QColor) -> None:
        self._muted = QColor(colour)
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1),
                                  [Qt.ItemDataRole.ForegroundRole])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{day_header(row.day)} — {row.state()}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{long_day(row.day)}, {row.state()}"
        if role == Qt.ItemDataRole.ForegroundRole and (row.closed or row.count == 0):
            return self._muted
        if role == self.DayRole:
            return row.day
        return None

    def row_of(self, day: date) -> int | None:
        return next((number for number, row in enumerate(self._rows) if row.day == day), None)

    def day(self, row: int) -> date | None:
        return self._rows[row].day if 0 <= row < len(self._rows) else None

    def rows(self) -> list[DayRow]:
        return list(self._rows)


class SlotPicker(QWidget):
    """Signals: ``current_changed(payload | None)``, ``chosen(payload)``.

    ``column_title`` names the column filter (« Conseiller »), ``any_column`` its first
    entry (« Indifférent »). The filters are attributes (``column_filter``, ``part_filter``,
    ``from_field``), as are ``day_list``, ``grid`` and ``next_button``."""

    current_changed = Signal(object)
    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, column_title: str = "Conseiller",
                 any_column: str = "Indifférent"):
        super().__init__(parent)
        self._offer = SlotOffer([])
        self._zone = "Europe/Paris"
        self._any_column = any_column
        self._moving = False  # going to a slot of another day: no « nothing chosen » between
        self._signalled: Any = None  # the payload current_changed last gave
        self._build(column_title)
        self._refresh_days()

    def _build(self, column_title: str) -> None:
        self.model = DayListModel(self)
        self.day_list = QListView(self)
        self.day_list.setModel(self.model)
        self.day_list.setUniformItemSizes(True)
        self.day_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.day_list.setAccessibleName("Jours")
        width = self.fontMetrics().horizontalAdvance("mer. 30/12 — Jour férié : Ascension")
        self.day_list.setMinimumWidth(min(width, 320))
        self.day_list.selectionModel().currentChanged.connect(self._day_changed)
        self.day_list.installEventFilter(self)
        days_label = QLabel("&Jours", self)
        days_label.setBuddy(self.day_list)

        self.day_title = QLabel(self)
        font = self.day_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.day_title.setFont(font)
        self.day_title.setWordWrap(True)
        self.grid = SlotGrid(self)
        self.grid.current_changed.connect(self._current_changed)
        self.grid.chosen.connect(lambda choice: self.chosen.emit(choice.slot.payload))
        self.grid.tab_stop_changed.connect(self._link_tab_order)
        self.times = QScrollArea(self)
        self.times.setWidgetResizable(True)
        self.times.setFrameShape(QScrollArea.Shape.NoFrame)
        self.times.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.times.setWidget(self.grid)
        self.times.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Créneau choisi")

        self.column_filter = ChoiceBox(self)
        self.part_filter = ChoiceBox(self)
        self.part_filter.set_choices([(part, part.value) for part in DayPart])
        self.from_field = DateField(self)
        self.from_error = QLabel(self)
        self.from_error.setWordWrap(True)
        self.from_error.hide()
        self.next_button = QPushButton("Prochain créneau libre", self)
        self.next_button.setAutoDefault(False)
        self.next_button.setToolTip(f"Choisir le prochain créneau libre selon les filtres "
                                    f"({NEXT_FREE_KEY})")
        self.next_button.setAccessibleDescription(f"Raccourci{NBSP}: {NEXT_FREE_KEY}")
        self.next_button.clicked.connect(self.choose_next_free)
        shortcut = QShortcut(QKeySequence(NEXT_FREE_KEY), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.choose_next_free)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.hide()
        for editor in (self.column_filter, self.part_filter):
            editor.currentIndexChanged.connect(self._filters_changed)
        self.from_field.textChanged.connect(self._from_typed)
        self.from_field.editingFinished.connect(lambda: self._from_typed(final=True))

        filters = QVBoxLayout()
        for text, editor in ((f"&{column_title}", self.column_filter),
                             ("&Moment", self.part_filter), ("À &partir du", self.from_field)):
            label = QLabel(text, self)
            label.setBuddy(editor)
            editor.setAccessibleName(text.replace("&", ""))
            filters.addWidget(label)
            filters.addWidget(editor)
        filters.addWidget(self.from_error)
        filters.addSpacing(8)
        filters.addWidget(self.next_button)
        filters.addWidget(self.message)
        filters.addStretch(1)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(days_label, 0, 0)
        layout.addWidget(self.day_list, 1, 0, 2, 1)
        layout.addWidget(self.day_title, 0, 1)
        layout.addWidget(self.times, 1, 1)
        layout.addWidget(self.summary, 2, 1)
        layout.addLayout(filters, 0, 2, 3, 1)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(1, 1)
        self._apply_palette()

    # -- data ---------------------------------------------------------------------------------
    def set_slots(self, slots: Iterable[FreeSlot], days: Iterable[SlotDay] | None = None, *,
                  time_zone: str = "Europe/Paris",
                  columns: Sequence[tuple[Hashable, str]] | None = None) -> None:
        """Offer ``slots`` over ``days`` (None: the days they fall on), shown in each slot's
        time zone or ``time_zone``. The day shown stays when it still is offered, and so
        does the chosen slot (its payload compared with ==)."""
        chosen = self.selected_payload()
        self._offer = SlotOffer(slots, days, time_zone=time_zone, columns=columns)
        self._zone = time_zone
        self.column_filter.set_choices(self._offer.columns, empty=self._any_column)
        self._refresh_days()
        if chosen is not None:
            self.select_payload(chosen)

    def filters(self) -> Filters:
        """The filters as the user set them (an unreadable date counts as none)."""
        try:
            from_day = self.from_field.date()
        except ValueError:
            from_day = None
        return Filters(self.column_filter.value(), self.part_filter.value() or
                       DayPart.WHOLE_DAY, from_day)

    def days(self) -> list[DayRow]:
        """The days listed, with their state and count under the filters."""
        return self.model.rows()

    # -- the day ------------------------------------------------------------------------------
    def current_day(self) -> date | None:
        return self.model.day(self.day_list.currentIndex().row())

    def set_current_day(self, day: date) -> bool:
        row = self.model.row_of(day)
        if row is not None:
            self.day_list.setCurrentIndex(self.model.index(row))
        return row is not None

    def _refresh_days(self) -> None:
        """Recount every listed day under the filters; keep the shown day if still listed,
        else show the first one offering something."""
        filters = self.filters()
        shown = self.current_day()
        rows = [DayRow(entry.day, entry.closed, self._offer.count(entry.day, filters))
                for entry in self._offer.days
                if filters.from_day is None or entry.day >= filters.from_day]
        self.model.set_rows(rows)
        if shown is None or self.model.row_of(shown) is None:
            first = next((row.day for row in rows if row.count), rows[0].day if rows else None)
            if first is not None:
                self.set_current_day(first)
        elif self.current_day() != shown:  # other days: the model was reset, the row lost
            self.set_current_day(shown)
        self._show_day()

    def _day_changed(self, *_indexes) -> None:
        self._show_day()

    def _show_day(self) -> None:
        """The shown day's times; the chosen one stays chosen if it still is there."""
        chosen = self.grid.current()
        day = self.current_day()
        if day is None:
            self.day_title.setText("Aucun jour à afficher.")
            self.grid.show_choices([], [], message="Aucun créneau.")
        else:
            row = self.model.rows()[self.model.row_of(day)]
            self.day_title.setText(f"{capitalised(long_day(row.day))} — {row.state()}")
            filters = self.filters()
            if row.closed:
                self.grid.show_choices([], [], message=f"Aucun créneau ce jour-là{NBSP}: "
                                                       f"{row.closed}.")
            elif not self._offer.has_slots(row.day):
                self.grid.show_choices([], [], message="Aucun créneau libre ce jour-là.")
            else:
                self.grid.show_choices(
                    self._offer.choices(row.day, filters),
                    [part for part in (DayPart.MORNING, DayPart.AFTERNOON)
                     if filters.part in (DayPart.WHOLE_DAY, part)])
        kept = chosen is not None and self.grid.set_current(chosen)  # the same: no signal
        if chosen is not None and not kept and not self._moving:
            self._current_changed(None)
        elif chosen is None:
            self._show_summary(None)

    # -- choosing -----------------------------------------------------------------------------
    def selected_payload(self) -> Any:
        """The payload of the current slot, None when none is."""
        choice = self.grid.current()
        return None if choice is None else choice.slot.payload

    def select_payload(self, payload: Any) -> bool:
        """Show the slot carrying ``payload`` and make it current; when another column comes
        first at that time, the column filter is set to the slot's. False when not offered
        (or hidden by the part of day or the first day chosen)."""
        found = self._offer.find(payload)
        if found is None:
            return False
        day, slot = found
        if self.filters().column not in (None, slot.column_key):
            return False
        self._moving = True
        try:
            self.set_current_day(day)
            choice = next((c for c in self.grid.choices() if slot in c.slots), None)
            if choice is not None and choice.slot != slot:
                self.column_filter.set_value(slot.column_key)
                choice = next((c for c in self.grid.choices() if c.slot == slot), None)
        finally:
            self._moving = False
        return self._make_current(choice)

    def dirty_value(self) -> Any:
        """For ``widgets.dirty``: the chosen slot is the picker's value (its filters are
        not)."""
        return self.selected_payload()

    def dirty_signals(self) -> list:
        return [self.current_changed]

    def choose_next_free(self) -> bool:
        """Make current the earliest slot, at or after « À partir du », that the filters let
        through, and give it the focus; False (and a message) when there is none."""
        if not self._from_readable():
            return False
        found = self._offer.next_free(self.filters())
        if found is None:
            self._say("Aucun créneau libre ne correspond à ces critères.")
            return False
        self._say("")
        day, choice = found
        self._moving = True
        try:
            self.set_current_day(day)
        finally:
            self._moving = False
        return self._make_current(choice, focus=True)

    def _make_current(self, choice: SlotChoice | None, *, focus: bool = False) -> bool:
        """Make ``choice`` of the shown day current; else nothing is (and that is said)."""
        if choice is not None and self.grid.set_current(choice, focus=focus):
            return True
        if self.grid.current() is not None:
            self.grid.set_current(None)
        else:
            self._current_changed(None)
        return False

    def _current_changed(self, choice: SlotChoice | None) -> None:
        """Say the current slot, and signal it when it is another one."""
        self._show_summary(choice)
        payload = None if choice is None else choice.slot.payload
        if payload != self._signalled:
            self._signalled = payload
            self.current_changed.emit(payload)

    def _show_summary(self, choice: SlotChoice | None) -> None:
        if choice is None:
            self.summary.setText("Aucun créneau choisi.")
            return
        slot = choice.slot
        parts = [f"{long_day(choice.local_start.date())} à {clock_time(choice.local_start)}",
                 slot.column_label, slot.place]
        text = " · ".join(part for part in parts if part)
        if choice.zone != self._zone:
            text += f" (heure locale, {choice.zone})"
        self.summary.setText(f"Créneau choisi{NBSP}: {text}")

    # -- filters ------------------------------------------------------------------------------
    def _filters_changed(self, *_args) -> None:
        self._say("")
        self._refresh_days()

    def _from_typed(self, *_text, final: bool = False) -> None:
        """Filter as soon as the date reads whole (or is emptied); say what is wrong only
        once the user leaves the field or asks for the next slot."""
        try:
            self.from_field.date()
        except ValueError as error:
            if final:
                self._show_from_error(str(error))
            return
        self._show_from_error("")
        self._filters_changed()

    def _from_readable(self) -> bool:
        try:
            self.from_field.date()
        except ValueError as error:
            self._show_from_error(str(error))
            return False
        return True

    def _show_from_error(self, message: str) -> None:
        self.from_error.setText(message)
        self.from_error.setVisible(bool(message))
        self.from_field.setAccessibleDescription(message)

    def _say(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    # -- looks and keyboard order -------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a day goes to its times (and not to the dialog's default button)."""
        if watched is self.day_list and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.grid.focus_current()
            return True
        return super().eventFilter(watched, event)

    def _apply_palette(self) -> None:
        self.model.set_muted_colour(muted_text(self.palette()))
        self.from_error.setStyleSheet(f"color: {error_color(self.palette()).name()};")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()

    def _link_tab_order(self) -> None:
        """Day list → the time Tab reaches → the filters, whatever order the buttons were
        made in."""
        stop = self.grid.tab_stop()
        if stop is not None:
            QWidget.setTabOrder(self.day_list, stop)
            QWidget.setTabOrder(stop, self.column_filter)
        else:
            QWidget.setTabOrder(self.day_list, self.column_filter)
        for first, second in ((self.column_filter, self.part_filter),
                              (self.part_filter, self.from_field),
                              (self.from_field, self.next_button)):
            QWidget.setTabOrder(first, second)
