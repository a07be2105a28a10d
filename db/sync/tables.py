"""What a permanence's replica holds, table by table (the « offline profile »).

- **Reference** tables come whole, as the account's role reads them: sites and their hours,
  the staff (without any secret), motives, settings, templates, offers.
- **Roots** are chosen by the permanence: the sites' appointments and workshop sessions of
  the period, their open call-backs, the pathway lines assigned to the adviser, and — for the
  mediation team only, the server's row-level security deciding — the sites' open cases and
  the cases of the people on the laptop.
- **Children** follow their parent (a preparation follows its appointment, an attempt its
  line), and every row a kept row refers to (its person, the appointment it was moved from)
  is fetched with it.

The same rules choose what a pull keeps, so that the laptop never fills up with the whole
office's changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, and_, or_, true

from db.metadata import load_all
from db.replica.journal import NOT_JOURNALED

PARIS = ZoneInfo("Europe/Paris")
REFERENCE = (
    "site", "closed_day", "opening_hours", "staff", "absence", "availability", "motive",
    "preparation_settings", "pathway_kind", "pathway_import", "offer_segment", "rebound_offer",
    "mediation_motive", "mediation_settings", "mediation_letter_template",
    "message_settings", "message_template", "office_settings", "retention_settings",
)
ROOTS = ("workshop_session", "appointment", "callback_request", "pathway_entry",
         "mediation_case")
# Child → its parent's column: the child is kept with its parent.
CHILDREN = {
    "waiting_list_entry": "workshop_session_id", "preparation_task": "appointment_id",
    "preparation_attempt": "task_id", "message": "appointment_id",
    "pathway_attempt": "entry_id", "person_offer": "entry_id",
    "mediation_document": "case_id", "mediation_wait": "case_id",
    "mediation_event": "case_id",
}
# What never leaves the server for a laptop: the account's secrets and its sign-in record
# (the laptop keeps its own), the audit trail (it goes one way, from the laptop).
LOCAL_COLUMNS = {"staff": frozenset({"password_hash", "failed_sign_ins", "locked_until",
                                     "last_sign_in_at"})}
PUSH_ONLY = ("audit_event",)


@dataclass(frozen=True)
class Scope:
    """A permanence: its sites, its period, who works it."""

    site_ids: frozenset[uuid.UUID]
    first_day: date
    last_day: date
    adviser_id: uuid.UUID
    person_ids: set[uuid.UUID] = field(default_factory=set, compare=False)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), PARIS)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(0), PARIS)

    def as_state(self) -> dict:
        return {"site_ids": sorted(str(site) for site in self.site_ids),
                "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
                "adviser_id": str(self.adviser_id)}

    @classmethod
    def from_state(cls, state: dict) -> Scope:
        return cls(frozenset(uuid.UUID(site) for site in state["site_ids"]),
                   date.fromisoformat(state["first_day"]), date.fromisoformat(state["last_day"]),
                   uuid.UUID(state["adviser_id"]))


def table(name: str) -> Table:
    return load_all().tables[name]


def synced_tables() -> list[Table]:
    """Every table that travels between the server and a laptop, parents first."""
    kept = {*REFERENCE, *ROOTS, *CHILDREN, "person"}
    return [t for t in load_all().sorted_tables if t.name in kept]


def root_condition(name: str, scope: Scope) -> ColumnElement[bool]:
    """Which rows of a root table the permanence keeps."""
    columns = table(name).c
    in_sites = columns.site_id.in_(scope.site_ids) if "site_id" in columns else true()
    if name in ("workshop_session", "appointment"):
        return and_(in_sites, columns.starts_at >= scope.start, columns.starts_at < scope.end)
    if name == "callback_request":
        return and_(in_sites, or_(columns.outcome.is_(None), columns.due_at >= scope.start))
    if name == "pathway_entry":
        return columns.assigned_to_id == scope.adviser_id
    if name == "mediation_case":  # the sites' open cases, and those of the people here
        open_here = and_(in_sites, columns.closed_on.is_(None))
        people = sorted(scope.person_ids)
        return or_(open_here, columns.person_id.in_(people)) if people else open_here
    raise KeyError(name)


def check_tables_cover_the_schema() -> list[str]:
    """Tables neither synced nor left out on purpose (a test keeps this empty)."""
    kept = {t.name for t in synced_tables()} | set(PUSH_ONLY) | NOT_JOURNALED
    return sorted(set(load_all().tables) - kept)
