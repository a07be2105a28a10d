"""Pre-call preparation (DOMAIN.md): every physical appointment is prepared by a phone call.

- The booking service tells this module when a physical appointment is booked, moved or
  cancelled (``appointment_booked`` / ``appointment_moved`` / ``appointment_cancelled``): a
  task is created, follows the appointment to its new time, or is called off. It is due a
  number of working days before the visit (working days of the site's département).
- ``record_call`` records an attempt and, once the person is reached, the outcome:
  **conclusive** cancels the visit as « résolu lors de la préparation » (its slot is free
  again) and gives the text to send the person; **maintained** keeps it, with the documents
  to bring; an unanswered **last** attempt keeps the visit as **unreachable**.
- ``conclusive_rates`` are the figures managers follow (3 % to 20 % in the field).
- ``day_sheet`` and ``confirmation`` gather what the two PDFs print.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session, aliased

from db.errors import NotFound, PermissionDenied, ValidationError
from db.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Civility,
    Motive,
    PathwayEntry,
    PathwayKind,
    PathwayStatus,
    Person,
    PersonKind,
    PreparationAttempt,
    PreparationOutcome,
    PreparationSettings,
    PreparationStatus,
    PreparationTask,
    Role,
    Site,
    Staff,
)
from db.models.base import utcnow
from db.services import audit, booking, mediation
from db.services.access import Actor, Permission
from db.services.agenda import (
    KIND_LABELS,
    STATUS_LABELS,
    french_date,
    french_moment,
    ids,
    require_aware,
)
from db.services.booking import AgendaRow, AppointmentDetail
from db.services.pathway_worklists import STATUS_LABELS as PATHWAY_STATUS_LABELS
from db.services.pathways import month_label, require_any
from db.services.people import display_name
from db.services.rows import check_version, flush_or_conflict, load
from db.validation import format_phone
from db.workdays import WorkingCalendar

OUTCOME_LABELS = {
    PreparationOutcome.CONCLUSIVE: "Conclusive",
    PreparationOutcome.MAINTAINED: "Maintenu",
    PreparationOutcome.UNREACHABLE: "Injoignable",
}
# What an outcome means for the visit, in the words of the day sheet and the screens.
OUTCOME_EFFECTS = {
    PreparationOutcome.CONCLUSIVE: "Conclusive : réglé par téléphone, rendez-vous annulé",
    PreparationOutcome.MAINTAINED: "Maintenu après l'appel",
    PreparationOutcome.UNREACHABLE: "Injoignable : rendez-vous maintenu",
}
_TASK_NOT_FOUND = "Cette préparation n'existe pas ou a été supprimée."
_WHAT = "cette préparation"


# -- settings ---------------------------------------------------------------------------------

def settings(session: Session) -> PreparationSettings:
    return session.scalars(select(PreparationSettings).where(
        PreparationSettings.deleted_at.is_(None))).one()


def update_settings(session: Session, actor: Actor, expected_version: int, *,
                    lead_working_days: int, max_attempts: int) -> int:
    """Change the delays; the open tasks' due days follow. Returns the new version."""
    actor.require(Permission.ADMINISTER)
    current = settings(session)
    check_version(current, expected_version, "les réglages des préparations")
    errors = {}
    if not 1 <= lead_working_days <= 10:
        errors["lead_working_days"] = ("La préparation se fait de 1 à 10 jours ouvrés avant "
                                       "le rendez-vous.")
    if not 1 <= max_attempts <= 5:
        errors["max_attempts"] = "Le nombre d'appels va de 1 à 5."
    if errors:
        raise ValidationError(errors)
    changed = sorted(name for name, value in (("lead_working_days", lead_working_days),
                                              ("max_attempts", max_attempts))
                     if getattr(current, name) != value)
    current.lead_working_days, current.max_attempts = lead_working_days, max_attempts
    flush_or_conflict(session, "les réglages des préparations")
    if "lead_working_days" in changed:
        departments = _departments(session)
        for task, site_id in session.execute(
            select(PreparationTask, Appointment.site_id)
            .join(Appointment, Appointment.id == PreparationTask.appointment_id)
            .where(PreparationTask.status == PreparationStatus.OPEN,
                   PreparationTask.deleted_at.is_(None))
        ):
            task.due_on = WorkingCalendar(departments[site_id]).add_working_days(
                task.appointment_day, -lead_working_days)
        session.flush()
    audit.record(session, actor, "update", "preparation_settings", current.id, fields=changed)
    return current.version


def _departments(session: Session) -> dict[uuid.UUID, str]:
    return dict(session.execute(select(Site.id, Site.department)).all())


# -- following the agenda (called by the booking service) -------------------------------------

def _days(session: Session, appointment: Appointment) -> tuple[date, date]:
    """The appointment's local day and the working day its preparation is due."""
    site = session.get(Site, appointment.site_id)
    day = appointment.starts_at.astimezone(ZoneInfo(site.time_zone)).date()
    lead = settings(session).lead_working_days
    return day, WorkingCalendar(site.department).add_working_days(day, -lead)


def _task_of(session: Session, appointment_id: uuid.UUID) -> PreparationTask | None:
    return session.scalar(select(PreparationTask).where(
        PreparationTask.appointment_id == appointment_id,
        PreparationTask.deleted_at.is_(None)))


def _prepared(appointment: Appointment) -> bool:
    return (appointment.kind is AppointmentKind.PHYSICAL
            and appointment.status is AppointmentStatus.BOOKED)


def appointment_booked(session: Session, actor: Actor, appointment: Appointment) -> None:
    """A new physical appointment gets its preparation task."""
    if not _prepared(appointment):
        return
    day, due_on = _days(session, appointment)
    task = PreparationTask(appointment_id=appointment.id, appointment_day=day, due_on=due_on)
    session.add(task)
    session.flush()
    audit.record(session, actor, "create", "preparation_task", task.id,
                 **ids(appointment_id=appointment.id))


def appointment_moved(session: Session, actor: Actor, old: Appointment,
                      new: Appointment) -> None:
    """The task follows the appointment to its new time (its calls are kept); a visit
    turned into a phone appointment needs no preparation any more."""
    task = _task_of(session, old.id)
    if task is None:
        appointment_booked(session, actor, new)
        return
    if not _prepared(new):
        _call_off(session, actor, task)
        return
    task.appointment_id = new.id
    task.appointment_day, task.due_on = _days(session, new)
    flush_or_conflict(session, _WHAT)
    audit.record(session, actor, "follow", "preparation_task", task.id,
                 **ids(appointment_id=new.id))


def appointment_cancelled(session: Session, actor: Actor, appointment: Appointment) -> None:
    task = _task_of(session, appointment.id)
    if task is not None:
        _call_off(session, actor, task)


def _call_off(session: Session, actor: Actor, task: PreparationTask) -> None:
    if task.status is not PreparationStatus.OPEN:
        return  # a preparation already done stays as it was (and in the figures)
    task.status = PreparationStatus.CANCELLED
    flush_or_conflict(session, _WHAT)
    audit.record(session, actor, "cancel", "preparation_task", task.id)


# -- the list of tasks ------------------------------------------------------------------------

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


def sees_everyone(actor: Actor) -> bool:
    """A manager (or an administrator) follows every adviser's preparations; an adviser
    their own."""
    return actor.role is not Role.ADVISER


def find_tasks(session: Session, actor: Actor, wanted: TaskFilter, *,
               now: datetime | None = None, limit: int = LIST_LIMIT) -> list[uuid.UUID]:
    """Ids of the tasks that match, by due day then appointment time. « À préparer »: open
    tasks of visits still to come; « préparées »: those with an outcome, recent or coming."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    adviser_id = wanted.adviser_id if sees_everyone(actor) else actor.id
    statement = (select(PreparationTask.id)
                 .join(Appointment, Appointment.id == PreparationTask.appointment_id)
                 .where(PreparationTask.deleted_at.is_(None)))
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


def task_rows(session: Session, actor: Actor, task_ids: list[uuid.UUID], *,
              now: datetime | None = None) -> list[TaskRow]:
    """The rows of these tasks (a list fetches the block it shows)."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
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
    if not sees_everyone(actor):
        statement = statement.where(Appointment.adviser_id == actor.id)
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


def filter_choices(session: Session, actor: Actor) -> tuple[list[Choice], list[Choice]]:
    """The advisers and the sites a manager may filter the list by."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
    advisers = [Choice(s.id, s.display_name, s.login) for s in session.scalars(
        select(Staff).where(Staff.role == Role.ADVISER, Staff.active,
                            Staff.deleted_at.is_(None))
        .order_by(Staff.last_name, Staff.first_name))]
    sites = [Choice(s.id, s.name) for s in session.scalars(
        select(Site).where(Site.deleted_at.is_(None)).order_by(Site.name))]
    return advisers, sites


# -- one preparation: the 360° view and the calls ---------------------------------------------

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


def _load_task(session: Session, actor: Actor, task_id: uuid.UUID) -> PreparationTask:
    task = load(session, PreparationTask, task_id, _TASK_NOT_FOUND)
    if not sees_everyone(actor):
        adviser_id = session.scalar(select(Appointment.adviser_id).where(
            Appointment.id == task.appointment_id))
        if adviser_id != actor.id:
            raise PermissionDenied("Cette préparation est celle d'un autre conseiller : "
                                   "seul un responsable peut la consulter.")
    return task


def open_task(session: Session, actor: Actor, task_id: uuid.UUID, *,
              now: datetime | None = None) -> PreparationRecord:
    actor.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    task = _load_task(session, actor, task_id)
    (row,) = task_rows(session, actor, [task.id], now=now)
    detail = booking.get_appointment(session, actor, task.appointment_id)
    names = aliased(Staff)
    attempts = tuple(
        AttemptView(a.attempted_at, f"{first} {last}" if first else "—", a.reached, a.note)
        for a, first, last in session.execute(
            select(PreparationAttempt, names.first_name, names.last_name)
            .outerjoin(names, names.id == PreparationAttempt.by_id)
            .where(PreparationAttempt.task_id == task.id,
                   PreparationAttempt.deleted_at.is_(None))
            .order_by(PreparationAttempt.attempted_at)))
    person_id = detail.row.person_id
    pathways = tuple(
        f"{label} — {month_label(month)} : {PATHWAY_STATUS_LABELS[status]}"
        for label, month, status in session.execute(
            select(PathwayKind.label, PathwayEntry.month, PathwayEntry.status)
            .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
            .where(PathwayEntry.person_id == person_id,
                   PathwayEntry.status != PathwayStatus.DONE,
                   PathwayEntry.deleted_at.is_(None))
            .order_by(PathwayEntry.month.desc())))
    past = tuple(r for r in booking.person_appointments(session, actor, person_id)
                 if r.starts_at < now and r.id != task.appointment_id)
    return PreparationRecord(
        row, detail, attempts, task.note, settings(session).max_attempts, pathways,
        mediation.person_has_case(session, actor, person_id), past,
        _message(session, task, detail, now) if task.outcome else "")


def task_for_appointment(session: Session, actor: Actor,
                         appointment_id: uuid.UUID) -> uuid.UUID | None:
    """The preparation of an appointment (the agenda's dialog links to it), if any."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
    task = _task_of(session, appointment_id)
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


def record_call(session: Session, actor: Actor, task_id: uuid.UUID, expected_version: int,
                call: CallInput, *, now: datetime | None = None) -> CallResult:
    """Record one call attempt and, when it reached the person, the outcome."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
    now = require_aware(now or utcnow())
    task = _load_task(session, actor, task_id)
    check_version(task, expected_version, _WHAT)
    appointment = booking.load_appointment(session, task.appointment_id)
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
    attempt = PreparationAttempt(task_id=task.id, attempted_at=now, by_id=actor.id,
                                 reached=call.reached, note=note)
    session.add(attempt)
    task.attempts += 1
    max_attempts = settings(session).max_attempts
    outcome = call.outcome
    if outcome is None and task.attempts >= max_attempts:
        outcome = PreparationOutcome.UNREACHABLE  # the last try: the visit is kept
    if outcome is not None:
        task.status, task.outcome = PreparationStatus.DONE, outcome
        task.outcome_at, task.prepared_by_id = now, actor.id
        if note:
            task.note = note
    flush_or_conflict(session, _WHAT)
    audit.record(session, actor, "attempt", "preparation_task", task.id,
                 reached=call.reached, **ids(attempt_id=attempt.id))
    if outcome is not None:
        audit.record(session, actor, "outcome", "preparation_task", task.id,
                     outcome=outcome.value)
    if outcome is PreparationOutcome.CONCLUSIVE:
        booking.resolve_at_preparation(session, actor, appointment.id, appointment.version)
    message = ""
    if outcome is not None:
        message = _message(session, task, booking.get_appointment(session, actor,
                                                                  appointment.id), now)
    return CallResult(task.version, task.status, outcome, max(max_attempts - task.attempts, 0),
                      message)


# -- what the person is told ------------------------------------------------------------------

def salutation(person: Person) -> str:
    """« Madame Dupont », « Monsieur Martin », or the name alone."""
    if person.civility is None:
        return display_name(person)
    title = "Madame" if person.civility is Civility.MADAME else "Monsieur"
    return f"{title} {person.last_name}"


def documents_text(documents: tuple[str, ...] | list[str]) -> str:
    if not documents:
        return "Aucune pièce particulière n'est demandée pour ce rendez-vous."
    return "Pensez à apporter :\n" + "\n".join(f"- {d}" for d in documents)


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


# -- the conclusive rate ----------------------------------------------------------------------

class RateGroup(enum.Enum):
    ADVISER = "conseiller"
    SITE = "lieu"


@dataclass(frozen=True)
class RateRow:
    month: date  # first day of the month of the visits
    key: uuid.UUID  # the adviser or the site
    label: str
    prepared: int  # preparations with an outcome
    conclusive: int

    @property
    def rate(self) -> float | None:
        return self.conclusive / self.prepared if self.prepared else None

    @property
    def rate_text(self) -> str:
        return rate_text(self.conclusive, self.prepared)


def rate_text(conclusive: int, prepared: int) -> str:
    """« 12 % » (French spacing), « — » when nothing was prepared."""
    return f"{round(conclusive / prepared * 100)}\u00a0%" if prepared else "—"


def conclusive_rates(session: Session, actor: Actor, first_month: date, last_month: date,
                     group: RateGroup = RateGroup.ADVISER) -> list[RateRow]:
    """Preparations with an outcome, and the conclusive ones, per month of the visits and per
    adviser or site, by month then label. An adviser gets their own figures (and their
    site's); the dashboard and managers everyone's."""
    require_any(actor, Permission.PREPARE_APPOINTMENTS, Permission.DASHBOARD)
    first = first_month.replace(day=1)
    last = (last_month.replace(day=1) + timedelta(days=32)).replace(day=1)
    key = Appointment.adviser_id if group is RateGroup.ADVISER else Appointment.site_id
    year, month = (extract("year", PreparationTask.appointment_day),
                   extract("month", PreparationTask.appointment_day))
    statement = (
        select(year.label("year"), month.label("month"), key.label("key"),
               func.count().label("prepared"),
               func.sum(case((PreparationTask.outcome == PreparationOutcome.CONCLUSIVE, 1),
                             else_=0)).label("conclusive"))
        .join(Appointment, Appointment.id == PreparationTask.appointment_id)
        .where(PreparationTask.status == PreparationStatus.DONE,
               PreparationTask.deleted_at.is_(None),
               PreparationTask.appointment_day >= first, PreparationTask.appointment_day < last)
        .group_by(year, month, key))
    if not sees_everyone(actor):
        statement = statement.where(key == (actor.id if group is RateGroup.ADVISER
                                            else actor.site_id))
    rows = session.execute(statement).all()
    model = Staff if group is RateGroup.ADVISER else Site
    labels = {r.id: (r.display_name if group is RateGroup.ADVISER else r.name)
              for r in session.scalars(select(model).where(model.id.in_({r.key for r in rows})))}
    result = [RateRow(date(int(r.year), int(r.month), 1), r.key, labels.get(r.key, "—"),
                      int(r.prepared), int(r.conclusive or 0)) for r in rows]
    return sorted(result, key=lambda r: (r.month, r.label))


# -- the day sheet ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DaySheetEntry:
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    kind: AppointmentKind
    status: AppointmentStatus
    person_name: str
    phone: str
    motive_label: str
    site_name: str
    preparation: str  # its outcome in words, or « — » for a visit that needs none
    documents: tuple[str, ...]
    note: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class DaySheet:
    adviser_name: str
    day: date
    site_name: str  # the adviser's site, or the one place of the day's visits
    time_zone: str
    entries: tuple[DaySheetEntry, ...]


def _preparation_text(kind: AppointmentKind, task: PreparationTask | None,
                      max_attempts: int) -> str:
    if kind is not AppointmentKind.PHYSICAL or task is None:
        return "—"
    if task.outcome is not None:
        return OUTCOME_EFFECTS[task.outcome]
    if task.attempts:
        return f"Non joint ({task.attempts} appel{'s' if task.attempts > 1 else ''} sur " \
               f"{max_attempts})"
    return "Pas encore préparé"


def day_sheet(session: Session, actor: Actor, adviser_login: str, day: date) -> DaySheet:
    """Every appointment of an adviser's (local) day, in time order, with what the
    preparation found: what the adviser prints before leaving for a permanence."""
    actor.require(Permission.PREPARE_APPOINTMENTS)
    adviser = session.scalar(select(Staff).where(Staff.login == adviser_login.strip().lower(),
                                                 Staff.deleted_at.is_(None)))
    if adviser is None or adviser.role is not Role.ADVISER:
        raise NotFound(f"Aucun conseiller n'a l'identifiant « {adviser_login} ».")
    if not sees_everyone(actor) and adviser.id != actor.id:
        raise PermissionDenied("Un conseiller n'imprime que sa propre feuille de journée.")
    home = session.get(Site, adviser.site_id) if adviser.site_id else None
    zone = ZoneInfo(home.time_zone if home else "Europe/Paris")
    starts = datetime.combine(day, time(), zone).astimezone(UTC)
    ends = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    rows = session.execute(
        select(Appointment, Person, Motive, Site, PreparationTask)
        .join(Person, Person.id == Appointment.person_id)
        .join(Motive, Motive.id == Appointment.motive_id)
        .join(Site, Site.id == Appointment.site_id)
        .outerjoin(PreparationTask, (PreparationTask.appointment_id == Appointment.id)
                   & PreparationTask.deleted_at.is_(None))
        .where(Appointment.adviser_id == adviser.id, Appointment.deleted_at.is_(None),
               Appointment.status.not_in((AppointmentStatus.CANCELLED,
                                          AppointmentStatus.RESCHEDULED)),
               Appointment.starts_at >= starts, Appointment.starts_at < ends)
        .order_by(Appointment.starts_at)).all()
    max_attempts = settings(session).max_attempts
    entries = tuple(
        DaySheetEntry(
            a.starts_at, a.ends_at, site.time_zone, a.kind, a.status, display_name(person),
            format_phone(person.phone), motive.label, site.name,
            _preparation_text(a.kind, task, max_attempts), tuple(motive.documents),
            "\n".join(n for n in (a.note, task.note if task else "") if n))
        for a, person, motive, site, task in rows)
    places = {e.site_name for e in entries}
    site_name = places.pop() if len(places) == 1 else (home.name if home else "")
    return DaySheet(adviser.display_name, day, site_name, zone.key, entries)


# -- the confirmation letter ------------------------------------------------------------------

@dataclass(frozen=True)
class Confirmation:
    person_name: str
    salutation: str
    address: tuple[str, ...]
    kind: AppointmentKind
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    site_name: str
    site_address: tuple[str, ...]
    site_phone: str
    person_phone: str
    person_email: str
    motive_label: str
    documents: tuple[str, ...]
    adviser_name: str


def confirmation(session: Session, actor: Actor, appointment_id: uuid.UUID) -> Confirmation:
    """What the confirmation letter of a booked appointment says."""
    actor.require(Permission.BOOK_APPOINTMENTS)
    appointment = booking.load_appointment(session, appointment_id)
    if appointment.status is not AppointmentStatus.BOOKED:
        raise ValidationError({"status": (
            "Ce rendez-vous n'est plus à venir : il n'y a pas de confirmation à envoyer.")})
    person = session.get(Person, appointment.person_id)
    site = session.get(Site, appointment.site_id)
    motive = session.get(Motive, appointment.motive_id)
    adviser = session.get(Staff, appointment.adviser_id)
    return Confirmation(
        display_name(person), salutation(person),
        tuple(p for p in (person.address, f"{person.postcode} {person.city}".strip()) if p),
        appointment.kind, appointment.starts_at, appointment.ends_at, site.time_zone,
        site.name, tuple(p for p in (site.address, f"{site.postcode} {site.city}".strip())
                         if p),
        format_phone(site.phone or None),
        format_phone(person.phone), person.email or "", motive.label,
        tuple(motive.documents), adviser.display_name)
