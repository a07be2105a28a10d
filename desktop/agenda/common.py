"""What the agenda screens share: local times, colours by kind, the questions they ask the
user, and the table of appointments (agenda list, « à renseigner », a person's record)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QMessageBox,
    QTableView,
    QWidget,
)

from db.agenda.appointments import AgendaRow
from db.agenda.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, TO_FILL
from db.agenda.models import AppointmentKind, AppointmentStatus
from db.wording import short_weekday_day
from widgets.id_list_model import IdListModel, read_only_rows, size_columns

# One hue per kind; the calendar adjusts each one to stand out in light and dark mode.
KIND_COLOURS = {
    AppointmentKind.PHONE.value: "#1a73e8",
    AppointmentKind.PHYSICAL.value: "#188038",
    AppointmentKind.VIDEO.value: "#9334e6",
    AppointmentKind.WORKSHOP.value: "#e8710a",
}


# -- time ------------------------------------------------------------------------------------

def local(moment: datetime, time_zone: str) -> datetime:
    """A UTC instant as the naive wall-clock time of the place shown."""
    return moment.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)


def instant(wall_clock: datetime, time_zone: str) -> datetime:
    """A naive wall-clock time of the place shown, as a UTC instant."""
    return wall_clock.replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def day_text(moment: datetime, time_zone: str) -> str:
    """« lun. 16/03/2026 » in the site's time zone."""
    shown = moment.astimezone(ZoneInfo(time_zone))
    return short_weekday_day(shown)


def time_text(moment: datetime, time_zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(time_zone)):%H:%M}"


def moment_text(moment: datetime, time_zone: str) -> str:
    """« lun. 16/03/2026 09:00 » in the site's time zone."""
    return f"{day_text(moment, time_zone)} {time_text(moment, time_zone)}"


def to_fill(row: AgendaRow, now: datetime) -> bool:
    """A past appointment still without an outcome (« à renseigner »)."""
    return row.status is AppointmentStatus.BOOKED and row.starts_at < now


# -- questions to the user (tests replace these class methods) -------------------------------

class Prompts:
    @classmethod
    def confirm(cls, parent: QWidget | None, question: str) -> bool:
        answer = QMessageBox.question(parent, "Guichet", question)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget | None, message: str) -> None:
        QMessageBox.warning(parent, "Guichet", message)

    @classmethod
    def save_path(cls, parent: QWidget | None, title: str, suggested: str) -> str:
        """A file to write, or "" when the user gives up."""
        path, _filter = QFileDialog.getSaveFileName(parent, title, suggested,
                                                    "Calendrier iCalendar (*.ics)")
        return path


# -- a table of appointments -------------------------------------------------------------------

COLUMNS = ("Date", "Heure", "Personne", "Motif", "Type", "Statut", "Canal", "Conseiller")
_SAMPLES = ("mer. 00/00/0000", "00:00", "LEFÈVRE-DUPONTEL Éloïse", "AMELI", "Téléphonique",
            "Réglé lors de la préparation", "France Services")


class AppointmentTable(QTableView):
    """Appointments by id, fetched block by block; Enter or a double-click asks to open one
    (``open_requested(id)``). ``fetch_rows(ids)`` reads the rows; ``zone_of(row)`` and
    ``adviser_name(id)`` say how to show them."""

    open_requested = Signal(uuid.UUID)

    def __init__(self, fetch_rows: Callable[[list[uuid.UUID]], list[AgendaRow]],
                 zone_of: Callable[[AgendaRow], str],
                 adviser_name: Callable[[uuid.UUID], str],
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._zone_of, self._adviser_name, self._now = zone_of, adviser_name, now
        self.model_ = IdListModel(COLUMNS, fetch_rows, lambda row: row.id, self._cell,
                                  parent=self, role_data=self._role)
        self.setModel(self.model_)
        read_only_rows(self)
        size_columns(self, _SAMPLES)
        self.activated.connect(self._activated)

    def set_ids(self, ids: list[uuid.UUID]) -> None:
        self.model_.set_keys(ids)

    def _activated(self, index) -> None:
        key = self.model_.key_at(index)
        if key is not None:
            self.open_requested.emit(key)

    def _cell(self, row: AgendaRow, column: int) -> str:
        zone = self._zone_of(row)
        match column:
            case 0:
                return day_text(row.starts_at, zone)
            case 1:
                return time_text(row.starts_at, zone)
            case 2:
                return row.person_name
            case 3:
                return row.motive_code
            case 4:
                return KIND_LABELS[row.kind]
            case 5:
                label = STATUS_LABELS[row.status]
                return f"{label} — {TO_FILL}" if to_fill(row, self._now()) else label
            case 6:
                return CHANNEL_LABELS[row.channel]
            case _:
                return self._adviser_name(row.adviser_id)

    def _role(self, row: AgendaRow, column: int, role: int):
        if role == Qt.ItemDataRole.ToolTipRole:  # a cell cut short (« Mickaël Eym… ») whole
            return self._cell(row, column)
        if role == Qt.ItemDataRole.FontRole and row.status in (
                AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED):
            font = QFont(self.font())
            font.setStrikeOut(True)
            return font
        return None
