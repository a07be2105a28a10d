"""A table model that holds only a list of keys and fetches the rows it shows, block by block.

The pattern of Anki's browser table: a search returns ids (cheap, even by the hundred
thousand); the model asks the caller for the rows of the block a view is painting and keeps a
bounded cache of blocks. Pair it with a view of fixed row height (``fix_row_height``) so Qt never
asks for rows it does not paint, and a list of 200,000 keys stays instant.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets.colours import error_color
from widgets.table_model import HeadedTableModel, Index


class IdListModel(HeadedTableModel):
    """Rows identified by keys; their content comes from callbacks given by the caller.

    ``fetch_rows(keys)`` returns the rows of those keys (missing ones may be left out);
    ``row_key(row)`` tells which key a row belongs to; ``cell(row, column)`` formats one cell.
    ``role_data(row, column, role)``, if given, answers the other roles (colour, font, icon,
    tooltip…) from the same cached row. A key whose row could not be fetched (deleted
    meanwhile) shows empty cells.
    """

    def __init__(
        self,
        headers: Sequence[str],
        fetch_rows: Callable[[list[Any]], list[Any]],
        row_key: Callable[[Any], Hashable],
        cell: Callable[[Any, int], str],
        block_size: int = 64,
        cached_blocks: int = 32,
        parent=None,
        role_data: Callable[[Any, int, int], Any] | None = None,
    ):
        super().__init__(headers, parent)
        self._fetch_rows, self._row_key, self._cell = fetch_rows, row_key, cell
        self._role_data = role_data
        self._block_size, self._cached_blocks = block_size, cached_blocks
        self._keys: list[Hashable] = []
        self._blocks: OrderedDict[int, list[Any]] = OrderedDict()

    # -- keys ------------------------------------------------------------------------------
    def set_keys(self, keys: Sequence[Hashable]) -> None:
        self.beginResetModel()
        self._keys = list(keys)
        self._blocks.clear()
        self.endResetModel()

    def extend_keys(self, keys: Sequence[Hashable]) -> None:
        """Add keys after the present ones (the rest of an answer whose first page is
        shown): the rows shown, the selection and the scroll position stay as they are."""
        if not keys:
            return
        first = len(self._keys)
        if first % self._block_size:  # the last block fetched was short: fetch it again
            self._blocks.pop(first // self._block_size, None)
        self.beginInsertRows(QModelIndex(), first, first + len(keys) - 1)
        self._keys.extend(keys)
        self.endInsertRows()

    def keys(self) -> list[Hashable]:
        return list(self._keys)

    def key_at(self, index: Index) -> Hashable | None:
        if not index.isValid() or not 0 <= index.row() < len(self._keys):
            return None
        return self._keys[index.row()]

    def row_at(self, index: Index) -> Any | None:
        """The fetched row shown at ``index`` (None when it could not be fetched)."""
        return self._row(index)

    def row_of(self, key: Hashable) -> int | None:
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def refresh(self) -> None:
        """Forget the fetched rows (they changed); the view refetches what it shows."""
        self._blocks.clear()
        if self._keys:
            last = self.index(len(self._keys) - 1, len(self._headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        text_role = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        if not text_role and self._role_data is None:
            return None
        row = self._row(index)
        if row is None:
            return None
        if text_role:
            return self._cell(row, index.column())
        return self._role_data(row, index.column(), role)

    # -- the block cache ---------------------------------------------------------------------
    def _row(self, index: Index) -> Any | None:
        if not index.isValid() or not 0 <= index.row() < len(self._keys):
            return None
        number, offset = divmod(index.row(), self._block_size)
        block = self._blocks.get(number)
        if block is None:
            block = self._fetch_block(number)
        else:
            self._blocks.move_to_end(number)
        return block[offset]

    def _fetch_block(self, number: int) -> list[Any]:
        start = number * self._block_size
        keys = self._keys[start:start + self._block_size]
        fetched = {self._row_key(row): row for row in self._fetch_rows(keys)}
        block = [fetched.get(key) for key in keys]
        self._blocks[number] = block
        while len(self._blocks) > self._cached_blocks:
            self._blocks.popitem(last=False)
        return block


def fix_row_height(view: QTableView) -> None:
    """One row height for every row, from the font: the view never measures rows it skips."""
    header = view.verticalHeader()
    header.setSectionResizeMode(header.ResizeMode.Fixed)
    header.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header.hide()


def read_only_rows(view: QTableView, *, alternating: bool = True,
                   selection: QAbstractItemView.SelectionMode =
                   QAbstractItemView.SelectionMode.SingleSelection) -> None:
    """Set a table up as a list of rows: whole rows selected (one at a time unless told),
    nothing edited in place, one line per row of fixed height, Tab leaving the list."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(alternating)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    fix_row_height(view)


def size_columns(view: QTableView, samples: Sequence[str], *, bold: Collection[int] = (),
                 stretch: Collection[int] = (), room: int = 24) -> None:
    """Columns as wide as their sample text (in bold for the ``bold`` ones) and ``room``, the
    last one — or the ``stretch`` ones, in equal shares — taking what is left; the user may
    still resize the others. ``stretch`` columns keep the ones after them whole when the
    window narrows."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(not stretch)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    heavy = QFont(view.font())
    heavy.setBold(True)
    for column, sample in enumerate(samples):
        if column not in stretch:
            metrics = QFontMetrics(heavy) if column in bold else view.fontMetrics()
            view.setColumnWidth(column, metrics.horizontalAdvance(sample) + room)


def late_row_look(column: int, role: int, bold_column: int) -> Any:
    """A ``role_data`` answer for a late row: red text, and ``bold_column`` in bold."""
    if role == Qt.ItemDataRole.ForegroundRole:
        return error_color(QGuiApplication.palette())
    if role == Qt.ItemDataRole.FontRole and column == bold_column:
        font = QFont()
        font.setBold(True)
        return font
    return None


def enter_list(view: QTableView) -> None:
    """Move into a list from its search field (Down or Enter there): the first row becomes
    the current one when none is. Nothing happens when the list is empty."""
    if view.model() is None or view.model().rowCount() == 0:
        return
    if not view.currentIndex().isValid():
        view.selectRow(0)
    view.setFocus(Qt.FocusReason.OtherFocusReason)


def lay_out_list_section(section: QWidget, count: QWidget, action: QWidget,
                         view: QWidget) -> None:
    """A section of a record listing things: the count and its action (« Prendre
    rendez-vous », « Ouvrir le dossier ») on one line, the list below."""
    line = QHBoxLayout()
    line.addWidget(count, 1)
    line.addWidget(action)
    layout = QVBoxLayout(section)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(line)
    layout.addWidget(view)
