"""Choosing a free slot to book or move an appointment: the slot picker of ``widgets`` fed
with the free slots of a motive, kind and site(s) over the next four weeks.

The four weeks are fetched once (``slots.free_slots``, a few milliseconds on the large demo)
with the days every site is closed; the picker then filters by adviser, part of the day and
first day without asking the database again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.agenda import slots, views
from db.agenda.models import AppointmentKind
from db.agenda.slots import Slot
from desktop import operations as ops
from desktop.context import AppContext
from widgets.slot_offer import DayPart, FreeSlot, SlotDay
from widgets.slot_picker import SlotPicker

# Free slots offered: the next four weeks.
SLOT_WEEKS = 4


@dataclass(frozen=True)
class _Offer:
    slots: list[Slot]
    closed: dict[date, str]
    first_day: date
    last_day: date


def free_slot(slot: Slot, several_sites: bool) -> FreeSlot:
    """A service's slot as the picker shows it: by adviser, at its site when there are
    several, the slot itself as the payload."""
    return FreeSlot(slot.starts_at, slot.ends_at, slot.adviser_id, slot.adviser_name,
                    slot.site_name if several_sites else "", slot, slot.time_zone)


def slot_days(offer: _Offer) -> list[SlotDay]:
    days, day = [], offer.first_day
    while day <= offer.last_day:
        days.append(SlotDay(day, offer.closed.get(day, "")))
        day += timedelta(days=1)
    return days


class SlotList(QWidget):
    """The free slots of the next weeks in a ``SlotPicker`` (``picker``).

    ``load(…)`` asks the worker for them (the latest ask wins) and offers them, the
    ``preset`` slot (the cell double-clicked in the agenda) chosen, else the slot chosen
    before if still free, else the earliest; ``shown(count)`` fires once they are offered.
    ``chosen()`` is the slot chosen, None when none is free.
    """

    shown = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = 0
        self._slots: list[Slot] = []
        self.picker = SlotPicker(self, column_title="Conseiller", any_column="Indifférent")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("État de la recherche de créneaux")
        self.status.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.picker, 1)
        self.setFocusProxy(self.picker.day_list)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)

    def sizeHint(self) -> QSize:
        """Room for the days, a morning and an afternoon of times, and the filters."""
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 110, metrics.lineSpacing() * 26)

    def hasHeightForWidth(self) -> bool:
        # Its wrapped labels would make the height follow the width: the times and the days
        # scroll inside, the picker keeps the height it asks for.
        return False

    def load(self, motive_id: uuid.UUID | None, kind: AppointmentKind | None,
             site_ids: list[uuid.UUID], *, adviser_id: uuid.UUID | None = None,
             preset: Slot | None = None) -> None:
        """The free slots at these sites (one site, or every site of a sector)."""
        self._ticket += 1
        ticket = self._ticket
        if motive_id is None or kind is None or not site_ids:
            self._offer([], _Offer([], {}, date.today(), date.today()), None)
            return
        self._say("Recherche des créneaux libres…")
        today = date.today()
        last_day = today + timedelta(weeks=SLOT_WEEKS) - timedelta(days=1)

        def work(unit) -> _Offer | None:
            if ticket != self._ticket:  # overtaken while it waited in the queue
                return None
            return _Offer(slots.free_slots(unit, motive_id, kind, site_ids, today, last_day,
                                           adviser_id=adviser_id),
                          views.closed_days(unit, site_ids, today, last_day), today, last_day)

        ops.query(self._ctx, work).on_success(
            lambda offer: self._show(ticket, offer, preset)).owned_by(self).run()

    def _show(self, ticket: int, offer: _Offer | None, preset: Slot | None) -> None:
        if ticket != self._ticket or offer is None:
            return
        found = list(offer.slots)
        if preset is not None and preset not in found:
            found.insert(0, preset)  # the cell chosen in the agenda, checked on saving
            found.sort(key=lambda slot: (slot.starts_at, slot.adviser_name))
        self._offer(found, offer, preset)
        self.shown.emit(len(offer.slots))

    def _offer(self, found: list[Slot], offer: _Offer, preset: Slot | None) -> None:
        self._slots = found
        several_sites = len({slot.site_id for slot in found}) > 1
        advisers = sorted({(slot.adviser_id, slot.adviser_name) for slot in found},
                          key=lambda entry: entry[1])
        zone = found[0].time_zone if found else views.DEFAULT_TIME_ZONE
        self.picker.set_slots([free_slot(slot, several_sites) for slot in found],
                              slot_days(offer), time_zone=zone, columns=advisers)
        if preset is not None:
            self.picker.select_payload(preset)
        elif found and self.picker.selected_payload() is None:
            # As a list would: the earliest free slot is chosen, F8 finds the next one
            # that suits the filters.
            self.picker.select_payload(found[0])
        if found:
            self._say("")
        else:
            self._say(f"Aucun créneau libre dans les {SLOT_WEEKS} semaines à venir pour ce "
                      "motif, ce type et ce lieu.")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- what the dialogs and tests read --------------------------------------------------
    def chosen(self) -> Slot | None:
        return self.picker.selected_payload()

    def count(self) -> int:
        """How many slots are offered."""
        return len(self._slots)

    def slots(self) -> list[Slot]:
        return list(self._slots)

    def choose(self, index: int) -> Slot:
        """Choose the ``index``-th slot offered, earliest first (what a click on its time
        does)."""
        slot = self._slots[index]
        self.picker.column_filter.set_value(None)
        self.picker.part_filter.set_value(DayPart.WHOLE_DAY)
        self.picker.from_field.set_date(None)
        if not self.picker.select_payload(slot):
            raise LookupError(f"slot {index} is not offered")
        return slot

    def focus_times(self) -> None:
        """The keyboard into the day list, the times one Tab away."""
        self.picker.day_list.setFocus(Qt.FocusReason.OtherFocusReason)
