"""Demo data of the agenda: opening hours, motives, availability, workshops, call-back
requests and appointments of every kind and outcome over the last twelve months and the
next three (≈ 10,000 in the small set, 500,000 in the large one).

Appointments are laid out adviser by adviser and day by day, one after the other, so the
database's own no-double-booking rule holds for the generated data too. The large set adds
telephone advisers at the phone platform: half a million appointments need about a hundred.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from db.agenda.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    CancelledBy,
    Channel,
    ClosedDay,
    Motive,
    OpeningHours,
    WorkshopSession,
)
from db.agenda.slots import local_instant
from db.callbacks.models import CallbackOutcome, CallbackRequest
from db.callbacks.requests import due_time
from db.demo.context import office_day, office_moment
from db.org.models import SiteKind, Staff
from db.people.models import PersonKind
from db.roles import Role
from db.workdays import WorkingCalendar

if TYPE_CHECKING:
    from db.demo.context import DemoContext

APPOINTMENTS = {"small": 10_000, "large": 500_000}
FILL = 0.8  # share of an adviser's day that is booked in the large set

Hours = list[tuple[time, time]]
MORNING, AFTERNOON = (time(9, 0), time(12, 0)), (time(13, 30), time(16, 30))
# Weekly hours by kind of site: (weekdays, intervals). A local point closes at lunch.
SITE_HOURS: dict[SiteKind, tuple[tuple[int, ...], Hours]] = {
    SiteKind.AGENCY: ((0, 1, 2, 3, 4), [(time(8, 30), time(16, 30))]),
    SiteKind.LOCAL_POINT: ((1, 3), [MORNING, AFTERNOON]),
    SiteKind.FRANCE_SERVICES: ((2,), [MORNING, AFTERNOON]),
    SiteKind.PHONE_PLATFORM: ((0, 1, 2, 3, 4), [(time(8, 30), time(17, 30))]),
}
# Kinds an adviser receives, with weights, by kind of site.
SITE_KINDS: dict[SiteKind, list[tuple[AppointmentKind, int]]] = {
    SiteKind.AGENCY: [(AppointmentKind.PHYSICAL, 50), (AppointmentKind.PHONE, 35),
                      (AppointmentKind.VIDEO, 15)],
    SiteKind.LOCAL_POINT: [(AppointmentKind.PHYSICAL, 1)],
    SiteKind.FRANCE_SERVICES: [(AppointmentKind.PHYSICAL, 1)],
    SiteKind.PHONE_PLATFORM: [(AppointmentKind.PHONE, 1)],
}

# code, label, minutes, kinds, documents to bring
MOTIVES = [
    ("IJ", "Indemnités journalières", 30, "phone physical video",
     ["Arrêt de travail", "Attestation de salaire de l'employeur"]),
    ("C2S", "Complémentaire santé solidaire", 30, "phone physical",
     ["Avis d'imposition", "Justificatifs de ressources des 12 derniers mois"]),
    ("CV", "Carte Vitale", 15, "physical", ["Pièce d'identité", "Photo d'identité récente"]),
    ("AMELI", "Ouverture du compte ameli", 20, "phone physical video",
     ["Carte Vitale", "Adresse e-mail et téléphone portable"]),
    ("AIDE", "Aides financières", 45, "phone physical",
     ["Justificatifs de ressources", "Devis ou factures"]),
    ("INV", "Invalidité", 45, "phone physical", ["Notification de pension d'invalidité"]),
    ("MAT", "Maternité", 30, "phone physical video", ["Déclaration de grossesse"]),
    ("ALD", "Affection de longue durée", 30, "phone physical", []),
    ("AME", "Aide médicale de l'État", 45, "physical",
     ["Pièce d'identité", "Justificatif de résidence en France depuis plus de 3 mois"]),
]
WORKSHOPS = [  # code, label, minutes, weekday, local start, capacity
    ("ATL-AMELI", "Atelier flash ameli", 30, 1, time(14, 0), 8),
    ("ATL-NUM", "Atelier numérique", 120, 3, time(9, 0), 6),
]
CHANNEL_WEIGHTS = [(Channel.AMELI_ACCOUNT, 30), (Channel.PHONE_3646, 30),
                   (Channel.RECEPTION, 15), (Channel.FRANCE_SERVICES, 8),
                   (Channel.OTHER_DEPARTMENT, 7), (Channel.PATHWAY, 7), (Channel.CALLBACK, 3)]
PAST_OUTCOMES = [(AppointmentStatus.HONOURED, 80), (AppointmentStatus.NO_SHOW, 8),
                 (AppointmentStatus.CANCELLED, 7), (AppointmentStatus.RESOLVED_AT_PREPARATION, 3),
                 (AppointmentStatus.BOOKED, 2)]  # the last: « à renseigner »
FUTURE_OUTCOMES = [(AppointmentStatus.BOOKED, 92), (AppointmentStatus.CANCELLED, 8)]
CANCEL_REASONS = {CancelledBy.PERSON: ["Empêchement", "Démarche faite en ligne", "Malade"],
                  CancelledBy.SERVICE: ["Conseiller absent", "Fermeture exceptionnelle"]}
RESCHEDULED_SHARE = 0.03
CALLBACK_REQUESTS = (
    "Paiement des indemnités journalières en attente", "Question sur un remboursement",
    "Demande d'attestation de droits", "Carte Vitale perdue, demande de remplacement",
    "Changement d'adresse et de coordonnées bancaires", "Dossier C2S : pièces à fournir",
    "Rappeler après 14 h", "Courrier reçu incompris, souhaite une explication",
    "Déclaration de grossesse : quelles démarches ?", "Accès au compte ameli bloqué",
)


def _pick(rng: random.Random, weighted: list[tuple]) -> object:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@dataclass(frozen=True)
class _Adviser:
    id: uuid.UUID
    site_id: uuid.UUID
    site_kind: SiteKind


class _Agenda:
    """What the agenda steps share: ids of motives, advisers and workshop hosts' hours."""

    def __init__(self, context: DemoContext, rng: random.Random, time_zone: str,
                 department: str):
        self.context, self.rng = context, rng
        self.zone = ZoneInfo(time_zone)
        self.department = department
        self.calendar = WorkingCalendar(department)
        self.first_day = context.today - timedelta(days=365)
        self.last_day = context.today + timedelta(days=92)
        self.sites = {s.id: s for s in context.sites}
        self.motives: dict[str, tuple[uuid.UUID, int, list[str]]] = {}
        self.advisers: list[_Adviser] = []
        self.hosted: dict[tuple[uuid.UUID, date], list[tuple[time, time]]] = {}
        self.absent: set[tuple[uuid.UUID, date]] = set()

    def days(self) -> Iterator[date]:
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += timedelta(days=1)

    def instant(self, day: date, moment: time) -> datetime:
        return local_instant(day, moment, self.zone)


def _opening_hours(agenda: _Agenda) -> None:
    context = agenda.context
    rows = []
    for site in context.sites:
        weekdays, intervals = SITE_HOURS[site.kind]
        for weekday in weekdays:
            for opens, closes in intervals:
                rows.append(context.entity_columns(agenda.rng) | {
                    "site_id": site.id, "weekday": weekday, "opens": opens, "closes": closes})
    context.insert_rows(OpeningHours, rows, len(rows), "Horaires…")
    closures = [context.entity_columns(agenda.rng) | {
        "site_id": site.id, "day": context.today + timedelta(days=agenda.rng.randrange(7, 60)),
        "label": "Fermeture exceptionnelle"} for site in context.sites[:3]]
    context.insert_rows(ClosedDay, closures, len(closures), "Fermetures…")


def _motives(agenda: _Agenda) -> None:
    context = agenda.context
    rows = []
    for code, label, minutes, kinds, documents in MOTIVES:
        rows.append(context.entity_columns(agenda.rng) | {
            "code": code, "label": label, "default_minutes": minutes, "kinds": kinds.split(),
            "documents": documents, "active_from": None, "active_to": None,
            "min_notice_hours": 2, "max_horizon_days": 92})
    for code, label, minutes, *_ in WORKSHOPS:
        rows.append(context.entity_columns(agenda.rng) | {
            "code": code, "label": label, "default_minutes": minutes, "kinds": ["workshop"],
            "documents": [], "active_from": None, "active_to": None, "min_notice_hours": 0,
            "max_horizon_days": 92})
    context.insert_rows(Motive, rows, len(rows), "Motifs…")
    agenda.motives = {r["code"]: (r["id"], r["default_minutes"], r["kinds"]) for r in rows}


def _advisers(agenda: _Agenda, target: int) -> None:
    """The demo's advisers, plus phone advisers at the platform until the target fits."""
    context = agenda.context
    agenda.advisers = [_Adviser(s.id, s.site_id, agenda.sites[s.site_id].kind)
                       for s in context.staff if s.role is Role.ADVISER]
    per_day = 8 * 60 / 30 * 5 / 7  # ≈ appointments an adviser can hold per calendar day
    span = (agenda.last_day - agenda.first_day).days
    needed = math.ceil(target / (span * per_day * FILL)) - len(agenda.advisers)
    platform = next(s for s in context.sites if s.kind is SiteKind.PHONE_PLATFORM)
    rows = []
    for index in range(max(needed, 0)):
        rows.append(context.entity_columns(agenda.rng) | {
            "login": f"teleconseiller{index + 1:03d}", "first_name": "Téléconseiller",
            "last_name": f"{index + 1:03d}", "role": Role.ADVISER, "site_id": platform.id,
            "active": True})
        agenda.advisers.append(_Adviser(rows[-1]["id"], platform.id, SiteKind.PHONE_PLATFORM))
    if rows:
        context.insert_rows(Staff, rows, len(rows), "Téléconseillers…")
    availability = []
    for adviser in agenda.advisers:
        site = agenda.sites[adviser.site_id]
        weekdays, intervals = SITE_HOURS[site.kind]
        kinds = {kind for kind, _ in SITE_KINDS[site.kind]}
        for weekday in weekdays:
            for (starts, ends), kind in ((i, k) for i in intervals for k in sorted(kinds)):
                availability.append(context.entity_columns(agenda.rng) | {
                    "staff_id": adviser.id, "site_id": site.id, "kind": kind,
                    "weekday": weekday, "starts": starts, "ends": ends})
        # A training day now and then: no appointment that day.
        for _ in range(3):
            day = agenda.first_day + timedelta(days=agenda.rng.randrange(
                (agenda.last_day - agenda.first_day).days))
            agenda.absent.add((adviser.id, day))
    context.insert_rows(Availability, availability, len(availability), "Disponibilités…")
    context.counts["advisers"] = len(agenda.advisers)


def _workshops(agenda: _Agenda) -> list[dict]:
    """Weekly sessions at the agency, hosted by its first adviser, with their registrations
    (returned, to be written with the other appointments)."""
    context, rng = agenda.context, agenda.rng
    agency = next(s for s in context.sites if s.kind is SiteKind.AGENCY)
    host = next(a for a in agenda.advisers if a.site_id == agency.id)
    beneficiaries = context.people.get(PersonKind.BENEFICIARY, [])
    sessions, registrations = [], []
    now = context.midnight
    for day in agenda.days():
        for code, _, minutes, weekday, starts, capacity in WORKSHOPS:
            if day.weekday() != weekday or not agenda.calendar.is_working_day(day):
                continue
            starts_at = agenda.instant(day, starts)
            ends_at = starts_at + timedelta(minutes=minutes)
            seats = rng.randint(capacity // 2, capacity) if beneficiaries else 0
            session = context.entity_columns(rng) | {
                "motive_id": agenda.motives[code][0], "site_id": agency.id,
                "host_id": host.id, "starts_at": starts_at, "ends_at": ends_at,
                "capacity": capacity, "seats_taken": seats, "cancelled_at": None}
            sessions.append(session)
            # The host is busy until the end plus the agency's break (see AdviserBusy).
            busy_until = datetime.combine(day, starts) + timedelta(
                minutes=minutes + agency.break_minutes)
            agenda.hosted.setdefault((host.id, day), []).append((starts, busy_until.time()))
            for person_id in rng.sample(beneficiaries, seats):
                status = (_pick(rng, [(AppointmentStatus.HONOURED, 85),
                                      (AppointmentStatus.NO_SHOW, 15)])
                          if starts_at < now else AppointmentStatus.BOOKED)
                registrations.append(_appointment(
                    agenda, person_id, host, agency.id, agenda.motives[code][0],
                    AppointmentKind.WORKSHOP, starts_at, ends_at, status,
                    workshop_session_id=session["id"]))
    context.insert_rows(WorkshopSession, sessions, len(sessions), "Ateliers…")
    context.counts["workshop_sessions"] = len(sessions)
    return registrations


def _appointment(agenda: _Agenda, person_id, adviser: _Adviser, site_id, motive_id, kind,
                 starts_at: datetime, ends_at: datetime, status: AppointmentStatus,
                 **links) -> dict:
    rng, now = agenda.rng, agenda.context.midnight
    booked_at = min(starts_at - timedelta(hours=rng.randrange(2, 24 * 30)), now)
    row = {
        "id": (appointment_id := uuid.UUID(int=rng.getrandbits(128), version=4)),
        "created_at": booked_at, "updated_at": booked_at, "version": 1, "deleted_at": None,
        "person_id": person_id, "adviser_id": adviser.id, "site_id": site_id,
        "motive_id": motive_id, "kind": kind, "starts_at": starts_at, "ends_at": ends_at,
        "channel": _pick(rng, CHANNEL_WEIGHTS), "status": status, "booked_by_id": adviser.id,
        "note": "", "cancelled_by": None, "cancel_reason": "", "outcome_at": None,
        "rescheduled_from_id": None, "workshop_session_id": None,
        "ical_uid": f"{appointment_id}@guichet", "ical_sequence": 0,
    } | links
    if status is AppointmentStatus.CANCELLED:
        row["cancelled_by"] = by = _pick(rng, [(CancelledBy.PERSON, 3), (CancelledBy.SERVICE, 1)])
        row["cancel_reason"] = rng.choice(CANCEL_REASONS[by])
    if status is not AppointmentStatus.BOOKED:
        row["outcome_at"] = row["updated_at"] = max(min(ends_at, now), booked_at)
        row["version"] = row["ical_sequence"] = 1
    return row


def _appointments(agenda: _Agenda, target: int, registrations: list[dict]) -> Iterator[dict]:
    """Each adviser's days filled one appointment after another, at the rate that gives
    about ``target`` appointments."""
    context, rng = agenda.context, agenda.rng
    beneficiaries = context.people.get(PersonKind.BENEFICIARY, [])
    if not beneficiaries:
        return
    now = context.midnight
    capacity = sum(
        len(SITE_HOURS[a.site_kind][0]) for a in agenda.advisers) * len(
        list(agenda.days())) / 7 * 8 * 60 / 30
    fill = min(1.0, max(target - len(registrations), 0) / capacity)
    yield from registrations
    by_kind = {kind: [(motive_id, minutes) for motive_id, minutes, kinds
                      in agenda.motives.values() if kind.value in kinds]
               for kind in AppointmentKind}
    for day in agenda.days():
        if not agenda.calendar.is_working_day(day):
            continue
        for adviser in agenda.advisers:
            weekdays, intervals = SITE_HOURS[adviser.site_kind]
            if day.weekday() not in weekdays or (adviser.id, day) in agenda.absent:
                continue
            hosted = agenda.hosted.get((adviser.id, day), [])
            gap = timedelta(minutes=agenda.sites[adviser.site_id].break_minutes)
            for opens, closes in intervals:
                moment = datetime.combine(day, opens)
                while True:
                    kind = _pick(rng, SITE_KINDS[adviser.site_kind])
                    motive_id, minutes = rng.choice(by_kind[kind])
                    end = moment + timedelta(minutes=minutes)
                    if end.time() > closes or end.date() != day:
                        break
                    clash = any(s < (end + gap).time() and moment.time() < e
                                for s, e in hosted)
                    booked = not clash and rng.random() < fill
                    if booked:
                        starts_at = agenda.instant(day, moment.time())
                        ends_at = starts_at + timedelta(minutes=minutes)
                        outcomes = PAST_OUTCOMES if starts_at < now else FUTURE_OUTCOMES
                        status = _pick(rng, outcomes)
                        if kind is not AppointmentKind.PHYSICAL and (
                                status is AppointmentStatus.RESOLVED_AT_PREPARATION):
                            status = AppointmentStatus.HONOURED
                        row = _appointment(agenda, rng.choice(beneficiaries), adviser,
                                           adviser.site_id, motive_id, kind, starts_at,
                                           ends_at, status)
                        if rng.random() < RESCHEDULED_SHARE:
                            # First booked two days earlier, then moved here.
                            moved = _appointment(
                                agenda, row["person_id"], adviser, adviser.site_id, motive_id,
                                kind, starts_at - timedelta(days=2),
                                ends_at - timedelta(days=2), AppointmentStatus.RESCHEDULED,
                                ical_uid=row["ical_uid"])
                            row["rescheduled_from_id"] = moved["id"]
                            row["ical_sequence"] += 1
                            yield moved
                        yield row
                    moment = end + gap if booked else end


def _handled_at(context, rng, requested_at: datetime, due_at: datetime, zone: str,
                calendar: WorkingCalendar) -> datetime:
    """When a call-back was made: office hours, mostly before its deadline, never after
    the reference day began."""
    first, last = office_day(requested_at, zone), office_day(due_at, zone)
    last += timedelta(days=1 if rng.random() < 0.15 else 0)  # some a day late
    day = first + timedelta(days=rng.randint(0, max((last - first).days, 0)))
    handled = min(office_moment(day, rng, zone, calendar),
                  context.midnight - timedelta(minutes=5))
    return max(handled, requested_at + timedelta(minutes=15))


def _callbacks(agenda: _Agenda, count: int) -> None:
    context, rng = agenda.context, agenda.rng
    takers = [s for s in context.staff if s.role in (Role.ADVISER, Role.PARTNER)]
    beneficiaries = context.people.get(PersonKind.BENEFICIARY, [])
    motive_ids = [m[0] for code, m in agenda.motives.items() if "phone" in m[2]]
    calendar = WorkingCalendar(agenda.department)
    rows = []
    for _ in range(count):
        taker = rng.choice(takers)
        requested_at = office_moment(context.today - timedelta(days=rng.randint(1, 365)), rng,
                                     agenda.zone.key, calendar)
        due_at = due_time(requested_at, agenda.zone.key, agenda.department)
        recent = requested_at > context.midnight - timedelta(days=4)
        outcome = None if recent and rng.random() < 0.6 else _pick(rng, [
            (CallbackOutcome.SETTLED, 60), (CallbackOutcome.APPOINTMENT, 20),
            (CallbackOutcome.UNREACHABLE, 15), (CallbackOutcome.WITHDRAWN, 5)])
        # Appointments made from a call-back are in the agenda; the link is left out here.
        if outcome is CallbackOutcome.APPOINTMENT:
            outcome = CallbackOutcome.SETTLED
        known = beneficiaries and rng.random() < 0.7
        rows.append(context.entity_columns(rng) | {
            "created_at": requested_at, "updated_at": requested_at,
            "site_id": taker.site_id, "taken_by_id": taker.id,
            "person_id": rng.choice(beneficiaries) if known else None,
            "contact_name": "" if known else "Contact sans dossier",
            "contact_phone": None if known else f"+3347612{rng.randrange(10**4):04d}",
            "contact_email": None, "motive_id": rng.choice(motive_ids),
            # What the person asked, as the counter wrote it down (the form's « Demande »).
            "reason": rng.choice(CALLBACK_REQUESTS) if rng.random() < 0.85 else "",
            "requested_at": requested_at, "due_at": due_at, "outcome": outcome,
            "outcome_at": _handled_at(context, rng, requested_at, due_at, agenda.zone.key,
                                      calendar)
                          if outcome else None,
            "handled_by_id": taker.id if outcome else None, "appointment_id": None})
    context.insert_rows(CallbackRequest, rows, len(rows), "Demandes de rappel…")
    context.counts["callbacks"] = len(rows)


def add_agenda(context: DemoContext, rng: random.Random) -> None:
    """The agenda step of ``db.demo.STEPS``."""
    # db.demo lists this step: imported here, once db.demo is complete, to avoid a cycle.
    from db.demo.context import DEPARTMENT, TIME_ZONE, counted

    target = APPOINTMENTS["large" if context.people_count >= 100_000 else "small"]
    target = min(target, context.people_count * 10)  # tests generate a few hundred people
    agenda = _Agenda(context, rng, TIME_ZONE, DEPARTMENT)
    _opening_hours(agenda)
    _motives(agenda)
    _advisers(agenda, target)
    registrations = _workshops(agenda)
    written = 0

    def counted_rows() -> Iterator[dict]:
        nonlocal written
        for row in _appointments(agenda, target, registrations):
            written += 1
            yield row

    # Streamed in chunks: half a million rows never sit in memory at once.
    context.insert_rows(Appointment, counted_rows(), target, "Rendez-vous…")
    context.counts["appointments"] = written
    _callbacks(agenda, max(written // 25, 10))
    context.lines.append(
        f"{counted(written, 'rendez-vous', 'rendez-vous')} (12 mois passés, 3 à venir) "
        f"pour {counted(len(agenda.advisers), 'conseiller', 'conseillers')}, "
        f"{counted(context.counts['workshop_sessions'], 'session', 'sessions')} d'atelier, "
        f"{counted(context.counts['callbacks'], 'demande', 'demandes')} de rappel")
