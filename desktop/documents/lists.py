"""Every list of Guichet as a spreadsheet: the columns its screen shows, typed.

Each list has its columns (the headers of its screen, in its order) and the rows its screen
reads, through the same services and so the same permissions: a screen exports the rows it
lists, the command line (``guichet export xlsx|csv LIST``) finds them with the filters it was
given. NIRs are masked as the lists mask them. Instants are written in the site's time zone
(the computer's where a list has no site), without a zone: what a spreadsheet can hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from db.agenda.appointments import AgendaRow
from db.agenda.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, TO_FILL
from db.agenda.models import AppointmentStatus
from db.base import utcnow
from db.callbacks.requests import CallbackRow
from db.lifecycle.journal import JournalRow
from db.mediation.records import CaseRow
from db.mediation.wording import alert_text, next_due_text
from db.pathways.worklists import WorklistRow
from db.people.search import PersonRow
from db.preparation.tasks import TaskRow
from db.unit import Unit
from desktop.callbacks.wording import delay_text
from desktop.documents.spreadsheet import Column, Sheet

DEFAULT_TIME_ZONE = "Europe/Paris"
# The command line exports whole lists (an .xlsx sheet holds 1,048,575 rows).
WHOLE_LIST = 1_048_575


def local(moment: datetime | None, time_zone: str | None = None) -> datetime | None:
    """A stored UTC instant as a spreadsheet holds it: local, without a zone."""
    if moment is None:
        return None
    zone = ZoneInfo(time_zone) if time_zone else None
    return moment.astimezone(zone).replace(tzinfo=None)


def _minute(moment: datetime | None) -> time | None:
    return moment.time().replace(second=0, microsecond=0) if moment else None


# -- the columns of each screen ---------------------------------------------------------------

PEOPLE = (
    Column("Nom", lambda r: r.name, 24), Column("Prénom", lambda r: r.first_name, 16),
    Column("Type", lambda r: r.kind_label, 14), Column("NIR", lambda r: r.masked_nir, 22),
    Column("Né(e) le", lambda r: r.birth_date, 12), Column("Téléphone", lambda r: r.phone, 16),
    Column("Commune", lambda r: r.city, 20),
)


@dataclass(frozen=True)
class AppointmentLine:
    row: AgendaRow
    time_zone: str
    adviser: str
    to_fill: bool

    @property
    def status_text(self) -> str:
        label = STATUS_LABELS[self.row.status]
        return f"{label} — {TO_FILL}" if self.to_fill else label


APPOINTMENTS = (
    Column("Date", lambda a: local(a.row.starts_at, a.time_zone).date(), 12),
    Column("Heure", lambda a: _minute(local(a.row.starts_at, a.time_zone)), 8),
    Column("Personne", lambda a: a.row.person_name, 26),
    Column("Motif", lambda a: a.row.motive_code, 10),
    Column("Type", lambda a: KIND_LABELS[a.row.kind], 14),
    Column("Statut", lambda a: a.status_text, 28),
    Column("Canal", lambda a: CHANNEL_LABELS[a.row.channel], 16),
    Column("Conseiller", lambda a: a.adviser, 22),
)


@dataclass(frozen=True)
class CallbackLine:
    row: CallbackRow
    site: str
    time_zone: str
    now: datetime


CALLBACKS = (
    Column("Échéance", lambda c: local(c.row.due_at, c.time_zone), 17),
    Column("État", lambda c: delay_text(c.row.due_at, c.now, c.row.outcome is not None), 24),
    Column("Personne", lambda c: c.row.name, 26),
    Column("Téléphone", lambda c: c.row.phone, 16),
    Column("Motif", lambda c: c.row.motive_code, 10),
    Column("Lieu", lambda c: c.site, 24),
    Column("Prise par", lambda c: c.row.taken_by, 22),
    Column("Demande", lambda c: c.row.reason, 40),
)

PREPARATIONS = (
    Column("Échéance", lambda t: t.due_on, 12),
    Column("État", lambda t: t.state_text, 28),
    Column("Rendez-vous", lambda t: local(t.starts_at, t.time_zone), 17),
    Column("Personne", lambda t: t.person_name, 26),
    Column("Téléphone", lambda t: t.phone, 16),
    Column("Motif", lambda t: t.motive_code, 10),
    Column("Lieu", lambda t: t.site_name, 24),
    Column("Conseiller", lambda t: t.adviser_name, 22),
    Column("Appels", lambda t: t.attempts, 8),
)


@dataclass(frozen=True)
class WorklistLine:
    row: WorklistRow
    kind: str
    month: date


WORKLIST = (
    Column("Parcours", lambda w: w.kind, 14), Column("Mois", lambda w: w.month, 10),
    Column("Nom", lambda w: w.row.name, 22), Column("Prénom", lambda w: w.row.first_name, 16),
    Column("NIR", lambda w: w.row.masked_nir, 22),
    Column("Naissance", lambda w: w.row.birth_date, 12),
    Column("Téléphone", lambda w: w.row.phone, 16),
    Column("Entrée", lambda w: w.row.entry_date, 12),
    Column("État", lambda w: w.row.status_label, 16),
    Column("Tentatives", lambda w: w.row.attempts, 10),
    Column("Dernière tentative", lambda w: local(w.row.last_attempt_at), 17),
    Column("Conseiller", lambda w: w.row.adviser or "non attribuée", 22),
)

CASES = (
    Column("Référence", lambda c: c.reference, 16), Column("Alerte", alert_text, 20),
    Column("Reçue le", lambda c: c.received_on, 12),
    Column("Demandeur", lambda c: c.person_name, 26),
    Column("Motif", lambda c: c.motive_label, 24), Column("État", lambda c: c.status_label, 22),
    Column("Médiateur", lambda c: c.mediator_name or "non attribué", 20),
    Column("Âge (j)", lambda c: c.age_days, 8),
    Column("Prochaine échéance", lambda c: next_due_text(c.next_due), 30),
)

AUDIT = (
    Column("Date et heure", lambda e: local(e.occurred_at), 17),
    Column("Compte", lambda e: e.actor, 22), Column("Action", lambda e: e.action, 14),
    Column("Objet", lambda e: e.entity_type, 18),
    Column("Identifiant", lambda e: str(e.entity_id), 38),
    Column("Détails", lambda e: e.details, 50),
)


# -- sheets from the rows a screen shows ------------------------------------------------------

def people_sheet(rows: Iterable[PersonRow], title: str = "Personnes") -> Sheet:
    return Sheet.of(title, PEOPLE, rows)


def appointments_sheet(unit: Unit, rows: Iterable[AgendaRow], *, now: datetime | None = None,
                       title: str = "Rendez-vous") -> Sheet:
    from db.org import sites, staff

    rows = list(rows)
    zones = {s.id: s.time_zone for s in sites.list_sites(unit)}
    names = staff.staff_names(unit.session, {r.adviser_id for r in rows})
    now = now or utcnow()
    return Sheet.of(title, APPOINTMENTS, (
        AppointmentLine(r, zones.get(r.site_id, DEFAULT_TIME_ZONE), names.get(r.adviser_id, ""),
                        r.status is AppointmentStatus.BOOKED and r.starts_at < now)
        for r in rows))


def callbacks_sheet(unit: Unit, rows: Iterable[CallbackRow], *, now: datetime | None = None,
                    title: str = "Demandes de rappel") -> Sheet:
    from db.org import sites

    found = {s.id: s for s in sites.list_sites(unit)}
    now = now or utcnow()

    def line(row: CallbackRow) -> CallbackLine:
        site = found.get(row.site_id)
        return CallbackLine(row, site.name if site else "",
                            site.time_zone if site else DEFAULT_TIME_ZONE, now)

    return Sheet.of(title, CALLBACKS, (line(r) for r in rows))


def preparations_sheet(rows: Iterable[TaskRow], title: str = "Préparations") -> Sheet:
    return Sheet.of(title, PREPARATIONS, rows)


def worklist_sheet(rows: Iterable[WorklistRow], kind: str, month: date,
                   title: str = "Parcours") -> Sheet:
    return Sheet.of(title, WORKLIST, (WorklistLine(r, kind, month) for r in rows))


def cases_sheet(rows: Iterable[CaseRow], title: str = "Dossiers de médiation") -> Sheet:
    return Sheet.of(title, CASES, rows)


def audit_sheet(rows: Iterable[JournalRow], title: str = "Journal d'audit") -> Sheet:
    return Sheet.of(title, AUDIT, rows)


# -- sheets from the ids a screen lists -------------------------------------------------------

def in_order(fetch: Callable[[list[uuid.UUID]], list], ids: list[uuid.UUID],
             block: int = 2000) -> list:
    """The rows of ``ids`` in their order, fetched by blocks (an IN list stays short)."""
    found = {}
    for start in range(0, len(ids), block):
        found.update((row.id, row) for row in fetch(ids[start:start + block]))
    return [found[i] for i in ids if i in found]


def people_ids_sheet(unit: Unit, ids: list[uuid.UUID], title: str = "Personnes") -> Sheet:
    from db.people import search

    return people_sheet(in_order(lambda block: search.people_rows(unit, block), ids), title)


def appointment_ids_sheet(unit: Unit, ids: list[uuid.UUID], *, now: datetime | None = None,
                          title: str = "Rendez-vous") -> Sheet:
    from db.agenda import appointments

    return appointments_sheet(
        unit, in_order(lambda block: appointments.appointment_rows(unit, block), ids),
        now=now, title=title)


def task_ids_sheet(unit: Unit, ids: list[uuid.UUID], title: str = "Préparations") -> Sheet:
    from db.preparation import tasks

    return preparations_sheet(in_order(lambda block: tasks.task_rows(unit, block), ids), title)


def worklist_ids_sheet(unit: Unit, ids: list[uuid.UUID], kind_id: uuid.UUID, month: date,
                       title: str = "Parcours") -> Sheet:
    from db.pathways import kinds, worklists

    kind = next((k.label for k in kinds.list_kinds(unit, include_inactive=True)
                 if k.id == kind_id), "")
    return worklist_sheet(in_order(lambda block: worklists.worklist_rows(unit, block), ids),
                          kind, month, title)


def case_ids_sheet(unit: Unit, ids: list[uuid.UUID],
                   title: str = "Dossiers de médiation") -> Sheet:
    from db.mediation import reading

    return cases_sheet(in_order(lambda block: reading.case_rows(unit, block), ids), title)


# -- the command line: the rows found with its filters ----------------------------------------

@dataclass(frozen=True)
class ListFilter:
    """``guichet export … LIST [--from --to] [--site]``: days inclusive, a site by id."""

    first_day: date | None = None
    last_day: date | None = None
    site_id: uuid.UUID | None = None
    site_zone: str = DEFAULT_TIME_ZONE

    def bounds(self, zone: str | None = None) -> tuple[datetime | None, datetime | None]:
        """UTC instants of [first day 00:00, the day after the last[ in ``zone``."""
        tz = ZoneInfo(zone or self.site_zone)

        def start(day: date | None) -> datetime | None:
            return (datetime.combine(day, time(), tz).astimezone(UTC)
                    if day is not None else None)

        return (start(self.first_day),
                start(self.last_day + timedelta(days=1) if self.last_day else None))

    def holds(self, day: date | None) -> bool:
        """Whether ``day`` is in the period (everything is when none was given)."""
        if day is None:
            return self.first_day is None and self.last_day is None
        return ((self.first_day is None or day >= self.first_day)
                and (self.last_day is None or day <= self.last_day))


def _people(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.people import search

    return people_ids_sheet(unit, search.all_people(unit))


def _appointments(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.agenda import appointments

    today = date.today()
    period = ListFilter(wanted.first_day or today, wanted.last_day or today + timedelta(days=27),
                        wanted.site_id, wanted.site_zone)
    starts, ends = period.bounds()
    ids = appointments.find_appointments(  # the whole period: the screen stops at 5,000
        unit, appointments.AppointmentFilter(starts, ends, site_id=wanted.site_id),
        limit=WHOLE_LIST)
    return appointment_ids_sheet(unit, ids)


def _callbacks(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.callbacks import requests

    dated = wanted.first_day is not None or wanted.last_day is not None
    rows = requests.callback_queue(unit, site_id=wanted.site_id, include_closed=dated)
    if dated:
        rows = [r for r in rows if wanted.holds(local(r.requested_at, wanted.site_zone).date())]
    return callbacks_sheet(unit, rows)


def _preparations(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.preparation import tasks

    ids = tasks.find_tasks(unit, tasks.TaskFilter(site_id=wanted.site_id), limit=WHOLE_LIST)
    sheet = task_ids_sheet(unit, ids)
    due = [c.header for c in PREPARATIONS].index("Échéance")
    return replace(sheet, rows=[r for r in sheet.rows if wanted.holds(r[due])])


def _worklist(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.pathways import kinds, worklists
    from db.pathways.months import first_of_month

    first = first_of_month(wanted.first_day or date.today())
    last = first_of_month(wanted.last_day or wanted.first_day or date.today())
    lines: list[WorklistLine] = []
    month = first
    while month <= last:
        for kind in kinds.list_kinds(unit, include_inactive=True):
            ids = worklists.search_worklist(unit, kind.id, month)
            lines.extend(WorklistLine(r, kind.label, month) for r in in_order(
                lambda block: worklists.worklist_rows(unit, block), ids))
        month = first_of_month(month + timedelta(days=32))
    return Sheet.of("Parcours", WORKLIST, lines)


def _cases(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.mediation import reading

    ids = reading.search_cases(unit, limit=WHOLE_LIST)
    sheet = case_ids_sheet(unit, ids)
    received = [c.header for c in CASES].index("Reçue le")
    return replace(sheet, rows=[r for r in sheet.rows if wanted.holds(r[received])])


def _audit(unit: Unit, wanted: ListFilter) -> Sheet:
    from db.lifecycle import journal

    starts, ends = wanted.bounds()
    return audit_sheet(journal.journal(unit, starts, ends))


LISTS: dict[str, Callable[[Unit, ListFilter], Sheet]] = {
    "people": _people,
    "appointments": _appointments,
    "callbacks": _callbacks,
    "preparations": _preparations,
    "worklist": _worklist,
    "cases": _cases,
    "audit": _audit,
}
# Lists with no site: ``--site`` makes no sense there.
WITHOUT_SITE = frozenset({"people", "worklist", "cases", "audit"})


def list_sheet(unit: Unit, name: str, wanted: ListFilter) -> Sheet:
    return LISTS[name](unit, wanted)
