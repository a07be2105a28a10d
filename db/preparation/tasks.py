"""Pre-call preparation (DOMAIN.md): every physical appointment is prepared by a phone call.

- Tasks follow the agenda by themselves (``follow``): created for a physical appointment,
  moved with it, called off with it.
- ``record_call`` records an attempt and, once the person is reached, the outcome:
  **conclusive** cancels the visit as « résolu lors de la préparation » (its slot is free
  again) and gives the text to send the person; **maintained** keeps it, with the documents
  to bring; an unanswered **last** attempt keeps the visit as **unreachable**.
- ``rates.conclusive_rates`` are the figures managers follow (3 % to 20 % in the field);
  ``documents`` gathers what the day sheet and the confirmation letter print.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.agenda import appointments, booking
from db.agenda.appointments import AgendaRow, AppointmentDetail
from db.agenda.models import Appointment, AppointmentStatus, Motive
from db.base import require_aware, utcnow
from db.errors import PermissionDenied, ValidationError
from db.mediation import reading as mediation_reading
from db.org.access import Permission
from db.org.models import Site, Staff
from db.pathways.labels import STATUS_LABELS as PATHWAY_STATUS_LABELS
from db.pathways.models import PathwayEntry, PathwayKind, PathwayStatus
from db.people.models import Person, PersonKind
from db.preparation.documents import documents_text, salutation
from db.preparation.follow import task_of
from db.preparation.labels import OUTCOME_LABELS
from db.preparation.models import (
    PreparationAttempt,
    PreparationOutcome,
    PreparationStatus,
    PreparationTask,
)
from db.preparation.scope import sees_everyone
from db.preparation.settings import settings
from db.roles import Role
from db.unit import Unit, audit, rows
from db.unit.audit import ids
from db.validation import format_phone
from db.wording import day as french_date
from db.wording import moment as french_moment
from db.wording import month_label


class TaskState(enum.Enum):
    TO_PREPARE = "à préparer"
    PREPARED = "préparées"


@dataclass
class TaskFilter:
    state: TaskState = TaskState.TO_PREPARE
    adviser_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None


# A list stops there (a whole CPAM's coming visits are a few thousand).
LIST_LIMIT = 5000


# Prepared tasks are listed for the visits of the last weeks and those to come.
PREPARED_SINCE = timedelta(days=31)


def find_tasks(unit: Unit, wanted: TaskFilter, *,
               now: datetime | None = None, limit: int = LIST_LIMIT) -> list[uuid.UUID]:
    """Ids of the tasks that match, by due day then appointment time. « À préparer »: open
    tasks of visits still to come; « préparées »: those with an outcome, recent or coming."""
    session = unit.session
    unit.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    adviser_id = wanted.adviser_id if sees_everyone(unit.actor) else unit.actor_id
    statement = (select(PreparationTask.id)
                 .join(Appointment, Appointment.id == PreparationTask.appointment_id))
    if wanted.state is TaskState.TO_PREPARE:
        statement = statement.where(PreparationTask.status == PreparationStatus.OPEN,
                                    Appointment.status == AppointmentStatus.BOOKED,
                                    Appointment.starts_at > now)
    else:
        statement = statement.where(PreparationTask.status == PreparationStatus.DONE,
                                    Appointment.starts_at > now - PREPARED_SINCE)
    for column, value in ((Appointment.adviser_id, adviser_id),
                          (Appointment.site_id, wanted.site_id)):
        if value is not None:
            statement = statement.where(column == value)
    return list(session.scalars(statement.order_by(
        PreparationTask.due_on, Appointment.starts_at, PreparationTask.id).limit(limit)))


@dataclass(frozen=True)
class TaskRow:
    """One preparation as the list shows it: plain values, no ORM object."""

    id: uuid.UUID
    version: int
    appointment_id: uuid.UUID
    due_on: date
    starts_at: datetime
    time_zone: str
    person_name: str
    phone: str
    motive_code: str
    adviser_id: uuid.UUID
    adviser_name: str
    site_name: str
    status: PreparationStatus
    outcome: PreparationOutcome | None
    attempts: int
    today: date  # the site's day when the row was read

    @property
    def overdue(self) -> bool:
        return self.status is PreparationStatus.OPEN and self.due_on < self.today

    @property
    def state_text(self) -> str:
        """In words, never in colour alone: late, due today, due by a day, or the outcome."""
        if self.outcome is not None:
            return OUTCOME_LABELS[self.outcome]
        if self.status is PreparationStatus.CANCELLED:
            return "Sans objet (rendez-vous annulé)"
        late = (self.today - self.due_on).days
        if late > 0:
            return f"En retard de {late} jour{'s' if late > 1 else ''}"
        if late == 0:
            return "À appeler aujourd'hui"
        return f"À appeler d'ici le {french_date(self.due_on)}"


def _person_name(kind: PersonKind, last_name: str, first_name: str, organisation: str) -> str:
    return organisation if kind is PersonKind.EMPLOYER else f"{last_name.upper()} {first_name}"


def task_rows(unit: Unit, task_ids: list[uuid.UUID], *,
              now: datetime | None = None) -> list[TaskRow]:
    """The rows of these tasks (a list fetches the block it shows)."""
    session = unit.session
    unit.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    statement = (
        select(PreparationTask.id, PreparationTask.version, PreparationTask.appointment_id,
               PreparationTask.due_on, PreparationTask.status, PreparationTask.outcome,
               PreparationTask.attempts, Appointment.starts_at, Appointment.adviser_id,
               Person.kind.label("person_kind"), Person.last_name, Person.first_name,
               Person.organisation_name, Person.phone, Motive.code,
               Staff.first_name.label("adviser_first"), Staff.last_name.label("adviser_last"),
               Site.name.label("site_name"), Site.time_zone)
        .join(Appointment, Appointment.id == PreparationTask.appointment_id)
        .join(Person, Person.id == Appointment.person_id)
        .join(Motive, Motive.id == Appointment.motive_id)
        .join(Staff, Staff.id == Appointment.adviser_id)
        .join(Site, Site.id == Appointment.site_id)
        .where(PreparationTask.id.in_(task_ids)))
    if not sees_everyone(unit.actor):
        statement = statement.where(Appointment.adviser_id == unit.actor_id)
    return [
        TaskRow(r.id, r.version, r.appointment_id, r.due_on, r.starts_at, r.time_zone,
                _person_name(r.person_kind, r.last_name, r.first_name, r.organisation_name),
                format_phone(r.phone), r.code, r.adviser_id,
                f"{r.adviser_first} {r.adviser_last}", r.site_name, r.status, r.outcome,
                r.attempts, now.astimezone(ZoneInfo(r.time_zone)).date())
        for r in session.execute(statement)
    ]


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    name: str
    login: str = ""  # an adviser's, to ask for their day sheet


def filter_choices(unit: Unit) -> tuple[list[Choice], list[Choice]]:
    """The advisers and the sites a manager may filter the list by."""
    session = unit.session
    unit.require(Permission.PREPARE_APPOINTMENTS)
    advisers = [Choice(s.id, s.display_name, s.login) for s in session.scalars(
        select(Staff).where(Staff.role == Role.ADVISER, Staff.active)
        .order_by(Staff.last_name, Staff.first_name))]
    sites = [Choice(s.id, s.name) for s in session.scalars(
        select(Site).order_by(Site.name))]
    return advisers, sites


@dataclass(frozen=True)
class AttemptView:
    attempted_at: datetime
    by: str
    reached: bool
    note: str


@dataclass(frozen=True)
class PreparationRecord:
    task: TaskRow
    appointment: AppointmentDetail
    attempts: tuple[AttemptView, ...]
    note: str
    max_attempts: int
    # The 360° view of the person.
    open_pathways: tuple[str, ...]  # « Maternité — octobre 2026 : Tentative 1 »
    has_mediation_case: bool  # existence only: the case itself is the mediation team's
    past_appointments: tuple[AgendaRow, ...]
    message: str  # the text for the person once an outcome is recorded ("" before)

    @property
    def can_record(self) -> bool:
        return (self.task.status is PreparationStatus.OPEN
                and self.appointment.row.status is AppointmentStatus.BOOKED)

    @property
    def attempts_left(self) -> int:
        return max(self.max_attempts - self.task.attempts, 0)


def _load_task(unit: Unit, task_id: uuid.UUID) -> PreparationTask:
    session = unit.session
    task = rows.load(unit, PreparationTask, task_id)
    if not sees_everyone(unit.actor):
        adviser_id = session.scalar(select(Appointment.adviser_id).where(
            Appointment.id == task.appointment_id))
        if adviser_id != unit.actor_id:
            raise PermissionDenied("Cette préparation est celle d'un autre conseiller : "
                                   "seul un responsable peut la consulter.")
    return task


def open_task(unit: Unit, task_id: uuid.UUID, *,
              now: datetime | None = None) -> PreparationRecord:
    session = unit.session
    unit.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    task = _load_task(unit, task_id)
    (row,) = task_rows(unit, [task.id], now=now)
    detail = appointments.get_appointment(unit, task.appointment_id)
    names = aliased(Staff)
    attempts = tuple(
        AttemptView(a.attempted_at, f"{first} {last}" if first else "—", a.reached, a.note)
        for a, first, last in session.execute(
            select(PreparationAttempt, names.first_name, names.last_name)
            .outerjoin(names, names.id == PreparationAttempt.by_id)
            .where(PreparationAttempt.task_id == task.id)
            .order_by(PreparationAttempt.attempted_at)))
    person_id = detail.row.person_id
    pathways = tuple(
        f"{label} — {month_label(month)} : {PATHWAY_STATUS_LABELS[status]}"
        for label, month, status in session.execute(
            select(PathwayKind.label, PathwayEntry.month, PathwayEntry.status)
            .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
            .where(PathwayEntry.person_id == person_id,
                   PathwayEntry.status != PathwayStatus.DONE)
            .order_by(PathwayEntry.month.desc())))
    past = tuple(r for r in appointments.person_appointments(unit, person_id)
                 if r.starts_at < now and r.id != task.appointment_id)
    return PreparationRecord(
        row, detail, attempts, task.note, settings(unit).max_attempts, pathways,
        mediation_reading.person_has_case(unit, person_id), past,
        _message(session, task, detail, now) if task.outcome else "")


def task_for_appointment(unit: Unit,
                         appointment_id: uuid.UUID) -> uuid.UUID | None:
    """The preparation of an appointment (the agenda's dialog links to it), if any."""
    unit.require(Permission.PREPARE_APPOINTMENTS)
    task = task_of(unit, appointment_id)
    return task.id if task is not None else None


@dataclass(frozen=True)
class CallInput:
    reached: bool
    outcome: PreparationOutcome | None = None  # once reached: conclusive or maintained
    note: str = ""


@dataclass(frozen=True)
class CallResult:
    version: int
    status: PreparationStatus
    outcome: PreparationOutcome | None
    attempts_left: int
    message: str  # what to tell the person, ready to copy ("" while calls go on)


def record_call(unit: Unit, task_id: uuid.UUID, expected_version: int,
                call: CallInput, *, now: datetime | None = None) -> CallResult:
    """Record one call attempt and, when it reached the person, the outcome."""
    unit.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    task = _load_task(unit, task_id)
    rows.check_version(task, expected_version)
    appointment = rows.load(unit, Appointment, task.appointment_id)
    if task.status is not PreparationStatus.OPEN:
        raise ValidationError({"status": "Cette préparation est déjà terminée."})
    if appointment.status is not AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise ValidationError({"status": (
            "Le rendez-vous n'est plus à venir : il n'y a plus rien à préparer.")})
    note = call.note.strip()
    if call.reached and call.outcome not in (PreparationOutcome.CONCLUSIVE,
                                             PreparationOutcome.MAINTAINED):
        raise ValidationError({"outcome": (
            "La personne a été jointe : indiquez si la demande est réglée (conclusive) "
            "ou si le rendez-vous est maintenu.")})
    if not call.reached and call.outcome is not None:
        raise ValidationError({"outcome": (
            "Sans avoir joint la personne, seul un nouvel appel peut être noté.")})
    if call.outcome is PreparationOutcome.CONCLUSIVE and not note:
        raise ValidationError({"note": (
            "Notez ce qui a été réglé au téléphone : le message à la personne le reprend.")})
    attempt = rows.create(unit, PreparationAttempt(
        task_id=task.id, attempted_at=now, by_id=unit.actor_id, reached=call.reached,
        note=note), action=None)
    attempts = task.attempts + 1
    max_attempts = settings(unit).max_attempts
    outcome = call.outcome
    if outcome is None and attempts >= max_attempts:
        outcome = PreparationOutcome.UNREACHABLE  # the last try: the visit is kept
    values: dict[str, object] = {"attempts": attempts}
    if outcome is not None:
        values |= {"status": PreparationStatus.DONE, "outcome": outcome, "outcome_at": now,
                   "prepared_by_id": unit.actor_id}
        if note:
            values["note"] = note
    rows.save(unit, task, values, action="attempt", reached=call.reached,
              **ids(attempt_id=attempt.id))
    if outcome is not None:
        audit.record(unit, "outcome", "preparation_task", task.id, outcome=outcome.value)
    if outcome is PreparationOutcome.CONCLUSIVE:
        booking.resolve_at_preparation(unit, appointment.id, appointment.version)
    message = ""
    if outcome is not None:
        message = _message(unit.session, task,
                           appointments.get_appointment(unit, appointment.id), now)
    return CallResult(task.version, task.status, outcome, max(max_attempts - task.attempts, 0),
                      message)


def _message(session: Session, task: PreparationTask, detail: AppointmentDetail,
             now: datetime) -> str:
    """The ready text for the person: what was settled, or that the visit holds and what
    to bring. Dates and times are the site's."""
    person = session.get(Person, detail.row.person_id)
    adviser = session.get(Staff, task.prepared_by_id) if task.prepared_by_id else None
    when = french_moment(detail.row.starts_at, detail.time_zone)
    called = french_date((task.outcome_at or now).astimezone(ZoneInfo(detail.time_zone))
                         .date())
    lines = [f"Bonjour {salutation(person)},", ""]
    if task.outcome is PreparationOutcome.CONCLUSIVE:
        lines += [
            f"Comme convenu lors de notre appel du {called}, votre demande "
            f"« {detail.motive_label} » a été traitée par téléphone.",
            f"Votre rendez-vous du {when} à {detail.site_name} est donc annulé : vous "
            "n'avez pas besoin de vous déplacer.",
        ]
        if task.note:
            lines += ["", task.note]
    else:
        lines += [f"Votre rendez-vous du {when} à {detail.site_name} est confirmé "
                  f"(motif : {detail.motive_label}).", "", documents_text(detail.documents)]
    lines += ["", "Pour toute question, votre compte ameli et le 36 46 restent à votre "
                  "disposition.", "", "Cordialement,"]
    if adviser is not None:
        lines.append(adviser.display_name)
    lines.append("Votre caisse d'Assurance Maladie")
    return "\n".join(lines)
