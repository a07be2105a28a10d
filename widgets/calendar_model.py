"""What a day or week calendar shows, laid out in minutes: no pixels, no Qt.

Times are **naive local datetimes**: the wall-clock time of the place the calendar shows (the
caller converts from UTC with the site's time zone). A calendar column is one day, or one
resource (an adviser) on one day; an item is shown in the column of the day it starts.

Overlapping items of a column are put side by side: each gets a *lane* among the *lanes* of the
group of items that overlap one another, directly or through others.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta


class CalendarMode(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def _require_naive(name: str, value: datetime) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive local datetime (convert from UTC first)")


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One thing in the calendar (an appointment, for the agenda).

    ``category`` is mapped to a colour by the view (``set_category_colours``); ``column`` is the
    resource key when the calendar has resource columns. A ``cancelled`` item is drawn struck
    through; a non-empty ``marker`` (« à renseigner ») draws a badge and is read aloud. An
    item that is not ``movable`` (a workshop session) cannot be dragged nor moved with
    Ctrl+arrows.
    """

    key: Hashable
    start: datetime
    end: datetime
    title: str
    subtitle: str = ""
    category: str = ""
    column: Hashable | None = None
    cancelled: bool = False
    marker: str = ""
    movable: bool = True

    def __post_init__(self) -> None:
        _require_naive("start", self.start)
        _require_naive("end", self.end)
        if self.end <= self.start:
            raise ValueError(f"item {self.key!r} ends before it starts")


@dataclass(frozen=True, slots=True)
class ClosedPeriod:
    """A time the place is closed (lunch, a public holiday named by ``label``).

    ``column`` None closes every column of the days it covers; a resource key closes only that
    resource (an adviser's absence).
    """

    start: datetime
    end: datetime
    label: str = ""
    column: Hashable | None = None

    def __post_init__(self) -> None:
        _require_naive("start", self.start)
        _require_naive("end", self.end)


@dataclass(frozen=True, slots=True)
class Column:
    day: date
    key: Hashable | None = None  # the resource key, None without resource columns
    label: str = ""


@dataclass(slots=True)
class PlacedItem:
    """An item in its column, in minutes from that day's midnight, clipped to the time range."""

    item: CalendarItem
    column: int
    start: float
    end: float
    lane: int = 0
    lanes: int = 1


@dataclass(frozen=True, slots=True)
class PlacedClosure:
    column: int
    start: float
    end: float
    label: str


@dataclass(frozen=True, slots=True)
class Stop:
    """Where the keyboard focus can rest: an item, or a free grid cell (``key`` None)."""

    column: int
    start: float
    key: Hashable | None = None


def minutes_of(moment: datetime, day: date) -> float:
    """Minutes from ``day``'s midnight to ``moment`` (may be negative or over 1440)."""
    return (moment - datetime.combine(day, time())).total_seconds() / 60


def moment_at(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minutes)


def assign_lanes(placed: list[PlacedItem]) -> None:
    """Give each item of one column a lane; items of one overlapping group share their count."""
    placed.sort(key=lambda p: (p.start, -p.end))
    group: list[PlacedItem] = []
    lane_ends: list[float] = []  # the end of the last item put in each lane of the group
    group_end = float("-inf")
    for entry in placed:
        if group and entry.start >= group_end:
            _close_group(group, len(lane_ends))
            group, lane_ends, group_end = [], [], float("-inf")
        free = next((lane for lane, end in enumerate(lane_ends) if end <= entry.start), None)
        if free is None:
            free = len(lane_ends)
            lane_ends.append(entry.end)
        else:
            lane_ends[free] = entry.end
        entry.lane = free
        group.append(entry)
        group_end = max(group_end, entry.end)
    if group:
        _close_group(group, len(lane_ends))


def _close_group(group: list[PlacedItem], lanes: int) -> None:
    for entry in group:
        entry.lanes = lanes


@dataclass
class CalendarLayout:
    """The columns, items and closures of one period, placed in minutes.

    ``first_minute``/``last_minute`` bound the visible time range; ``grid`` is the step of
    the grid cells the keyboard visits and drags snap to.
    """

    columns: Sequence[Column]
    first_minute: int
    last_minute: int
    grid: int
    items: list[PlacedItem] = field(default_factory=list)
    closures: list[PlacedClosure] = field(default_factory=list)
    hidden_before: list[int] = field(default_factory=list)  # per column, items before the range
    hidden_after: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, columns: Sequence[Column], first_minute: int, last_minute: int, grid: int,
              items: Iterable[CalendarItem], closures: Iterable[ClosedPeriod]) -> CalendarLayout:
        layout = cls(list(columns), first_minute, last_minute, grid)
        layout.hidden_before = [0] * len(layout.columns)
        layout.hidden_after = [0] * len(layout.columns)
        index = {(c.day, c.key): i for i, c in enumerate(layout.columns)}
        resources = any(c.key is not None for c in layout.columns)
        per_column: dict[int, list[PlacedItem]] = {}
        for item in items:
            day = item.start.date()
            column = index.get((day, item.column if resources else None))
            if column is None:
                continue
            start, end = minutes_of(item.start, day), minutes_of(item.end, day)
            if end <= first_minute:
                layout.hidden_before[column] += 1
            elif start >= last_minute:
                layout.hidden_after[column] += 1
            else:
                placed = PlacedItem(item, column, max(start, first_minute), min(end, last_minute))
                per_column.setdefault(column, []).append(placed)
        for placed in per_column.values():
            assign_lanes(placed)
            layout.items.extend(placed)
        layout.closures = list(layout._place_closures(closures))
        return layout

    def _place_closures(self, closures: Iterable[ClosedPeriod]) -> Iterable[PlacedClosure]:
        for closure in closures:
            for number, column in enumerate(self.columns):
                if closure.column is not None and closure.column != column.key:
                    continue
                start = max(minutes_of(closure.start, column.day), self.first_minute)
                end = min(minutes_of(closure.end, column.day), self.last_minute)
                if start < end:
                    yield PlacedClosure(number, start, end, closure.label)

    # -- queries ---------------------------------------------------------------------------
    def placed(self, key: Hashable) -> PlacedItem | None:
        return next((p for p in self.items if p.item.key == key), None)

    def column_items(self, column: int) -> list[PlacedItem]:
        return sorted((p for p in self.items if p.column == column),
                      key=lambda p: (p.start, p.lane))

    def closure_at(self, column: int, minute: float) -> PlacedClosure | None:
        return next((c for c in self.closures
                     if c.column == column and c.start <= minute < c.end), None)

    def closure_between(self, column: int, start: float, end: float) -> PlacedClosure | None:
        """A closure of ``column`` overlapping ``start``–``end`` (minutes), if any."""
        return next((c for c in self.closures
                     if c.column == column and c.start < end and start < c.end), None)

    def snap(self, minute: float) -> int:
        """The grid cell start containing ``minute``, inside the range."""
        cell = self.first_minute + int((minute - self.first_minute) // self.grid) * self.grid
        return min(max(cell, self.first_minute), self.last_minute - self.grid)

    # -- keyboard stops ---------------------------------------------------------------------
    def stops(self, column: int) -> list[Stop]:
        """The items of a column and its free grid cells, in time order."""
        items = self.column_items(column)
        stops = [Stop(column, p.start, p.item.key) for p in items]
        for cell in range(self.first_minute, self.last_minute, self.grid):
            if not any(p.start < cell + self.grid and p.end > cell for p in items):
                stops.append(Stop(column, cell))
        stops.sort(key=lambda s: (s.start, s.key is None))
        return stops

    def stop_at(self, column: int, minute: float) -> Stop:
        """The stop of ``column`` at ``minute``: an item running then, else the free cell."""
        stops = self.stops(column)
        running = [p for p in self.column_items(column) if p.start <= minute < p.end]
        if running:
            return next(s for s in stops if s.key == running[0].item.key)
        cell = self.snap(minute)
        return next((s for s in stops if s.key is None and s.start == cell),
                    min(stops, key=lambda s: abs(s.start - minute)))

    def step_in_column(self, stop: Stop, direction: int) -> Stop:
        """The stop before (-1) or after (1) ``stop`` in its column, staying at the ends."""
        stops = self.stops(stop.column)
        index = next((i for i, entry in enumerate(stops) if entry == stop), 0)
        return stops[min(max(index + direction, 0), len(stops) - 1)]
