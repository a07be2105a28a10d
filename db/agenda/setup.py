"""Agenda set-up: opening hours, closed days, motives, advisers' availability and absences,
and the loaders the other agenda services share.

Free slots are in ``slots``, the appointment lifecycle in ``booking``, reading appointments
in ``appointments``, workshops in ``workshops``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import pairwise

from sqlalchemy import select

from db.agenda.labels import KIND_LABELS
from db.agenda.models import (
    Absence,
    AppointmentKind,
    Availability,
    ClosedDay,
    Motive,
    OpeningHours,
)
from db.base import require_aware
from db.errors import NotFound, ValidationError
from db.org.access import Permission
from db.org.models import Site, Staff
from db.roles import Role
from db.unit import Unit, audit, rows
from db.wording import WEEKDAYS
from db.wording import day as french_date


def load_adviser(unit: Unit, staff_id: uuid.UUID) -> Staff:
    staff = rows.load(unit, Staff, staff_id, "Ce conseiller n'existe pas ou a été supprimé.")
    if not staff.active:
        raise NotFound(f"Le compte de {staff.display_name} est désactivé.")
    return staff


def load_motive(unit: Unit, motive_id: uuid.UUID) -> Motive:
    return rows.load(unit, Motive, motive_id)


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


def set_opening_hours(unit: Unit, site_id: uuid.UUID, week: dict[int, Intervals]) -> None:
    """Replace a site's weekly hours: ``{0: [(08:30, 12:00), (13:30, 16:30)], …}``."""
    unit.require(Permission.PLAN_AGENDA)
    rows.load(unit, Site, site_id)
    errors = {
        f"weekday_{day}": message
        for day, intervals in week.items()
        if (message := _check_intervals(intervals, WEEKDAYS[day].capitalize()))
    }
    if errors:
        raise ValidationError(errors)
    rows.remove_all(unit, unit.session.scalars(
        select(OpeningHours).where(OpeningHours.site_id == site_id)))
    for day, intervals in week.items():
        for opens, closes in intervals:
            rows.create(unit, OpeningHours(site_id=site_id, weekday=day, opens=opens,
                                           closes=closes), action=None)
    audit.record(unit, "set_opening_hours", "site", site_id)


def opening_hours(unit: Unit, site_id: uuid.UUID) -> dict[int, Intervals]:
    week: dict[int, Intervals] = {}
    for row in unit.session.execute(
        select(OpeningHours.weekday, OpeningHours.opens, OpeningHours.closes)
        .where(OpeningHours.site_id == site_id)
        .order_by(OpeningHours.weekday, OpeningHours.opens)
    ):
        week.setdefault(row.weekday, []).append((row.opens, row.closes))
    return week


def add_closed_day(unit: Unit, site_id: uuid.UUID, day: date, label: str) -> uuid.UUID:
    unit.require(Permission.PLAN_AGENDA)
    rows.load(unit, Site, site_id)
    closed = ClosedDay(site_id=site_id, day=day, label=" ".join(label.split()))
    return rows.create(unit, closed, **audit.ids(site_id=site_id)).id


@dataclass(frozen=True)
class ClosedDayRow:
    id: uuid.UUID
    version: int
    day: date
    label: str


def closed_days(unit: Unit, site_id: uuid.UUID, since: date) -> list[ClosedDayRow]:
    """A site's exceptional closures from ``since`` on, earliest first."""
    return [
        ClosedDayRow(row.id, row.version, row.day, row.label)
        for row in unit.session.scalars(
            select(ClosedDay).where(ClosedDay.site_id == site_id, ClosedDay.day >= since)
            .order_by(ClosedDay.day)
        )
    ]


def remove_closed_day(unit: Unit, closed_day_id: uuid.UUID, expected_version: int) -> None:
    unit.require(Permission.PLAN_AGENDA)
    rows.remove(unit, rows.load_version(unit, ClosedDay, closed_day_id, expected_version))


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


def _motive_values(unit: Unit, data: MotiveInput, motive_id: uuid.UUID | None) -> dict:
    errors: dict[str, str] = {}
    code = data.code.strip().upper()
    label = " ".join(data.label.split())
    if not code or len(code) > 12:
        errors["code"] = "Le code court du motif est obligatoire (12 caractères au plus)."
    else:
        other = unit.session.scalar(select(Motive).where(Motive.code == code)
                                    .execution_options(include_deleted=True))
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
    unit: Unit, data: MotiveInput, motive_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> uuid.UUID:
    """Create a motive, or edit ``motive_id`` as it was at ``expected_version``."""
    unit.require(Permission.ADMINISTER)
    values = _motive_values(unit, data, motive_id)
    return rows.create_or_update(unit, Motive, values, motive_id, expected_version)


@dataclass(frozen=True)
class MotiveDetail:
    id: uuid.UUID
    version: int
    data: MotiveInput


def get_motive(unit: Unit, motive_id: uuid.UUID) -> MotiveDetail:
    """A motive as its editor shows it (every field, and the version to save against)."""
    motive = load_motive(unit, motive_id)
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
    unit: Unit, on: date | None = None, kind: AppointmentKind | None = None
) -> list[MotiveRow]:
    """Motives, by label; only those bookable on ``on`` and as ``kind`` when given."""
    found = []
    for motive in unit.session.scalars(select(Motive).order_by(Motive.label)):
        if on is not None and motive_allows(motive, kind or AppointmentKind(motive.kinds[0]),
                                            on):
            continue
        if kind is not None and kind.value not in motive.kinds:
            continue
        found.append(MotiveRow(motive.id, motive.code, motive.label, motive.default_minutes,
                               tuple(AppointmentKind(k) for k in motive.kinds),
                               tuple(motive.documents)))
    return found


# -- advisers' availability and absences -----------------------------------------------------

@dataclass(frozen=True)
class AvailabilityInput:
    site_id: uuid.UUID
    kind: AppointmentKind
    weekday: int
    starts: time
    ends: time


def set_availability(unit: Unit, staff_id: uuid.UUID, week: list[AvailabilityInput]) -> None:
    """Replace an adviser's weekly availability (every site and kind at once)."""
    unit.require(Permission.PLAN_AGENDA)
    adviser = load_adviser(unit, staff_id)
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
        rows.load(unit, Site, site_id)
    rows.remove_all(unit, unit.session.scalars(
        select(Availability).where(Availability.staff_id == staff_id)))
    for row in week:
        rows.create(unit, Availability(staff_id=staff_id, site_id=row.site_id, kind=row.kind,
                                       weekday=row.weekday, starts=row.starts, ends=row.ends),
                    action=None)
    audit.record(unit, "set_availability", "staff", staff_id)


def availability(unit: Unit, staff_id: uuid.UUID) -> list[AvailabilityInput]:
    """An adviser's weekly availability, by weekday then start, as ``set_availability``
    takes it back."""
    return [
        AvailabilityInput(row.site_id, row.kind, row.weekday, row.starts, row.ends)
        for row in unit.session.scalars(
            select(Availability).where(Availability.staff_id == staff_id)
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


def absences(unit: Unit, staff_id: uuid.UUID, since: datetime) -> list[AbsenceRow]:
    """An adviser's absences that end after ``since``, earliest first."""
    return [
        AbsenceRow(row.id, row.version, row.starts_at, row.ends_at, row.label)
        for row in unit.session.scalars(
            select(Absence).where(Absence.staff_id == staff_id,
                                  Absence.ends_at > require_aware(since))
            .order_by(Absence.starts_at)
        )
    ]


def add_absence(
    unit: Unit, staff_id: uuid.UUID, starts_at: datetime, ends_at: datetime, label: str = "",
) -> uuid.UUID:
    """Record an absence; appointments already booked in it are left for the agenda to move."""
    unit.require(Permission.PLAN_AGENDA)
    load_adviser(unit, staff_id)
    starts_at, ends_at = require_aware(starts_at), require_aware(ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "La fin de l'absence doit suivre son début."})
    absence = Absence(staff_id=staff_id, starts_at=starts_at, ends_at=ends_at,
                      label=" ".join(label.split()))
    return rows.create(unit, absence, **audit.ids(staff_id=staff_id)).id


def remove_absence(unit: Unit, absence_id: uuid.UUID, expected_version: int) -> None:
    unit.require(Permission.PLAN_AGENDA)
    rows.remove(unit, rows.load_version(unit, Absence, absence_id, expected_version))
