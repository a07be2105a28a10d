"""A table model that grows by pages as the view scrolls down, each page read elsewhere.

For lists too long to count or to hold (an audit trail of millions of rows): the model holds
the rows read so far; when the view reaches the last of them, Qt asks ``fetchMore`` and the
model asks its owner for the next page (``more_wanted``), which comes back later through
``add_page`` — the reading runs off the GUI thread, the view stays responsive meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from widgets.table_model import HeadedTableModel, Index


class PagedModel(HeadedTableModel):
    """Rows of any kind; ``cell(row, column)`` formats one cell, ``role_data(row, column,
    role)`` (if given) answers the other roles (tooltip, alignment…).

    ``reset(rows, more)`` starts again with a first page; ``add_page(rows, more)`` appends the
    page asked for by ``more_wanted``; ``more`` says whether another page follows.
    """

    more_wanted = Signal()

    def __init__(self, headers: Sequence[str], cell: Callable[[Any, int], str],
                 role_data: Callable[[Any, int, int], Any] | None = None, parent=None):
        super().__init__(headers, parent)
        self._cell, self._role_data = cell, role_data
        self._rows: list[Any] = []
        self._more = False
        self._asked = False  # a page is on its way: don't ask twice

    # -- pages ---------------------------------------------------------------------------
    def reset(self, rows: Sequence[Any], more: bool) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._more, self._asked = more, False
        self.endResetModel()

    def add_page(self, rows: Sequence[Any], more: bool) -> None:
        self._more, self._asked = more, False
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def has_more(self) -> bool:
        return self._more

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, index: Index) -> Any | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    # -- Qt model --------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt's)
        return not parent.isValid() and self._more and not self._asked

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._asked = True
            self.more_wanted.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell(row, index.column())
        return self._role_data(row, index.column(), role) if self._role_data else None
