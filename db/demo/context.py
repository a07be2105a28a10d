"""What the demo's steps share: the transaction, the reference day, what earlier steps made,
and the seeded helpers (ids, moments, bulk inserts, French counts)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from db import wording
from db.errors import GuichetError
from db.org.models import SiteKind
from db.people.models import PersonKind
from db.roles import Role
from db.unit import Unit
from db.unit.rows import insert_many
from db.workdays import WorkingCalendar

SIZES = {"small": 5_000, "large": 200_000}


TIME_ZONE = "Europe/Paris"
# The hours staff work in: what they wrote in the demo happened then (« 09:40 », not
# « 23:09 »), on a weekday.
OFFICE_OPENS, OFFICE_MINUTES = time(8, 30), 8 * 60 + 30


def office_moment(day: date, rng: random.Random, zone: str = TIME_ZONE,
                  calendar: WorkingCalendar | None = None) -> datetime:
    """A moment of office hours on ``day`` — the working day before it when the office is
    closed (a weekend; a public holiday of ``calendar``) — in UTC."""
    day -= timedelta(days=max(0, day.weekday() - 4))
    while calendar is not None and not calendar.is_working_day(day):
        day -= timedelta(days=1)
    local = datetime.combine(day, OFFICE_OPENS, ZoneInfo(zone)) \
        + timedelta(minutes=rng.randrange(OFFICE_MINUTES))
    return local.astimezone(UTC)


def office_day(moment: datetime, zone: str = TIME_ZONE) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


DEPARTMENT = "38"


# Dated data spans the year before the reference day and the three months after it.
PAST = timedelta(days=365)


FUTURE = timedelta(days=92)


CHUNK = 10_000


Progress = Callable[[int, int, str], None]


class DemoRefused(GuichetError):
    """The demo data was not written (the database is not empty, or the size is unknown)."""


@dataclass(frozen=True)
class DemoSite:
    id: uuid.UUID
    name: str
    kind: SiteKind
    city: str
    sector: str
    break_minutes: int


@dataclass(frozen=True)
class DemoStaff:
    id: uuid.UUID
    login: str
    role: Role
    site_id: uuid.UUID


@dataclass
class DemoContext:
    """The transaction, the reference day and what earlier steps created."""

    unit: Unit
    seed: int
    people_count: int
    today: date
    progress: Progress
    sites: list[DemoSite] = field(default_factory=list)
    staff: list[DemoStaff] = field(default_factory=list)
    people: dict[PersonKind, list[uuid.UUID]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def on_server(self) -> bool:
        return self.unit.session.get_bind().dialect.name == "postgresql"

    @property
    def session(self) -> Session:
        """For the steps' reads (their writes go through ``insert_rows``)."""
        return self.unit.session

    @property
    def midnight(self) -> datetime:
        """The start of the reference day, in UTC: every "past" timestamp is before it."""
        return datetime.combine(self.today, time(), UTC)

    def random_for(self, step_name: str) -> random.Random:
        return random.Random(f"{self.seed}:{step_name}")

    def past_moment(self, rng: random.Random, after: datetime | None = None) -> datetime:
        """A moment in the last twelve months (and after ``after`` when given)."""
        start = after or self.midnight - PAST
        span = int((self.midnight - start).total_seconds())
        return start + timedelta(seconds=rng.randrange(max(span, 1)))

    def entity_columns(self, rng: random.Random) -> dict:
        """The conventional columns of a new row: id, timestamps, version, not deleted."""
        created = self.past_moment(rng)
        updated = created if rng.random() < 0.7 else self.past_moment(rng, after=created)
        return {"id": new_id(rng), "created_at": created, "updated_at": updated,
                "version": 1, "deleted_at": None}

    def insert_rows(self, model, rows: Iterable[dict], total: int, label: str) -> None:
        """Bulk-insert ``rows`` in chunks, reporting progress between them. The demo is
        audited once, as a whole (``generate``)."""
        chunk: list[dict] = []
        done = 0
        self.progress(0, total, label)
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                insert_many(self.unit, model, chunk, action=None)
                done += len(chunk)
                chunk = []
                self.progress(done, total, label)
        if chunk:
            insert_many(self.unit, model, chunk, action=None)
            self.progress(total, total, label)


def new_id(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded generator, so ids repeat with the seed."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    size: str
    counts: dict[str, int]
    lines: tuple[str, ...]

    def describe(self) -> str:
        """What was created, in French, one line per area."""
        return "\n".join(self.lines)


def counted(n: int, singular: str, plural: str) -> str:
    """« 200 000 personnes », as the rest of Guichet words a count."""
    return wording.count(n, singular, plural)


Step = Callable[[DemoContext, random.Random], None]
