"""A small editable table of rows made of choices and times of day: weekly opening hours,
an adviser's weekly availability… Rows are added and removed with buttons or keys.

Keyboard: arrows move, F2 or typing edits the cell (a list or a hh:mm time), Insert adds a row
after the current one, Delete removes it; Tab leaves the table.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTime
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from widgets.colours import error_color
from widgets.id_list_model import fix_row_height

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """A column of choices (``choices``: (value, label)…) or, without, a time of day."""

    title: str
    choices: tuple[tuple[Hashable, str], ...] | None = None
    default: Any = None

    def text(self, value: Any) -> str:
        if self.choices is None:
            return value.strftime("%H:%M") if value is not None else ""
        return next((label for choice, label in self.choices if choice == value), "")


class RowsModel(QAbstractTableModel):
    """Rows of values, one per column; rows ``marked`` as faulty are drawn in the error red."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[list[Any]] = []
        self._marked: set[int] = set()
        self.read_only = False

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._rows = [list(row) for row in rows]
        self._marked = set()
        self.endResetModel()

    def rows(self) -> list[tuple]:
        return [tuple(row) for row in self._rows]

    def mark(self, rows: set[int]) -> None:
        self._marked = set(rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.columns) - 1))

    def insert_row(self, position: int, values: Sequence[Any]) -> None:
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, list(values))
        self._marked = {r + 1 if r >= position else r for r in self._marked}
        self.endInsertRows()

    def remove_row(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self._marked = {r - 1 if r > position else r for r in self._marked if r != position}
        self.endRemoveRows()

    # -- Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()][index.column()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(value)
        if role == Qt.ItemDataRole.EditRole:
            return column.text(value)
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self._marked:
            return error_color(QGuiApplication.palette())
        return None

    def value(self, row: int, column: int) -> Any:
        return self._rows[row][column]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """``value`` is a choice's value or a ``datetime.time``, never the text shown."""
        if (role != Qt.ItemDataRole.EditRole or self.read_only or not index.isValid()
                or not 0 <= index.row() < len(self._rows)):
            return False
        self._rows[index.row()][index.column()] = value
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if self.read_only else flags | Qt.ItemFlag.ItemIsEditable


class _Delegate(QStyledItemDelegate):
    """A list for a choice column, a hh:mm field for a time column."""

    def __init__(self, model: RowsModel, parent=None):
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        column = self._model.columns[index.column()]
        if column.choices is None:
            editor = QTimeEdit(parent)
            editor.setDisplayFormat("HH:mm")
            editor.setAccessibleName(column.title)
            return editor
        editor = QComboBox(parent)
        editor.setAccessibleName(column.title)
        for _value, label in column.choices:
            editor.addItem(label)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        column = self._model.columns[index.column()]
        value = self._model.value(index.row(), index.column())
        if column.choices is None:
            editor.setTime(QTime(value.hour, value.minute) if value else QTime(8, 30))
        else:
            values = [choice for choice, _label in column.choices]
            editor.setCurrentIndex(values.index(value) if value in values else 0)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        column = self._model.columns[index.column()]
        if column.choices is None:
            chosen = editor.time()
            model.setData(index, time(chosen.hour(), chosen.minute()))
        elif column.choices:
            model.setData(index, column.choices[editor.currentIndex()][0])


class _Table(QTableView):
    def __init__(self, editor: RowsEditor):
        super().__init__(editor)
        self._editor = editor

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if event.key() == Qt.Key.Key_Insert:
                self._editor.add_row()
                return
            if event.key() == Qt.Key.Key_Delete:
                self._editor.remove_row()
                return
        super().keyPressEvent(event)


class RowsEditor(QWidget):
    """The table and its « Ajouter » / « Supprimer » buttons. ``values()`` are the rows as
    tuples of values (a choice's value, a ``datetime.time``)."""

    def __init__(self, columns: Sequence[Column], add_text: str = "&Ajouter une ligne",
                 remove_text: str = "S&upprimer la ligne", parent: QWidget | None = None):
        super().__init__(parent)
        self.model = RowsModel(columns, self)
        self.table = _Table(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(_Delegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers
                                   & ~QAbstractItemView.EditTrigger.CurrentChanged)
        self.table.setTabKeyNavigation(False)
        fix_row_height(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("00:00") * 2)
        # A week of intervals is short: the table shows every row, the page scrolls.
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setAccessibleDescription(
            "F2 modifie la cellule, Insérer ajoute une ligne, Suppr la retire.")
        self.add_button = QPushButton(add_text, self)
        self.remove_button = QPushButton(remove_text, self)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)


    def setAccessibleName(self, name: str) -> None:
        """The table takes the focus: it is what a screen reader names (a form's label)."""
        super().setAccessibleName(name)
        self.table.setAccessibleName(name)
    def set_values(self, rows: Sequence[Sequence[Any]]) -> None:
        self.model.set_rows(rows)

    def values(self) -> list[tuple]:
        self.table.setFocus()  # commits a cell being edited
        return self.model.rows()

    def dirty_value(self) -> list[tuple]:
        """For ``widgets.dirty``: the rows (without committing a cell being edited)."""
        return self.model.rows()

    def dirty_signals(self) -> list:
        return [self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved,
                self.model.modelReset]

    def mark_rows(self, rows: set[int]) -> None:
        self.model.mark(rows)

    def set_column(self, number: int, column: Column) -> None:
        """Replace a column's definition (a list of choices read later, for instance)."""
        self.model.beginResetModel()
        self.model.columns[number] = column
        self.model.endResetModel()

    def add_row(self) -> None:
        """A copy of the current row (the next interval is usually the same day), else the
        columns' defaults; the new row becomes current."""
        if self.model.read_only:
            return
        current = self.table.currentIndex()
        if current.isValid():
            position, values = current.row() + 1, self.model.rows()[current.row()]
        else:
            position = self.model.rowCount()
            values = tuple(c.default for c in self.model.columns)
        self.model.insert_row(position, values)
        self.table.setCurrentIndex(self.model.index(position, 0))

    def remove_row(self) -> None:
        current = self.table.currentIndex()
        if self.model.read_only or not current.isValid():
            return
        self.model.remove_row(current.row())

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)
