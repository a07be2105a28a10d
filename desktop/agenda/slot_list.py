"""The free slots of a motive, kind and site, earliest first, to book or move an appointment."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from db.agenda import slots
from db.agenda.models import AppointmentKind
from db.agenda.slots import Slot
from desktop import operations as ops
from desktop.agenda.common import moment_text
from desktop.context import AppContext

# Free slots offered: the next four weeks, earliest first.
SLOT_WEEKS = 4
SLOT_LIMIT = 400


def slot_text(slot: Slot) -> str:
    return f"{moment_text(slot.starts_at, slot.time_zone)} — {slot.adviser_name} " \
           f"({slot.site_name})"


class SlotList(QListWidget):
    """``load(…)`` asks the worker for the free slots (the latest ask wins) and lists them,
    after a ``preset`` slot (the one double-clicked in the agenda) if given;
    ``shown(count)`` fires once they are listed."""

    shown = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = 0
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)

    def load(self, motive_id: uuid.UUID | None, kind: AppointmentKind | None,
             site_ids: list[uuid.UUID], *, adviser_id: uuid.UUID | None = None,
             preset: Slot | None = None) -> None:
        """The free slots at these sites (one site, or every site of a sector)."""
        self._ticket += 1
        ticket = self._ticket
        self.clear()
        if motive_id is None or kind is None or not site_ids:
            return
        self.addItem("Recherche des créneaux libres…")
        today = date.today()

        def work(unit) -> list[Slot] | None:
            if ticket != self._ticket:  # overtaken while it waited in the queue
                return None
            return slots.free_slots(unit, motive_id, kind, site_ids, today,
                                    today + timedelta(weeks=SLOT_WEEKS),
                                    adviser_id=adviser_id, limit=SLOT_LIMIT)

        ops.query(self._ctx, work).on_success(
            lambda found: self._show(ticket, found, preset)).owned_by(self).run()

    def _show(self, ticket: int, found: list[Slot] | None, preset: Slot | None) -> None:
        if ticket != self._ticket or found is None:
            return
        self.clear()
        if preset is not None:
            self._add(preset, f"Créneau choisi dans l'agenda : {slot_text(preset)}")
        for slot in found:
            if preset is None or (slot.adviser_id, slot.starts_at) != (preset.adviser_id,
                                                                         preset.starts_at):
                self._add(slot, slot_text(slot))
        if self.count() == 0:
            self.addItem(f"Aucun créneau libre dans les {SLOT_WEEKS} semaines à venir "
                         "pour ce motif, ce type et ce lieu.")
        else:
            self.setCurrentRow(0)
        self.shown.emit(len(found))

    def _add(self, slot: Slot, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, slot)
        self.addItem(item)

    def chosen(self) -> Slot | None:
        item = self.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
