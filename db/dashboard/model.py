"""What the dashboard is made of: sections of figures, tables and charts, each with the
drill-down that lists the records behind it; who sees which section; months."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from db.errors import PermissionDenied
from db.mediation.common import OFFICE_TIME_ZONE
from db.org.access import Actor, Permission
from db.unit import Unit
from db.wording import month_label


class Source(enum.StrEnum):
    """The kind of records a figure counts (and its list shows)."""

    APPOINTMENTS = "appointments"
    PREPARATIONS = "preparations"
    CALLBACKS = "callbacks"
    PATHWAYS = "pathways"
    CASES = "cases"


@dataclass(frozen=True)
class Drill:
    """Which records a figure counts: a source, the month and site, and conditions."""

    source: Source
    month: date
    site_id: uuid.UUID | None
    conditions: tuple[tuple[str, str], ...] = ()

    def narrowed(self, *conditions: tuple[str, str]) -> Drill:
        """The records of this drill that also meet ``conditions``."""
        return Drill(self.source, self.month, self.site_id, self.conditions + conditions)


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    drill: Drill
    of: int | None = None  # the total the count is a share of, when a share is shown

    @property
    def share(self) -> float | None:
        return self.count / self.of if self.of else None


@dataclass(frozen=True)
class Measure:
    """A value that is not a count (a median), with the records it was computed on."""

    label: str
    text: str
    drill: Drill | None = None


@dataclass(frozen=True)
class Table:
    title: str
    heading: str  # of the first column, the rows' labels
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]


@dataclass(frozen=True)
class Chart:
    """Horizontal bars, one per figure."""

    title: str
    bars: tuple[Figure, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: tuple[Figure, ...]
    measures: tuple[Measure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    note: str = ""
    activity: int = 0  # records of the month it counts: all zero makes a month with none
    lists: bool = True  # whether its figures open the lists behind them for this actor

    def all_figures(self) -> Iterable[Figure]:
        """Every figure of the section: headline, charts and table cells."""
        yield from self.figures
        for chart in self.charts:
            yield from chart.bars
        for table in self.tables:
            for _label, cells in table.rows:
                yield from cells


@dataclass(frozen=True)
class Dashboard:
    month: date
    site_id: uuid.UUID | None
    site_name: str  # « Tous les sites » when none is chosen
    sections: tuple[Section, ...]
    activity: int  # records of the month, all sections: 0 is a month with no activity

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


ALL_SITES = "Tous les sites"


def sees_activity(actor: Actor) -> bool:
    """The office's activity: dashboard holders who also see the agenda."""
    return actor.can(Permission.DASHBOARD) and actor.can(Permission.BOOK_APPOINTMENTS)


def require_source(unit: Unit, source: Source) -> None:
    """The dashboard, and for the office's activity the agenda too."""
    unit.require(Permission.DASHBOARD)
    if source is Source.CASES and not unit.actor.can(Permission.MEDIATION):
        raise PermissionDenied("Les listes de dossiers de médiation sont réservées à "
                               "l'équipe de médiation : les chiffres suffisent aux autres.")
    if source is not Source.CASES and not sees_activity(unit.actor):
        raise PermissionDenied(f"Votre rôle ({unit.actor.role_label}) ne permet pas de "
                               "consulter l'activité de l'accueil.")


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """UTC instants of the month's first and next month's first midnight, office time."""
    start = datetime.combine(month.replace(day=1), time(), OFFICE_TIME_ZONE)
    end = datetime.combine(next_month(month), time(), OFFICE_TIME_ZONE)
    return start.astimezone(UTC), end.astimezone(UTC)
