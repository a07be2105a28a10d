"""Agenda set-up: opening hours, closed days, motives, advisers' availability and absences;
the French labels and the helpers the other agenda services share.

Free slots are in ``slots``, the appointment lifecycle in ``booking``, workshops in
``workshops`` and call-back requests in ``callbacks``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFound, ValidationError
from db.models import (
    Absence,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    CallbackOutcome,
    Channel,
    ClosedDay,
    Motive,
    OpeningHours,
    Role,
    Staff,
)
from db.services import audit
from db.services.access import Actor, Permission
from db.services.rows import (
    create_or_update,
    load,
    remove,
    soft_delete,
)
from db.services.staff import load_site

KIND_LABELS = {
    AppointmentKind.PHONE: "Téléphonique",
    AppointmentKind.PHYSICAL: "Physique",
    AppointmentKind.VIDEO: "Visio",
    AppointmentKind.WORKSHOP: "Atelier",
}
CHANNEL_LABELS = {
    Channel.AMELI_ACCOUNT: "Compte ameli",
    Channel.PHONE_3646: "36 46",
    Channel.RECEPTION: "Accueil",
    Channel.FRANCE_SERVICES: "France Services",
    Channel.OTHER_DEPARTMENT: "Autre service",
    Channel.PATHWAY: "Parcours",
    Channel.CALLBACK: "Rappel",
}
STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Réservé",
    AppointmentStatus.HONOURED: "Honoré",
    AppointmentStatus.NO_SHOW: "Absent",
    AppointmentStatus.CANCELLED: "Annulé",
    AppointmentStatus.RESCHEDULED: "Reporté",
    AppointmentStatus.RESOLVED_AT_PREPARATION: "Réglé lors de la préparation",
}
CALLBACK_OUTCOME_LABELS = {
    CallbackOutcome.SETTLED: "Rappelé, demande traitée",
    CallbackOutcome.UNREACHABLE: "Injoignable",
    CallbackOutcome.APPOINTMENT: "Rendez-vous pris",
    CallbackOutcome.WITHDRAWN: "Sans objet",
}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


# -- shared helpers ------------------------------------------------------------------------

def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def french_moment(moment: datetime, time_zone: str) -> str:
    """« lundi 30/03/2026 à 09:30 » in the site's time zone."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{WEEKDAYS[local.weekday()]} {french_date(local.date())} à {local:%H:%M}"


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the agenda")
    return moment.astimezone(UTC)


def load_adviser(session: Session, staff_id: uuid.UUID) -> Staff:
    staff = load(session, Staff, staff_id, "Ce conseiller n'existe pas ou a été supprimé.")
    if not staff.active:
        raise NotFound(f"Le compte de {staff.display_name} est désactivé.")
    return staff


_NO_MOTIVE = "Ce motif n'existe pas ou a été supprimé."


def load_motive(session: Session, motive_id: uuid.UUID) -> Motive:
    return load(session, Motive, motive_id, _NO_MOTIVE)


def ids(**values: uuid.UUID | None) -> dict[str, str]:
    """Audit details: ids as text (the trail is JSON)."""
    return {key: str(value) for key, value in values.items() if value is not None}


# -- opening hours and closed days -----------------------------------------------------------

Intervals = list[tuple[time, time]]


def _check_intervals(intervals: Intervals, label: str) -> str | None:
    """French message when intervals are empty, reversed or overlap; None when they are fine."""
    ordered = sorted(intervals)
    for start, end in ordered:
        if start >= end:
            return (f"{label} : l'heure de fin ({end:%H:%M}) doit suivre l'heure de début "
                    f"({start:%H:%M}).")
    for (_, first_end), (second_start, _) in pairwise(ordered):
        if second_start < first_end:
            return f"{label} : deux plages se chevauchent."
    return None


def set_opening_hours(
    session: Session, actor: Actor, site_id: uuid.UUID, week: dict[int, Intervals]
) -> None:
    """Replace a site's weekly hours: ``{0: [(08:30, 12:00), (13:30, 16:30)], …}``."""
    actor.require(Permission.PLAN_AGENDA)
    load_site(session, site_id)
    errors = {
        f"weekday_{day}": message
        for day, intervals in week.items()
        if (message := _check_intervals(intervals, WEEKDAYS[day].capitalize()))
    }
    if errors:
        raise ValidationError(errors)
    soft_delete(session, session.scalars(
        select(OpeningHours).where(OpeningHours.site_id == site_id,
                                   OpeningHours.deleted_at.is_(None))
    ))
    for day, intervals in week.items():
        for opens, closes in intervals:
            session.add(OpeningHours(site_id=site_id, weekday=day, opens=opens, closes=closes))
    session.flush()
    audit.record(session, actor, "set_opening_hours", "site", site_id)


def opening_hours(session: Session, site_id: uuid.UUID) -> dict[int, Intervals]:
    week: dict[int, Intervals] = {}
    for row in session.execute(
        select(OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes)
        .where(OpeningHours.site_id == site_id, OpeningHours.deleted_at.is_(None))
        .order_by(OpeningHours.weekday, OpeningHours.opens)
    ):
        week.setdefault(row.weekday, []).append((row.opens, row.closes))
    return week


def add_closed_day(
    session: Session, actor: Actor, site_id: uuid.UUID, day: date, label: str
) -> uuid.UUID:
    actor.require(Permission.PLAN_AGENDA)
    load_site(session, site_id)
    closed = ClosedDay(site_id=site_id, day=day, label=" ".join(label.split()))
    session.add(closed)
    session.flush()
    audit.record(session, actor, "create", "closed_day", closed.id, **ids(site_id=site_id))
    return closed.id


@dataclass(frozen=True)
class ClosedDayRow:
    id: uuid.UUID
    version: int
    day: date
    label: str


def closed_days(session: Session, site_id: uuid.UUID, since: date) -> list[ClosedDayRow]:
    """A site's exceptional closures from ``since`` on, earliest first."""
    return [
        ClosedDayRow(row.id, row.version, row.day, row.label)
        for row in session.scalars(
            select(ClosedDay).where(ClosedDay.site_id == site_id, ClosedDay.day >= since,
                                    ClosedDay.deleted_at.is_(None))
            .order_by(ClosedDay.day)
        )
    ]


def remove_closed_day(
    session: Session, actor: Actor, closed_day_id: uuid.UUID, expected_version: int
) -> None:
    actor.require(Permission.PLAN_AGENDA)
    remove(session, actor, ClosedDay, closed_day_id, expected_version, entity="closed_day",
           what="cette fermeture", not_found="Cette fermeture n'existe pas.")


# -- motives -------------------------------------------------------------------------------

@dataclass
class MotiveInput:
    code: str
    label: str
    default_minutes: int
    kinds: list[AppointmentKind]
    documents: list[str] = field(default_factory=list)
    active_from: date | None = None
    active_to: date | None = None
    min_notice_hours: int = 0
    max_horizon_days: int = 92


def _motive_values(session: Session, data: MotiveInput, motive_id: uuid.UUID | None) -> dict:
    errors: dict[str, str] = {}
    code = data.code.strip().upper()
    label = " ".join(data.label.split())
    if not code or len(code) > 12:
        errors["code"] = "Le code court du motif est obligatoire (12 caractères au plus)."
    else:
        other = session.scalar(select(Motive).where(Motive.code == code))
        if other is not None and other.id != motive_id:
            errors["code"] = f"Le code « {code} » est déjà celui du motif « {other.label} »."
    if not label:
        errors["label"] = "Le libellé du motif est obligatoire."
    if not 5 <= data.default_minutes <= 480:
        errors["default_minutes"] = "La durée doit être comprise entre 5 minutes et 8 heures."
    if not data.kinds:
        errors["kinds"] = "Choisissez au moins un type de rendez-vous."
    if data.active_from and data.active_to and data.active_to < data.active_from:
        errors["active_to"] = "La fin de validité précède son début."
    if data.min_notice_hours < 0:
        errors["min_notice_hours"] = "Le délai de prévenance ne peut pas être négatif."
    if data.max_horizon_days < 1:
        errors["max_horizon_days"] = "L'horizon de réservation doit être d'au moins un jour."
    if errors:
        raise ValidationError(errors)
    return dict(
        code=code, label=label, default_minutes=data.default_minutes,
        kinds=sorted({AppointmentKind(k).value for k in data.kinds}),
        documents=[" ".join(d.split()) for d in data.documents if d.strip()],
        active_from=data.active_from, active_to=data.active_to,
        min_notice_hours=data.min_notice_hours, max_horizon_days=data.max_horizon_days,
    )


def save_motive(
    session: Session, actor: Actor, data: MotiveInput,
    motive_id: uuid.UUID | None = None, expected_version: int | None = None,
) -> uuid.UUID:
    """Create a motive, or edit ``motive_id`` as it was at ``expected_version``."""
    actor.require(Permission.ADMINISTER)
    values = _motive_values(session, data, motive_id)
    return create_or_update(session, actor, Motive, values, motive_id, expected_version,
                            entity="motive", what="ce motif", not_found=_NO_MOTIVE)


@dataclass(frozen=True)
class MotiveDetail:
    id: uuid.UUID
    version: int
    data: MotiveInput


def get_motive(session: Session, motive_id: uuid.UUID) -> MotiveDetail:
    """A motive as its editor shows it (every field, and the version to save against)."""
    motive = load_motive(session, motive_id)
    return MotiveDetail(motive.id, motive.version, MotiveInput(
        code=motive.code, label=motive.label, default_minutes=motive.default_minutes,
        kinds=[AppointmentKind(k) for k in motive.kinds], documents=list(motive.documents),
        active_from=motive.active_from, active_to=motive.active_to,
        min_notice_hours=motive.min_notice_hours, max_horizon_days=motive.max_horizon_days))


def motive_allows(motive: Motive, kind: AppointmentKind, day: date) -> str | None:
    """French reason why ``motive`` cannot be booked as ``kind`` on ``day``; None if it can."""
    if kind.value not in motive.kinds:
        allowed = ", ".join(KIND_LABELS[AppointmentKind(k)].lower() for k in motive.kinds)
        return (f"Le motif « {motive.label} » ne se traite pas en rendez-vous "
                f"{KIND_LABELS[kind].lower()} (possible : {allowed}).")
    if (motive.active_from and day < motive.active_from) or (
        motive.active_to and day > motive.active_to
    ):
        return f"Le motif « {motive.label} » n'est pas proposé le {french_date(day)}."
    return None


@dataclass(frozen=True)
class MotiveRow:
    id: uuid.UUID
    code: str
    label: str
    default_minutes: int
    kinds: tuple[AppointmentKind, ...]
    documents: tuple[str, ...]


def list_motives(
    session: Session, on: date | None = None, kind: AppointmentKind | None = None
) -> list[MotiveRow]:
    """Motives, by label; only those bookable on ``on`` and as ``kind`` when given."""
    rows = []
    for motive in session.scalars(
        select(Motive).where(Motive.deleted_at.is_(None)).order_by(Motive.label)
    ):
        if on is not None and motive_allows(motive, kind or AppointmentKind(motive.kinds[0]),
                                            on):
            continue
        if kind is not None and kind.value not in motive.kinds:
            continue
        rows.append(MotiveRow(motive.id, motive.code, motive.label, motive.default_minutes,
                              tuple(AppointmentKind(k) for k in motive.kinds),
                              tuple(motive.documents)))
    return rows


# -- advisers' availability and absences -----------------------------------------------------

@dataclass(frozen=True)
class AvailabilityInput:
    site_id: uuid.UUID
    kind: AppointmentKind
    weekday: int
    starts: time
    ends: time


def set_availability(
    session: Session, actor: Actor, staff_id: uuid.UUID, week: list[AvailabilityInput]
) -> None:
    """Replace an adviser's weekly availability (every site and kind at once)."""
    actor.require(Permission.PLAN_AGENDA)
    adviser = load_adviser(session, staff_id)
    if adviser.role is not Role.ADVISER:
        raise ValidationError({"staff_id": f"{adviser.display_name} n'est pas conseiller."})
    # The same hours may serve several kinds (phone or in person, whichever is booked first).
    by_kind: dict[tuple[int, uuid.UUID, AppointmentKind], Intervals] = {}
    for row in week:
        by_kind.setdefault((row.weekday, row.site_id, row.kind), []).append((row.starts,
                                                                            row.ends))
    errors = {
        f"weekday_{day}": message
        for (day, _, kind), intervals in by_kind.items()
        if (message := _check_intervals(
            intervals, f"{WEEKDAYS[day].capitalize()} ({KIND_LABELS[kind].lower()})"))
    }
    if errors:
        raise ValidationError(errors)
    for site_id in {row.site_id for row in week}:
        load_site(session, site_id)
    soft_delete(session, session.scalars(
        select(Availability).where(Availability.staff_id == staff_id,
                                   Availability.deleted_at.is_(None))
    ))
    for row in week:
        session.add(Availability(staff_id=staff_id, site_id=row.site_id, kind=row.kind,
                                 weekday=row.weekday, starts=row.starts, ends=row.ends))
    session.flush()
    audit.record(session, actor, "set_availability", "staff", staff_id)


def availability(session: Session, staff_id: uuid.UUID) -> list[AvailabilityInput]:
    """An adviser's weekly availability, by weekday then start, as ``set_availability``
    takes it back."""
    return [
        AvailabilityInput(row.site_id, row.kind, row.weekday, row.starts, row.ends)
        for row in session.scalars(
            select(Availability)
            .where(Availability.staff_id == staff_id, Availability.deleted_at.is_(None))
            .order_by(Availability.weekday, Availability.starts, Availability.kind)
        )
    ]


@dataclass(frozen=True)
class AbsenceRow:
    id: uuid.UUID
    version: int
    starts_at: datetime
    ends_at: datetime
    label: str


def absences(session: Session, staff_id: uuid.UUID, since: datetime) -> list[AbsenceRow]:
    """An adviser's absences that end after ``since``, earliest first."""
    return [
        AbsenceRow(row.id, row.version, row.starts_at, row.ends_at, row.label)
        for row in session.scalars(
            select(Absence).where(Absence.staff_id == staff_id,
                                  Absence.ends_at > require_aware(since),
                                  Absence.deleted_at.is_(None))
            .order_by(Absence.starts_at)
        )
    ]


def add_absence(
    session: Session, actor: Actor, staff_id: uuid.UUID, starts_at: datetime,
    ends_at: datetime, label: str = "",
) -> uuid.UUID:
    """Record an absence; appointments already booked in it are left for the agenda to move."""
    actor.require(Permission.PLAN_AGENDA)
    load_adviser(session, staff_id)
    starts_at, ends_at = require_aware(starts_at), require_aware(ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "La fin de l'absence doit suivre son début."})
    absence = Absence(staff_id=staff_id, starts_at=starts_at, ends_at=ends_at,
                      label=" ".join(label.split()))
    session.add(absence)
    session.flush()
    audit.record(session, actor, "create", "absence", absence.id, **ids(staff_id=staff_id))
    return absence.id


def remove_absence(
    session: Session, actor: Actor, absence_id: uuid.UUID, expected_version: int
) -> None:
    actor.require(Permission.PLAN_AGENDA)
    remove(session, actor, Absence, absence_id, expected_version, entity="absence",
           what="cette absence", not_found="Cette absence n'existe pas.")
