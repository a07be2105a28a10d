"""The small questions of the Préparations area: which day sheet to print, the delays an
administrator sets, where to save a PDF. Tests replace their class methods."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.dialog_layout import GuardedDialog
from widgets.form import Form


class PdfPrompt:
    @classmethod
    def save_path(cls, parent: QWidget | None, title: str, suggested: str) -> str:
        """A PDF file to write, or "" when the user gives up."""
        path, _filter = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested),
                                                    "Documents PDF (*.pdf)")
        return path


def _buttons(dialog: QDialog, accept_text: str, accept) -> QDialogButtonBox:
    buttons = QDialogButtonBox(dialog)
    buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class DaySheetDialog(GuardedDialog):
    """The day, and for a manager the adviser, of the day sheet."""

    def __init__(self, today: date, advisers: list[tuple[str, str]], login: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Feuille de journée")
        self.form = Form(self)
        self.day = DateField()
        self.day.set_date(today)
        self.form.add("day", "&Jour", self.day)
        self.adviser = ChoiceBox()
        self.adviser.set_choices(advisers)
        self.adviser.set_value(login)
        self.form.add("adviser", "&Conseiller", self.adviser)
        self.form.set_visible("adviser", bool(advisers))
        self._login = login
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tous les rendez-vous du jour, dans l'ordre, avec la "
                                "préparation et les pièces à apporter (PDF à imprimer)."))
        layout.addWidget(self.form)
        layout.addWidget(_buttons(self, "&Enregistrer…", self._accept))
        self.guard(self.form)
        self.mark_clean()

    def chosen(self) -> tuple[date, str] | None:
        """The day and the adviser's login, or None (with the reason beside the field)."""
        try:
            day = self.day.date()
        except ValueError as error:
            self.form.show_errors({"day": str(error)})
            return None
        if day is None:
            self.form.show_errors({"day": "Indiquez le jour de la feuille."})
            return None
        return day, self.adviser.value() or self._login

    def _accept(self) -> None:
        if self.chosen() is not None:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, today: date, advisers: list[tuple[str, str]],
            login: str) -> tuple[date, str] | None:
        """``advisers`` as (login, name), empty for an adviser printing their own."""
        dialog = cls(today, advisers, login, parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


class SettingsDialog(GuardedDialog):
    """How long before a visit it is prepared, and how many calls are tried."""

    def __init__(self, lead_working_days: int, max_attempts: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Réglages des préparations")
        self.form = Form(self)
        self.lead = QSpinBox()
        self.lead.setRange(1, 10)
        self.lead.setSuffix(" jour(s) ouvré(s) avant")
        self.lead.setValue(lead_working_days)
        self.attempts = QSpinBox()
        self.attempts.setRange(1, 5)
        self.attempts.setSuffix(" appel(s)")
        self.attempts.setValue(max_attempts)
        self.form.add("lead_working_days", "&Échéance de la préparation", self.lead)
        self.form.add("max_attempts", "&Appels avant « injoignable »", self.attempts)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(QLabel("Les échéances des préparations en cours suivent le "
                                "changement."))
        layout.addWidget(_buttons(self, "&Enregistrer", self.accept))
        self.guard(self.form)
        self.mark_clean()

    @classmethod
    def ask(cls, parent: QWidget | None, lead_working_days: int,
            max_attempts: int) -> tuple[int, int] | None:
        dialog = cls(lead_working_days, max_attempts, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.lead.value(), dialog.attempts.value()
