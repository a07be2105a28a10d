"""The journal as a French CSV file: what a spreadsheet on an office PC opens as it is.

Semicolons between the columns, UTF-8 with a byte order mark (Excel reads the accents
right), dates as 16/03/2026 09:30 on the reader's clock; the entries the filters keep, newest
first, read page by page. The screen's « Exporter » and the command line share it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from db.errors import ValidationError
from db.journal.trail import JournalEntry, JournalFilter, read_page
from db.unit import Unit
from db.wording import thousands

HEADER = ("Date et heure", "Compte", "Action", "Type d'enregistrement", "Enregistrement",
          "Détails")
# Lines read per query while exporting.
EXPORT_PAGE = 1000
# More would not open in a spreadsheet (1,048,576 rows) and would be held in memory.
EXPORT_LIMIT = 500_000


def line(entry: JournalEntry) -> tuple[str, ...]:
    return (entry.when, entry.actor_name, entry.action_label, entry.entity_label,
            entry.subject, entry.summary)


def export_rows(unit: Unit, filters: JournalFilter,
                limit: int = EXPORT_LIMIT) -> Iterator[tuple[str, ...]]:
    """The header, then one tuple per entry; refuses in French beyond ``limit`` entries."""
    yield HEADER
    after, count = None, 0
    while True:
        page = read_page(unit, filters, after, limit=EXPORT_PAGE)
        count += len(page.entries)
        if count > limit:
            raise ValidationError({"since": (
                f"Plus de {thousands(limit)} entrées correspondent à ces critères : "
                "raccourcissez la période ou précisez les filtres.")})
        yield from (line(entry) for entry in page.entries)
        if page.next is None:
            return
        after = page.next


def to_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as a French CSV file (``;``, UTF-8 with BOM, CRLF)."""
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def export_csv(unit: Unit, filters: JournalFilter, limit: int = EXPORT_LIMIT) -> bytes:
    """The filtered entries as a French CSV file, header first."""
    return to_csv(export_rows(unit, filters, limit))
