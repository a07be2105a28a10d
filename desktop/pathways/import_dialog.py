"""Importing a monthly extract: choose the file, preview it, choose the pathway and month, import.

The preview is ``extract_import.parse_extract`` (pure, run on the worker thread as the file may
hold thousands of rows): detected encoding and separator, which column fills which field, the
first rows with their NIR masked, and every faulty line with its number and French reason. A
file with errors cannot be imported (the service would refuse it whole anyway). The import
itself runs through ``ops.write`` with a progress bar and ends with the service's French report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from db import validation
from db.errors import ConflictError, GuichetError
from db.pathways import extract_import
from db.pathways.extract_import import ImportRefused, ImportReport, LineError, ParsedExtract
from db.pathways.kinds import KindView
from db.wording import day
from desktop import operations as ops
from desktop.context import AppContext
from desktop.pathways.common import fill_rows, month_choices, rows_table
from widgets.banner import Banner
from widgets.choice_box import ChoiceBox
from widgets.dialog_layout import GuardedDialog, lay_out_dialog
from widgets.form import Form

PREVIEW_ROWS = 20
PREVIEW_COLUMNS = ("Ligne", "NIR", "Nom", "Prénom", "Naissance", "Téléphone", "E-mail",
                   "Entrée")
FIELD_LABELS = {"nir": "NIR", "nom": "nom", "prenom": "prénom",
                "date_naissance": "date de naissance", "telephone": "téléphone",
                "email": "e-mail", "date_entree": "date d'entrée"}
DELIMITER_NAMES = {";": "point-virgule (;)", ",": "virgule (,)"}


@dataclass(frozen=True)
class Extract:
    """A file read and parsed for the preview."""

    name: str
    data: bytes
    parsed: ParsedExtract


def preview_cells(row: extract_import.ExtractRow) -> list[str]:
    """One preview line; the NIR masked as in every list."""
    to_check = "⚠ à vérifier" if row.contacts_to_check else ""
    phone = validation.format_phone(row.phone) if row.phone else to_check
    return [str(row.line), validation.mask_nir(row.nir), row.last_name, row.first_name,
            day(row.birth_date), phone, row.email or to_check, day(row.entry_date)]


def mapping_text(header: list[str]) -> str:
    """« NIR → NIR ; Prénom → prénom ; Commentaire : ignorée »."""
    parts = [f"« {name} » → {FIELD_LABELS[field]}" if field else f"« {name} » : ignorée"
             for name, field in extract_import.header_mapping(header)]
    return " ; ".join(parts)


def summary_text(extract: Extract) -> str:
    parsed = extract.parsed
    lines = [f"Fichier « {extract.name} »"]
    if parsed.encoding:
        separator = DELIMITER_NAMES.get(parsed.delimiter, parsed.delimiter or "—")
        lines.append(f"Encodage : {parsed.encoding} — séparateur : {separator}")
    people = len(parsed.rows)
    lines.append(f"{people} personne{'s' if people > 1 else ''} "
                 f"lisible{'s' if people > 1 else ''}")
    if parsed.errors:
        faulty = len({error.line for error in parsed.errors})
        lines[-1] += (f", {faulty} ligne{'s' if faulty > 1 else ''} en erreur : le fichier "
                      "sera refusé tant qu'elles ne sont pas corrigées (rien ne sera "
                      "enregistré).")
    if parsed.warnings:
        to_check = len({warning.line for warning in parsed.warnings})
        lines.append(f"{to_check} ligne{'s' if to_check > 1 else ''} avec un téléphone ou un "
                     "e-mail non valide : importée" + ("s" if to_check > 1 else "")
                     + " sans, marquée" + ("s" if to_check > 1 else "")
                     + " « coordonnées à vérifier ».")
    if parsed.repeated:
        twice = len(parsed.repeated)
        lines.append(f"{twice} ligne{'s' if twice > 1 else ''} en double (même personne) : "
                     "comptée une fois.")
    return "\n".join(lines)


class ImportDialog(GuardedDialog):
    """``imported(kind_code, month)`` once the extract is written; the dialog then shows the
    service's report (``report``)."""

    imported = Signal(str, object)

    def __init__(self, ctx: AppContext, extract: Extract, kinds: list[KindView],
                 kind_code: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self.extract = ctx, extract
        self.report: ImportReport | None = None
        self.setWindowTitle("Importer un fichier de parcours")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        self._build(kinds, kind_code)
        self.show_errors(extract.parsed.errors)
        self.guard(self.form)  # the pathway and the month chosen
        self.mark_clean()

    @classmethod
    def start(cls, ctx: AppContext, kinds: list[KindView], kind_code: str | None,
              parent: QWidget, opened) -> None:
        """Ask for a file, read and parse it off the GUI thread, then ``opened(dialog)``."""
        path = cls.choose_file(parent)
        if not path:
            return

        def work(_session) -> Extract:
            data = Path(path).read_bytes()
            return Extract(Path(path).name, data, extract_import.parse_extract(data))

        ops.query(ctx, work).with_progress("Lecture du fichier…", parent) \
            .on_success(lambda extract: opened(cls(ctx, extract, kinds, kind_code, parent))) \
            .owned_by(parent).run()

    # -- layout ----------------------------------------------------------------------------
    def _build(self, kinds: list[KindView], kind_code: str | None) -> None:
        parsed = self.extract.parsed
        self.banner = Banner(self, framed=True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(summary_text(self.extract), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Fichier lu")
        self.mapping = QLabel(f"Colonnes : {mapping_text(parsed.header)}"
                              if parsed.header else "", self)
        self.mapping.setWordWrap(True)
        self.mapping.setAccessibleName("Colonnes reconnues")

        self.preview_model = QStandardItemModel(self)
        fill_rows(self.preview_model, PREVIEW_COLUMNS,
              [preview_cells(row) for row in parsed.rows[:PREVIEW_ROWS]])
        self.preview = rows_table(self.preview_model, "Aperçu des premières lignes")
        shown = min(len(parsed.rows), PREVIEW_ROWS)
        preview_box = QGroupBox(f"Aperçu : les {shown} premières personnes (NIR masqué)"
                                if shown else "Aperçu : aucune personne lisible", self)
        QVBoxLayout(preview_box).addWidget(self.preview)

        self.errors_model = QStandardItemModel(self)
        self.errors = rows_table(self.errors_model, "Lignes en erreur")
        self.errors_box = QGroupBox("Lignes en erreur", self)
        QVBoxLayout(self.errors_box).addWidget(self.errors)

        self.form = Form(self)
        self.kind = ChoiceBox()
        self.kind.set_choices([(k.code, k.label) for k in kinds])
        if kind_code:
            self.kind.set_value(kind_code)
        self.form.add("kind", "&Parcours", self.kind)
        self.month = ChoiceBox()
        default = parsed.default_month(date.today())
        self.month.set_choices(month_choices(date.today(), extra=default))
        self.month.set_value(default)
        self.form.add("month", "&Mois de la liste de travail", self.month)

        self.report_label = QLabel(self)
        self.report_label.setWordWrap(True)
        self.report_label.setAccessibleName("Rapport d'import")
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.report_label.hide()

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.summary, self.mapping, preview_box, self.errors_box, self.form,
                       self.report_label):
            column.addWidget(widget)
        column.addStretch()

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("&Importer",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.close_button = self.buttons.addButton("Fermer",
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.run_import)
        self.close_button.clicked.connect(self.reject)
        lay_out_dialog(self, self.banner, content, self.buttons)

    def show_errors(self, errors: list[LineError]) -> None:
        fill_rows(self.errors_model, ("Ligne", "Motif"),
              [[str(error.line), error.message] for error in errors])
        self.errors_box.setVisible(bool(errors))
        self.import_button.setEnabled(not errors and self.kind.value() is not None)

    # -- importing -------------------------------------------------------------------------
    def run_import(self) -> None:
        kind_code, month = self.kind.value(), self.month.value()
        if not self.import_button.isEnabled() or kind_code is None:
            return
        data, name = self.extract.data, self.extract.name
        self.import_button.setEnabled(False)
        ops.write(self._ctx, lambda unit: extract_import.import_extract(
            unit, kind_code, data, month=month, file_name=name,
            progress=ops.report_progress)) \
            .with_progress("Import du fichier…", self) \
            .on_success(lambda report: self._imported(kind_code, report)) \
            .on_failure(self._refused).owned_by(self).run()

    def _imported(self, kind_code: str, report: ImportReport) -> None:
        self.report = report
        self.banner.hide()
        self.report_label.setText(report.describe())
        self.report_label.show()
        self.import_button.hide()
        self.kind.setEnabled(False)
        self.month.setEnabled(False)
        self.mark_clean()  # imported: nothing left to lose
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.imported.emit(kind_code, report.month)

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, GuichetError):
            self._ctx.report_error(error, self)
            self.import_button.setEnabled(True)
            return
        if isinstance(error, ImportRefused):
            self.show_errors(error.errors)
            message = "Fichier refusé : rien n'a été enregistré. Les lignes en cause sont " \
                      "listées ci-dessous."
        else:
            message = str(error)
            self.import_button.setEnabled(isinstance(error, ConflictError))
        self.banner.say(message, error=True)

    # -- what tests replace ----------------------------------------------------------------
    @classmethod
    def choose_file(cls, parent: QWidget) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            parent, "Importer un fichier de parcours", "",
            "Fichiers CSV (*.csv *.txt);;Tous les fichiers (*)")
        return path
