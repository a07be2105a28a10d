"""« Exporter… » beside a list: the rows it shows, to Excel (.xlsx) or CSV for French Excel.

The page gives the button what its list shows: ``list_shown()``, called on the GUI thread
when the button is pressed, takes the ids or rows on screen and the filters and returns the
function building the sheet in a unit of work (``desktop.documents.lists``); and a file name
to suggest. The sheet is built and written on the worker thread, with a progress bar for large
lists; the file is written atomically (a failed export leaves nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QPushButton, QWidget

from desktop import operations as ops
from desktop.context import AppContext

XLSX_FILTER, CSV_FILTER = "Classeur Excel (*.xlsx)", "CSV pour Excel, séparateur ; (*.csv)"


class ExportPrompt:
    """The question asked (tests replace this class method)."""

    @classmethod
    def save_path(cls, parent: QWidget | None, suggested: str) -> str:
        """A file to write, "" when the user gives up; its suffix says the format."""
        path, chosen = QFileDialog.getSaveFileName(
            parent, "Exporter la liste", suggested, f"{XLSX_FILTER};;{CSV_FILTER}")
        if path and not path.lower().endswith((".xlsx", ".csv")):
            path += ".csv" if chosen == CSV_FILTER else ".xlsx"
        return path


def write_sheet(unit, sheet_of: Callable, path: Path) -> int:
    """Build the sheet and write it (on the worker thread); the number of rows."""
    from desktop.documents import spreadsheet, write_atomically

    sheet = sheet_of(unit)
    writer = spreadsheet.to_csv if path.suffix.lower() == ".csv" else spreadsheet.to_xlsx
    write_atomically(path, writer(sheet, ops.report_progress))
    return len(sheet.rows)


class ExportButton(QPushButton):
    """« Exporter… »: ``list_shown()`` gives ``sheet_of(unit)``, the list as shown;
    ``suggested()`` a file name (without its suffix). ``exported(path, rows)`` once
    written."""

    exported = Signal(str, int)

    def __init__(self, ctx: AppContext, list_shown: Callable[[], Callable],
                 suggested: Callable[[], str], parent: QWidget | None = None,
                 text: str = "E&xporter…"):
        super().__init__(text, parent)
        self._ctx, self._list_shown, self._suggested = ctx, list_shown, suggested
        self.setToolTip("Enregistrer la liste affichée pour un tableur : Excel (.xlsx) ou "
                        "CSV (séparateur point-virgule)")
        self.setAccessibleName("Exporter la liste affichée")
        self.setAutoDefault(False)  # Entrée in a dialog keeps its own default action
        self.clicked.connect(self.export)

    def export(self) -> None:
        path = ExportPrompt.save_path(self, f"{self._suggested()}.xlsx")
        if not path:
            return
        sheet_of = self._list_shown()  # what is on screen now, read on the GUI thread
        ops.query(self._ctx, lambda unit: write_sheet(unit, sheet_of, Path(path))) \
            .on_success(lambda rows: self._done(path, rows)) \
            .with_progress("Export de la liste…", self.window()).owned_by(self).run()

    def _done(self, path: str, rows: int) -> None:
        from db.wording import count

        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                f"{count(rows, 'ligne exportée', 'lignes exportées')} dans {path}", 10_000)
        self.exported.emit(path, rows)
