"""The retention purge: what is past its keeping goes for good, by kind (durations in
``retention_settings``, defaults and sources in the README).

- past appointments (and workshop sessions) older than their duration, with their
  preparations and waiting-list places;
- call-back requests closed longer ago than theirs;
- pathway lines settled (an outcome given) longer ago than theirs, with their attempts and
  the offers made during them;
- closed mediation files, once the administrator has set a duration, with their steps,
  waits and documents;
- the audit trail older than its duration;
- the message queue: messages sent, failed or withdrawn longer ago than theirs (after the
  time they were due), and every message of an appointment that goes. A reminder sent
  counts in the dashboard for as long as its appointment is kept: before its row goes,
  the appointment is marked ``reminded``, so that no month has to be archived for it.

``plan`` says what would go, by kind, with counts; ``purge`` does it in the same unit of
work: first the dashboard of every month it takes rows from is kept as it was
(``db.dashboard.archive``), so that past months' indicators stay right; then the rows go,
children first; then one audit event records the counts and the dates (never content).
On SQLite the freed pages are zeroed (``secure_delete``): what went cannot be read back
from the file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import and_, func, or_, select

from db.agenda.models import Appointment, WaitingListEntry, WorkshopSession
from db.base import utcnow
from db.callbacks.models import CallbackRequest
from db.dashboard import archive, figures
from db.errors import PermissionDenied
from db.lifecycle.retention import Retention, get_retention
from db.mediation.common import OFFICE_TIME_ZONE
from db.mediation.models import (
    CaseStatus,
    MediationCase,
    MediationDocument,
    MediationEvent,
    MediationWait,
)
from db.messages.models import Message, MessageKind, MessageStatus
from db.org.access import Actor, Permission
from db.org.models import Site
from db.pathways.models import PathwayAttempt, PathwayEntry, PersonOffer
from db.preparation.models import PreparationAttempt, PreparationTask
from db.roles import Role
from db.unit import INCLUDE_DELETED, Unit, audit, rows
from db.unit.audit import AuditEvent
from db.wording import NBSP

# The dashboard as kept: every section as an administrator sees them (mediation: counts
# only), computed in no one's name.
_ARCHIVIST = Actor(uuid.UUID(int=0), "", "Archivage", Role.ADMIN)
SERVER_PURGE = ("Sur un serveur, la purge est la tâche de nuit « guichet purge », lancée sans "
                "--login par le propriétaire de la base : les comptes ne suppriment rien.")
# The purge's audit event is recorded on this fixed entity.
PURGE_ENTITY = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), OFFICE_TIME_ZONE).astimezone(UTC)


@dataclass(frozen=True)
class PurgeKind:
    key: str
    label: str
    rule: str  # « plus de 24 mois après leur date »
    before: date | None  # what is older goes; None: this kind is never purged (yet)
    count: int


@dataclass(frozen=True)
class PurgePlan:
    today: date
    kinds: tuple[PurgeKind, ...]
    kept_months: int = 0  # dashboards kept before the rows went (purge only)

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)

    def count(self, key: str) -> int:
        return next(kind.count for kind in self.kinds if kind.key == key)


# -- what goes, kind by kind -------------------------------------------------------------------

@dataclass(frozen=True)
class _Cutoffs:
    appointments: datetime
    callbacks: datetime
    pathways: datetime
    mediation: date | None
    audit: datetime
    messages: datetime
    days: dict[str, date | None]


def _cutoffs(retention: Retention, today: date) -> _Cutoffs:
    days = {
        "appointments": months_before(today, retention.appointments_months),
        "callbacks": months_before(today, retention.callbacks_months),
        "pathways": months_before(today, retention.pathways_months),
        "mediation": (months_before(today, retention.mediation_months)
                      if retention.mediation_months else None),
        "audit": months_before(today, retention.audit_months),
        "messages": months_before(today, retention.messages_months),
    }
    return _Cutoffs(_instant(days["appointments"]), _instant(days["callbacks"]),
                    _instant(days["pathways"]), days["mediation"], _instant(days["audit"]),
                    _instant(days["messages"]), days)


def _old_appointments(cut: _Cutoffs):
    return Appointment.starts_at < cut.appointments


def _old_sessions(cut: _Cutoffs):
    return WorkshopSession.starts_at < cut.appointments


def _old_callbacks(cut: _Cutoffs):
    return and_(CallbackRequest.outcome.is_not(None), CallbackRequest.outcome_at < cut.callbacks)


def _old_entries(cut: _Cutoffs):
    return and_(PathwayEntry.outcome_at.is_not(None), PathwayEntry.outcome_at < cut.pathways)


def _old_cases(cut: _Cutoffs):
    if cut.mediation is None:
        return MediationCase.id.is_(None)  # nothing
    return and_(MediationCase.status == CaseStatus.CLOSED,
                MediationCase.closed_on < cut.mediation)


def _old_audit(cut: _Cutoffs):
    return AuditEvent.occurred_at < cut.audit


# A message whose sending is over: delivered, given up, or no longer to send. One still
# waiting or in a sender's hands stays (it goes with its appointment).
_SETTLED_MESSAGES = (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.UNCERTAIN,
                     MessageStatus.WITHDRAWN)


def _old_messages(cut: _Cutoffs):
    return or_(and_(Message.status.in_(_SETTLED_MESSAGES), Message.scheduled_at < cut.messages),
               Message.appointment_id.in_(_ids(Appointment, _old_appointments(cut))))


def _ids(model, condition):
    return select(model.id).where(condition).execution_options(**{INCLUDE_DELETED: True})


def _count(unit: Unit, model, condition) -> int:
    return unit.session.scalar(select(func.count()).select_from(model).where(condition)
                               .execution_options(**{INCLUDE_DELETED: True})) or 0


def _months(n: int) -> str:
    return f"plus de {n} mois"


def _kinds(unit: Unit, retention: Retention, cut: _Cutoffs) -> tuple[PurgeKind, ...]:
    old_appointments = _ids(Appointment, _old_appointments(cut))
    mediation_rule = (f"{_months(retention.mediation_months)} après leur clôture"
                      if retention.mediation_months else
                      "jamais, tant qu'aucune durée n'est fixée dans Administration")
    return (
        PurgeKind("appointments", "Rendez-vous passés et ateliers",
                  f"{_months(retention.appointments_months)} après leur date",
                  cut.days["appointments"],
                  _count(unit, Appointment, _old_appointments(cut))
                  + _count(unit, WorkshopSession, _old_sessions(cut))),
        PurgeKind("preparations", "Préparations de ces rendez-vous",
                  "avec leur rendez-vous", cut.days["appointments"],
                  _count(unit, PreparationTask,
                         PreparationTask.appointment_id.in_(old_appointments))),
        PurgeKind("callbacks", "Demandes de rappel traitées",
                  f"{_months(retention.callbacks_months)} après leur clôture",
                  cut.days["callbacks"], _count(unit, CallbackRequest, _old_callbacks(cut))),
        PurgeKind("pathways", "Lignes de parcours terminées",
                  f"{_months(retention.pathways_months)} après leur issue",
                  cut.days["pathways"], _count(unit, PathwayEntry, _old_entries(cut))),
        PurgeKind("cases", "Dossiers de médiation clos", mediation_rule, cut.days["mediation"],
                  _count(unit, MediationCase, _old_cases(cut))),
        PurgeKind("audit", "Journal d'audit", _months(retention.audit_months),
                  cut.days["audit"], _count(unit, AuditEvent, _old_audit(cut))),
        # With them, the messages of the appointments that go, whatever their state.
        PurgeKind("messages", "File des messages aux personnes",
                  f"envoyés, en échec ou retirés{NBSP}: {_months(retention.messages_months)} "
                  "après leur date d'envoi", cut.days["messages"],
                  _count(unit, Message, _old_messages(cut))),
    )


def plan(unit: Unit, *, now: datetime | None = None) -> PurgePlan:
    """What the purge would remove today, by kind, with counts: nothing is written."""
    unit.require(Permission.ADMINISTER, system=True)
    today = (now or utcnow()).astimezone(OFFICE_TIME_ZONE).date()
    retention = get_retention(unit).data
    return PurgePlan(today, _kinds(unit, retention, _cutoffs(retention, today)))


# -- doing it ----------------------------------------------------------------------------------

def purge(unit: Unit, *, now: datetime | None = None) -> PurgePlan:
    """Remove what ``plan`` lists, after keeping the dashboards of the months it touches."""
    unit.require(Permission.ADMINISTER, system=True)
    if unit.actor is not None and unit.session.bind.dialect.name == "postgresql":
        raise PermissionDenied(SERVER_PURGE)
    now = now or utcnow()
    today = now.astimezone(OFFICE_TIME_ZONE).date()
    retention = get_retention(unit).data
    cut = _cutoffs(retention, today)
    done = PurgePlan(today, _kinds(unit, retention, cut))
    if done.total == 0:
        return done
    if unit.session.bind.dialect.name == "sqlite":
        unit.session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    kept = _keep_dashboards(unit, cut, now)
    reminded = _purge_messages(unit, cut)
    _purge_appointments(unit, cut)
    rows.purge_where(unit, CallbackRequest, _old_callbacks(cut))
    _purge_pathways(unit, cut)
    _purge_cases(unit, cut)
    rows.purge_where(unit, AuditEvent, _old_audit(cut))
    audit.record(unit, "purge", "retention", PURGE_ENTITY,
                 **{kind.key: kind.count for kind in done.kinds},
                 before={kind.key: kind.before.isoformat() for kind in done.kinds
                         if kind.before is not None}, kept_months=kept,
                 reminded_appointments=reminded)
    return PurgePlan(today, done.kinds, kept)


def _detach(unit: Unit, model, column, condition) -> None:
    """Rows that stay but point at a row that goes: they point at nothing now."""
    ids = list(unit.session.scalars(_ids(model, condition)))
    rows.update_many(unit, model, {row_id: {column.key: None} for row_id in ids},
                     action="detach")


def _purge_messages(unit: Unit, cut: _Cutoffs) -> int:
    """The queue's old rows, after marking the kept appointments their sent reminders
    counted for (``Appointment.reminded``): how many were marked."""
    reminders = select(Message.appointment_id).where(
        _old_messages(cut), Message.kind == MessageKind.REMINDER,
        Message.status == MessageStatus.SENT)
    marked = rows.update_where(unit, Appointment, and_(
        Appointment.id.in_(reminders), Appointment.reminded.is_(False),
        ~_old_appointments(cut)), {"reminded": True})
    rows.purge_where(unit, Message, _old_messages(cut))
    return marked


def _purge_appointments(unit: Unit, cut: _Cutoffs) -> None:
    old = _ids(Appointment, _old_appointments(cut))
    old_sessions = _ids(WorkshopSession, _old_sessions(cut))
    tasks = _ids(PreparationTask, PreparationTask.appointment_id.in_(old))
    rows.purge_where(unit, PreparationAttempt, PreparationAttempt.task_id.in_(tasks))
    rows.purge_where(unit, PreparationTask, PreparationTask.appointment_id.in_(old))
    rows.purge_where(unit, WaitingListEntry, or_(
        WaitingListEntry.appointment_id.in_(old),
        WaitingListEntry.workshop_session_id.in_(old_sessions)))
    for model, column in ((CallbackRequest, CallbackRequest.appointment_id),
                          (PathwayEntry, PathwayEntry.appointment_id)):
        _detach(unit, model, column, column.in_(old))
    _detach(unit, Appointment, Appointment.rescheduled_from_id,
            and_(Appointment.rescheduled_from_id.in_(old), ~_old_appointments(cut)))
    # Among the old ones, the moved ones point at older ones still: all go in one statement.
    rows.purge_where(unit, Appointment, _old_appointments(cut))
    rows.purge_where(unit, WorkshopSession, and_(
        _old_sessions(cut), ~WorkshopSession.id.in_(select(Appointment.workshop_session_id)
                                                   .where(Appointment.workshop_session_id
                                                          .is_not(None)))))


def _purge_pathways(unit: Unit, cut: _Cutoffs) -> None:
    old = _ids(PathwayEntry, _old_entries(cut))
    rows.purge_where(unit, PathwayAttempt, PathwayAttempt.entry_id.in_(old))
    rows.purge_where(unit, PersonOffer, PersonOffer.entry_id.in_(old))
    rows.purge_where(unit, PathwayEntry, _old_entries(cut))


def _purge_cases(unit: Unit, cut: _Cutoffs) -> None:
    if cut.mediation is None:
        return
    old = _ids(MediationCase, _old_cases(cut))
    rows.purge_where(unit, MediationEvent, MediationEvent.case_id.in_(old))
    rows.purge_where(unit, MediationWait, MediationWait.case_id.in_(old))
    rows.purge_where(unit, MediationDocument, MediationDocument.case_id.in_(old))
    rows.purge_where(unit, MediationCase, _old_cases(cut))


# -- the months kept before the rows go --------------------------------------------------------

def _touched_months(unit: Unit, cut: _Cutoffs) -> tuple[date, date] | None:
    """The first and last months a purged row counts in (None: no row goes that a figure
    counts). Only those are kept: a later month may still change (an outcome recorded late),
    and its figures must stay live."""
    session = unit.session
    spans = [
        (Appointment.starts_at, Appointment.starts_at, _old_appointments(cut)),
        (WorkshopSession.starts_at, WorkshopSession.starts_at, _old_sessions(cut)),
        # Call-backs count in the month they were asked, pathway lines in their cohort's.
        (CallbackRequest.requested_at, CallbackRequest.requested_at, _old_callbacks(cut)),
        (PathwayEntry.month, PathwayEntry.month, _old_entries(cut)),
        (MediationCase.received_on, MediationCase.closed_on, _old_cases(cut)),
    ]
    days = []
    for first, last, condition in spans:
        found = session.execute(select(func.min(first), func.max(last)).where(condition)).one()
        days += [d.astimezone(OFFICE_TIME_ZONE).date() if isinstance(d, datetime) else d
                 for d in found if d is not None]
    return (min(days).replace(day=1), max(days).replace(day=1)) if days else None


def _keep_dashboards(unit: Unit, cut: _Cutoffs, now: datetime) -> int:
    touched = _touched_months(unit, cut)
    if touched is None:
        return 0
    first, last = touched
    site_ids = list(unit.session.scalars(select(Site.id).order_by(Site.name)))
    reader = Unit(unit.session, _ARCHIVIST)
    kept, month = 0, first
    while month <= last:
        for site_id in (None, *site_ids):
            if archive.is_kept(unit.session, month, site_id):
                continue
            board = figures.dashboard(reader, month, site_id, now=now)
            rows.create(unit, archive.ArchivedMonth(
                month=month, site_key=archive.site_key(site_id),
                sections=[archive.section_content(s) for s in board.sections]),
                action=None)
            kept += 1
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return kept
