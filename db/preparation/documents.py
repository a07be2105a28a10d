"""What the day sheet and the confirmation letter print, and how the person is addressed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.labels import KIND_LABELS, STATUS_LABELS
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, Motive
from db.agenda.setup import opening_hours
from db.errors import NotFound, PermissionDenied, ValidationError
from db.org.access import Permission
from db.org.models import Site, Staff
from db.people.labels import display_name
from db.people.models import Civility, Person, PersonKind
from db.preparation.labels import OUTCOME_EFFECTS
from db.preparation.models import (
    PreparationTask,
)
from db.preparation.scope import sees_everyone
from db.preparation.settings import settings
from db.roles import Role
from db.unit import Unit, rows
from db.validation import format_phone
from db.wording import WEEKDAYS


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


def day_sheet(unit: Unit, adviser_login: str, day: date) -> DaySheet:
    """Every appointment of an adviser's (local) day, in time order, with what the
    preparation found: what the adviser prints before leaving for a permanence."""
    session = unit.session
    # The office's morning print run (the command line without --login) is a system job.
    unit.require(Permission.PREPARE_APPOINTMENTS, system=True)
    adviser = session.scalar(select(Staff).where(Staff.login == adviser_login.strip().lower()))
    if adviser is None or adviser.role is not Role.ADVISER:
        raise NotFound(f"Aucun conseiller n'a l'identifiant « {adviser_login} ».")
    if not unit.is_system and not sees_everyone(unit.actor) and adviser.id != unit.actor_id:
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
        .outerjoin(PreparationTask, (PreparationTask.appointment_id == Appointment.id))
        .where(Appointment.adviser_id == adviser.id,
               Appointment.status.not_in((AppointmentStatus.CANCELLED,
                                          AppointmentStatus.RESCHEDULED)),
               Appointment.starts_at >= starts, Appointment.starts_at < ends)
        .order_by(Appointment.starts_at)).all()
    max_attempts = settings(unit).max_attempts
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
    # The letter's head and address block (La Poste's format is the document's business).
    letterhead: str = "Assurance Maladie"
    letterhead_logo: bytes | None = None  # PNG or JPEG (db.org.logo), or no logo
    site_city: str = ""
    site_hours: tuple[str, ...] = ()
    addressee: str = ""  # « Madame Marie DUPONT »
    street: str = ""
    postcode: str = ""
    city: str = ""
    reference: str = ""  # « RDV-3F2A9C1B »: what the person quotes when calling


def confirmation(unit: Unit, appointment_id: uuid.UUID, *,
                 now: datetime | None = None) -> Confirmation:
    """What the confirmation letter of a booked appointment still to come says."""
    session = unit.session
    unit.require(Permission.BOOK_APPOINTMENTS)
    appointment = rows.load(unit, Appointment, appointment_id)
    if appointment.status is not AppointmentStatus.BOOKED:
        raise ValidationError({"status": (
            "Ce rendez-vous n'est plus à venir : il n'y a pas de confirmation à envoyer.")})
    if appointment.starts_at <= (now or datetime.now(UTC)):
        raise ValidationError({"starts_at": (
            "Ce rendez-vous a déjà commencé ou est passé : une lettre de confirmation "
            "n'a plus de sens.")})
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
        tuple(motive.documents), adviser.display_name,
        letterhead=site.letterhead or "Assurance Maladie",
        letterhead_logo=site.letterhead_logo, site_city=site.city,
        site_hours=hours_lines(opening_hours(unit, site.id)), addressee=addressee(person),
        street=person.address, postcode=person.postcode, city=person.city,
        reference=f"RDV-{appointment.id.hex[:8].upper()}")


def addressee(person: Person) -> str:
    """« Madame Marie DUPONT » (the surname in capitals, as on an envelope)."""
    if person.last_name is None or person.kind is not PersonKind.BENEFICIARY:
        return display_name(person)
    title = {Civility.MADAME: "Madame", Civility.MONSIEUR: "Monsieur"}.get(person.civility, "")
    return " ".join(p for p in (title, person.first_name, person.last_name.upper()) if p)


def hours_lines(week: dict[int, list[tuple[time, time]]]) -> tuple[str, ...]:
    """« Du lundi au vendredi : 08:30–12:00, 13:30–16:30 », days with the same hours
    together."""
    lines, days = [], sorted(week)
    while days:
        first = last = days.pop(0)
        while days and days[0] == last + 1 and week[days[0]] == week[first]:
            last = days.pop(0)
        hours = ", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in week[first])
        when = (f"Le {WEEKDAYS[first]}" if first == last
                else f"Du {WEEKDAYS[first]} au {WEEKDAYS[last]}")
        lines.append(f"{when}\u00a0: {hours}")
    return tuple(lines)
