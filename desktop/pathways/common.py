"""What the Parcours screens share: the kinds of changes they announce, months, small wordings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView

from db.months import add_months, first_of_month
from db.wording import month_label
from widgets.id_list_model import read_only_rows

# The kinds of records (tables) the pathway screens show, as ``ctx.changes`` names them. They
# also listen to « appointment »: an honoured appointment changes the funnel.
KIND_CHANGES = {"pathway_kind"}
MONTHS_BACK = 24  # how far back the month selectors go


def month_choices(today: date, extra: date | None = None) -> list[tuple[date, str]]:
    """Next month down to two years back, newest first (labels « octobre 2026 »); ``extra``
    is added when older (an extract of a past month)."""
    newest = add_months(first_of_month(today), 1)
    months = [add_months(newest, -offset) for offset in range(MONTHS_BACK + 2)]
    if extra is not None and first_of_month(extra) not in months:
        months.append(first_of_month(extra))
        months.sort(reverse=True)
    return [(month, month_label(month)) for month in months]


def moment(value: datetime | None) -> str:
    """Stored in UTC; shown in this computer's time zone."""
    return value.astimezone().strftime("%d/%m/%Y %H:%M") if value else ""


def age(born: date | None, today: date) -> str:
    if born is None:
        return ""
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{years} ans"




def fill_rows(model: QStandardItemModel, headers: Sequence[str],
              rows: Sequence[Sequence[str]]) -> None:
    """Replace a small read-only table's content (a preview, a settings list)."""
    model.clear()
    model.setHorizontalHeaderLabels(list(headers))
    for cells in rows:
        items = [QStandardItem(text) for text in cells]
        for item in items:
            item.setEditable(False)
        model.appendRow(items)


def rows_table(model: QStandardItemModel, name: str, visible_rows: int = 6) -> QTableView:
    """A read-only table of whole rows, fixed row height, Tab leaving it."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    read_only_rows(table, alternating=False)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * visible_rows)
    return table
