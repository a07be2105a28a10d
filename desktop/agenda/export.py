"""« Exporter »: an adviser's agenda as an .ics file (METHOD:PUBLISH), off the GUI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.agenda import appointments
from desktop.documents import ical, write_atomically
from widgets.date_field import DateField
from widgets.dialog_layout import GuardedDialog
from widgets.form import Form


def export_agenda(unit, login: str, name: str, first_day: date, last_day: date,
                  path: Path) -> int:
    """Write the adviser's appointments of those days to ``path``; returns how many."""
    entries = appointments.calendar_entries(unit, login, first_day, last_day)
    write_atomically(path, ical.publish(entries, name=f"Guichet — {name}"))
    return len(entries)


class ExportPeriodDialog(GuardedDialog):
    """The period to export: the days shown, or chosen dates."""

    def __init__(self, shown: tuple[date, date], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Exporter l'agenda")
        self._shown = shown
        self.shown_days = QRadioButton(
            f"Les jours affichés (du {shown[0]:%d/%m/%Y} au {shown[1]:%d/%m/%Y})")
        self.chosen_days = QRadioButton("D'autres &dates :")
        self.shown_days.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.shown_days)
        group.addButton(self.chosen_days)
        self.form = Form(self)
        self.first_day, self.last_day = DateField(), DateField()
        self.first_day.set_date(shown[0])
        self.last_day.set_date(shown[1])
        self.form.add("first_day", "&Du", self.first_day)
        self.form.add("last_day", "&Au", self.last_day)
        for field in (self.first_day, self.last_day):
            field.textEdited.connect(lambda _text: self.chosen_days.setChecked(True))
        buttons = QDialogButtonBox(self)
        buttons.addButton("&Exporter…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Un fichier .ics sans NIR ni détail de santé : le nom est "
                                "réduit à l'initiale."))
        layout.addWidget(self.shown_days)
        layout.addWidget(self.chosen_days)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.guard(self)  # the choice of days and the dates
        self.mark_clean()

    def period(self) -> tuple[date, date] | None:
        """The chosen days, or None (with the reason beside the field) when unreadable."""
        if self.shown_days.isChecked():
            return self._shown
        try:
            first, last = self.first_day.date(), self.last_day.date()
        except ValueError as error:
            self.form.show_errors({"first_day": str(error)})
            return None
        if first is None or last is None or last < first:
            self.form.show_errors({"last_day": "Indiquez une période dans l'ordre."})
            return None
        return first, last

    def _accept(self) -> None:
        if self.period() is not None:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, shown: tuple[date, date]) -> tuple[date, date] | None:
        """The period to export, or None if the user gives up; tests replace it."""
        dialog = cls(shown, parent)
        return dialog.period() if dialog.exec() == QDialog.DialogCode.Accepted else None
