"""The free slots a slot picker offers, grouped and filtered, without Qt.

The caller gives free slots (aware start and end, a column such as an adviser, an optional
place, an opaque payload, the time zone to show them in) and the days of a range with their
state (open, or closed with a French reason). A day's slots are shown in each slot's own
local time and split at 13:00 into morning and afternoon; slots of several columns that start
at the same local time at the same place make one *choice*, which proposes the first column
in the columns' order (what « Indifférent » means: anyone free then).
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

AFTERNOON_FROM = 13 * 60  # minutes after local midnight


@dataclass(frozen=True, slots=True)
class FreeSlot:
    """A free slot. ``start`` and ``end`` are timezone-aware; ``time_zone`` (an IANA name)
    is where it is shown, the offer's zone when None."""

    start: datetime
    end: datetime
    column_key: Hashable
    column_label: str
    place: str = ""
    payload: Any = None
    time_zone: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a free slot's start and end must be timezone-aware")


@dataclass(frozen=True, slots=True)
class SlotDay:
    """A day of the range; ``closed`` is the French reason when it is closed (« Fermé »,
    « Jour férié : Noël »), empty when it is open."""

    day: date
    closed: str = ""


class DayPart(enum.Enum):
    WHOLE_DAY = "Toute la journée"
    MORNING = "Matin"
    AFTERNOON = "Après-midi"

    def holds(self, minute: int) -> bool:
        if self is DayPart.MORNING:
            return minute < AFTERNOON_FROM
        return self is DayPart.WHOLE_DAY or minute >= AFTERNOON_FROM


@dataclass(frozen=True, slots=True)
class Filters:
    """What the user narrowed the offer to: a column (None: any), a part of the day, the
    first day (None: from the start of the range)."""

    column: Hashable | None = None
    part: DayPart = DayPart.WHOLE_DAY
    from_day: date | None = None


@dataclass(frozen=True, slots=True)
class SlotChoice:
    """One time offered: its local start at a place, and the slots free then, the one it
    proposes first."""

    local_start: datetime  # naive, in ``zone``
    zone: str
    place: str
    slots: tuple[FreeSlot, ...]

    @property
    def slot(self) -> FreeSlot:
        return self.slots[0]

    @property
    def minute(self) -> int:
        return self.local_start.hour * 60 + self.local_start.minute

    @property
    def part(self) -> DayPart:
        return DayPart.MORNING if self.minute < AFTERNOON_FROM else DayPart.AFTERNOON


@dataclass(frozen=True, slots=True)
class _Entry:
    slot: FreeSlot
    local_start: datetime
    zone: str
    minute: int
    column: int  # index in the columns' order


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class SlotOffer:
    """Free slots by local day, ready to filter. ``days`` None: the days the slots fall on,
    all open. Slots on a closed day or on a day outside ``days`` are not offered.
    ``columns`` (key, label) orders the columns (the filter's entries and which column a
    shared time proposes); by default, in the order they first appear in ``slots``."""

    def __init__(self, slots: Iterable[FreeSlot], days: Iterable[SlotDay] | None = None, *,
                 time_zone: str = "Europe/Paris",
                 columns: Sequence[tuple[Hashable, str]] | None = None):
        slots = list(slots)
        order = dict(columns or ())
        for slot in slots:
            order.setdefault(slot.column_key, slot.column_label)
        self.columns: list[tuple[Hashable, str]] = list(order.items())
        index = {key: number for number, (key, _label) in enumerate(self.columns)}
        by_day: dict[date, list[_Entry]] = {}
        for slot in slots:
            zone = slot.time_zone or time_zone
            local = slot.start.astimezone(_zone(zone)).replace(tzinfo=None)
            by_day.setdefault(local.date(), []).append(
                _Entry(slot, local, zone, local.hour * 60 + local.minute,
                       index[slot.column_key]))
        if days is None:
            days = [SlotDay(day) for day in by_day]
        self.days: list[SlotDay] = sorted(days, key=lambda entry: entry.day)
        open_days = {entry.day for entry in self.days if not entry.closed}
        self._places = {place: number for number, place in enumerate(dict.fromkeys(
            slot.place for slot in slots))}
        self._entries = {day: sorted(entries, key=self._order)
                         for day, entries in by_day.items() if day in open_days}

    def _order(self, entry: _Entry) -> tuple:
        return entry.local_start, entry.zone, self._places[entry.slot.place], entry.column

    def _matching(self, day: date, filters: Filters) -> Iterable[_Entry]:
        if filters.from_day is not None and day < filters.from_day:
            return ()
        return (entry for entry in self._entries.get(day, ())
                if (filters.column is None or entry.slot.column_key == filters.column)
                and filters.part.holds(entry.minute))

    def choices(self, day: date, filters: Filters = Filters()) -> list[SlotChoice]:
        """The times offered on ``day``, earliest first (then by place)."""
        groups: dict[tuple, list[_Entry]] = {}
        for entry in self._matching(day, filters):
            groups.setdefault((entry.local_start, entry.zone, entry.slot.place), []).append(entry)
        return [SlotChoice(start, zone, place, tuple(entry.slot for entry in entries))
                for (start, zone, place), entries in groups.items()]

    def count(self, day: date, filters: Filters = Filters()) -> int:
        """How many times ``choices`` offers on ``day``."""
        return len({(entry.local_start, entry.zone, entry.slot.place)
                    for entry in self._matching(day, filters)})

    def has_slots(self, day: date) -> bool:
        """Whether the day offers anything at all, whatever the filters."""
        return bool(self._entries.get(day))

    def next_free(self, filters: Filters = Filters()) -> tuple[date, SlotChoice] | None:
        """The earliest choice (by the instant it starts) that the filters let through."""
        best: tuple[datetime, date, _Entry] | None = None
        for day in self._entries:
            for entry in self._matching(day, filters):
                if best is None or entry.slot.start < best[0]:
                    best = entry.slot.start, day, entry
        if best is None:
            return None
        _start, day, entry = best
        return day, next(choice for choice in self.choices(day, filters)
                         if (choice.local_start, choice.zone, choice.place)
                         == (entry.local_start, entry.zone, entry.slot.place))

    def find(self, payload: Any) -> tuple[date, FreeSlot] | None:
        """The day and slot carrying ``payload`` (compared with ==)."""
        for day, entries in self._entries.items():
            for entry in entries:
                if entry.slot.payload == payload:
                    return day, entry.slot
        return None
