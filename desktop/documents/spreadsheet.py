"""A list as a spreadsheet: Excel (.xlsx) with typed cells, or CSV as French Excel reads it.

A ``Sheet`` is a title, French column headers and rows of typed values (text, whole or
decimal numbers, dates, local date-times, times, None). In .xlsx dates and numbers stay
dates and numbers (formatted ``dd/mm/yyyy``), the header row is frozen and the columns
sized; a CSV is ``;``-separated UTF-8 with a BOM, dates written ``dd/mm/yyyy``, decimals
with a comma. Text a spreadsheet would run as a formula (OWASP « CSV injection »: starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) stays text: a string cell in
.xlsx, prefixed with an apostrophe in CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT, MOMENT_FORMAT, TIME_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM", "HH:MM"
# Characters a worksheet's name may not hold, and its length limit (Excel's).
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LIMIT = 31
_MAX_WIDTH = 60

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    """A column of a list: its French header and the typed value of a row in it."""

    header: str
    value: Callable[[Any], object]
    width: int = 14  # in characters, at least the header's


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    widths: tuple[int, ...] = ()

    @classmethod
    def of(cls, title: str, columns: Sequence[Column], records: Iterable[Any]) -> Sheet:
        return cls(title, tuple(c.header for c in columns),
                   [tuple(c.value(record) for c in columns) for record in records],
                   tuple(max(c.width, len(c.header) + 2) for c in columns))


    def without(self, hidden: Iterable[str]) -> Sheet:
        """The sheet less the columns a screen hides (a partner's, an adviser's)."""
        keep = [i for i, header in enumerate(self.headers) if header not in set(hidden)]
        return Sheet(self.title, tuple(self.headers[i] for i in keep),
                     [tuple(row[i] for i in keep) for row in self.rows],
                     tuple(self.widths[i] for i in keep) if self.widths else ())


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """The text as a spreadsheet must show it, never run it (CSV)."""
    return f"'{text}" if is_formula_like(text) else text


# -- CSV ---------------------------------------------------------------------------------------

def csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralised(str(value))


def to_csv(sheet: Sheet, progress: Progress | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for number, row in enumerate(sheet.rows, 1):
        writer.writerow([csv_text(value) for value in row])
        _report(progress, number, len(sheet.rows))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


# -- Excel -------------------------------------------------------------------------------------

def sheet_name(title: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub("-", title)[:_SHEET_NAME_LIMIT].strip() or "Liste"


def to_xlsx(sheet: Sheet, progress: Progress | None = None) -> bytes:
    from openpyxl import Workbook  # only when a spreadsheet is asked for
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.title = sheet.title
    book.properties.creator = "Guichet"
    page = book.create_sheet(sheet_name(sheet.title))
    page.freeze_panes = "A2"
    for index, width in enumerate(sheet.widths, 1):
        page.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH)
    bold = Font(bold=True)

    def header(text: str):
        cell = WriteOnlyCell(page, value=text)
        cell.font = bold
        return cell

    page.append([header(text) for text in sheet.headers])
    for number, row in enumerate(sheet.rows, 1):
        page.append([_xlsx_cell(page, WriteOnlyCell, value) for value in row])
        _report(progress, number, len(sheet.rows))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(page, cell_class, value: object):
    # Plain values are written as they are (a cell object each costs twice the time); only
    # what needs a format, or must not become a formula, gets one.
    if isinstance(value, str):
        if not value.startswith("="):  # openpyxl takes only « = » for a formula
            return value
        cell = cell_class(page, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    if not isinstance(value, date | time):
        return value
    cell = cell_class(page, value=value)
    if isinstance(value, datetime):
        cell.number_format = MOMENT_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, time):
        cell.number_format = TIME_FORMAT
    return cell


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % 500 == 0 or done == total):
        progress(done, total)


WRITERS: dict[str, Callable[[Sheet, Progress | None], bytes]] = {"xlsx": to_xlsx, "csv": to_csv}
