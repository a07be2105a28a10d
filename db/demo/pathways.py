"""Demo life pathways: a year of monthly cohorts with their worklists (a step of ``db.demo``).

The yearly volumes are one CPAM's (DOMAIN.md): about 486 ALD, 739 maternity and 140
invalidity entries, whatever the size of the set. The cohort of month M lists people whose
situation began in M; it is imported early in M+1 and worked in the weeks after, so the
older cohorts are closed and the latest one is still being called: every worklist state
appears. Each kind's booking motive is the agenda step's (ALD, MAT, INV); each booked entry
has its phone appointment (``db.demo.pathway_bookings``): honoured, missed or still to come,
so that the funnels' « RDV honorés » are a real share of « RDV pris ».
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from db.agenda.models import Appointment, AppointmentStatus, Motive
from db.demo.context import office_day, office_moment
from db.demo.pathway_bookings import PathwayBookings
from db.pathways.models import (
    AttemptResult,
    Offer,
    PathwayAttempt,
    PathwayEntry,
    PathwayImport,
    PathwayKind,
    PathwayOutcome,
    PathwayStatus,
    PersonOffer,
    Segment,
)
from db.pathways.offers import segment_for
from db.people.models import Person, PersonKind
from db.roles import Role
from db.unit import rows

YEARLY = {"ald": 486, "maternity": 739, "invalidity": 140}
# Who enters each pathway: (women only, youngest, oldest) at the entry date.
PUBLICS = {"ald": (False, 18, 95), "maternity": (True, 18, 45), "invalidity": (False, 20, 62)}
# The agenda step's motive of each pathway: the booking dialog's preset.
MOTIVES = {"ald": "ALD", "maternity": "MAT", "invalidity": "INV"}
OUTCOME_WEIGHTS = {PathwayOutcome.BOOKED: 55, PathwayOutcome.DECLINED: 15,
                   PathwayOutcome.UNREACHABLE: 20, PathwayOutcome.NOT_CONCERNED: 10}
MONTHS = 12


def _months(today: date) -> list[date]:
    """The twelve months before the reference day's month, oldest first."""
    month = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _Cohorts:
    """Draws the rows of every pathway cohort; keeps what the inserts need."""

    def __init__(self, context, rng: random.Random):
        self.context, self.rng = context, rng
        session = context.session
        self.kinds = {k.code: k for k in session.scalars(
            select(PathwayKind).where(PathwayKind.code.in_(list(YEARLY))))}
        facts = {pid: (civility, born) for pid, civility, born in session.execute(
            select(Person.id, Person.civility, Person.birth_date)
            .where(Person.kind == PersonKind.BENEFICIARY))}
        # In generation order, so the draw repeats with the seed.
        self.people = [(pid, *facts[pid])
                       for pid in context.people.get(PersonKind.BENEFICIARY, [])]
        self.advisers = [s for s in context.staff if s.role is Role.ADVISER]
        offers = session.execute(
            select(Segment.code, Offer.id).join(Offer, Offer.segment_id == Segment.id)
            .where(Offer.active).order_by(Segment.position, Offer.position)).all()
        self.offers: dict[str, list[uuid.UUID]] = {}
        for code, offer_id in offers:
            self.offers.setdefault(code, []).append(offer_id)
        self.imports: list[dict] = []
        self.entries: list[dict] = []
        self.attempts: list[dict] = []
        self.person_offers: list[dict] = []
        self.bookings = PathwayBookings(context, context.random_for("pathway_bookings"))

    def row(self, at: datetime, updated: datetime | None = None, version: int = 1) -> dict:
        return {"id": uuid.UUID(int=self.rng.getrandbits(128), version=4), "created_at": at,
                "updated_at": updated or at, "version": version, "deleted_at": None}

    def before_now(self, moment: datetime) -> datetime:
        """``moment``, or an office hour of the day before when it would be to come."""
        if moment < self.context.midnight:
            return moment
        return office_moment(self.context.today - timedelta(days=1), self.rng)

    def cohort(self, code: str, month: date, is_latest: bool) -> None:
        rng, kind = self.rng, self.kinds[code]
        women_only, youngest, oldest = PUBLICS[code]
        pool = [pid for pid, civility, born in self.people
                if born and youngest <= _age(born, month) <= oldest
                and (not women_only or civility == "mme")]
        size = min(len(pool), round(YEARLY[code] / MONTHS * rng.uniform(0.8, 1.2)))
        next_month = (month + timedelta(days=32)).replace(day=1)
        imported_at = self.before_now(office_moment(
            next_month + timedelta(days=rng.randint(1, 4)), rng))
        importer = rng.choice(self.advisers)
        record = self.row(imported_at) | {
            "kind_id": kind.id, "month": month, "file_name": f"parcours_{code}_{month:%Y-%m}.csv",
            "sha256": hashlib.sha256(f"{code}{month}{size}".encode()).hexdigest(),
            "rows": size, "new_entries": size, "already_known": 0, "people_created": 0,
            "people_updated": 0, "imported_by_id": importer.id,
        }
        self.imports.append(record)
        for person_id in rng.sample(pool, size):
            self.entry(code, month, person_id, record, is_latest)

    def entry(self, code: str, month: date, person_id: uuid.UUID, record: dict,
              is_latest: bool) -> None:
        rng = self.rng
        imported_at = record["created_at"]
        adviser = rng.choice(self.advisers)
        # The latest cohort is being worked: a third not called yet, a third mid-way.
        stage = rng.random() if is_latest else 1.0
        outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
        reached = outcome in (PathwayOutcome.BOOKED, PathwayOutcome.DECLINED)
        if stage < 0.33:
            outcome, tries = None, 0
        elif stage < 0.66:
            outcome, reached, tries = None, False, rng.randint(1, 3)
        elif outcome is PathwayOutcome.UNREACHABLE:
            tries = 3
        elif outcome is PathwayOutcome.NOT_CONCERNED:
            tries = rng.randint(0, 1)
        else:
            tries = rng.randint(1, 3)
        moment = imported_at
        entry = self.row(imported_at)
        last_attempt = reached_at = outcome_at = None
        for number in range(1, tries + 1):
            moment = self.before_now(max(office_moment(
                office_day(moment) + timedelta(days=rng.randint(1, 5)), rng), moment))
            result = (AttemptResult.REACHED if reached and number == tries
                      else rng.choice([AttemptResult.NO_ANSWER, AttemptResult.VOICEMAIL]))
            self.attempts.append(self.row(moment) | {
                "entry_id": entry["id"], "number": number, "attempted_at": moment,
                "by_id": adviser.id, "result": result})
            last_attempt = moment
            reached_at = moment if result is AttemptResult.REACHED else reached_at
        status = PathwayStatus.TO_CONTACT if tries == 0 else PathwayStatus(f"attempt_{tries}")
        if outcome is not None:
            outcome_at = moment = self.before_now(moment + timedelta(minutes=10))
            status = PathwayStatus(outcome.value)
            # Most outcomes of past cohorts have been closed; a few await it.
            if not is_latest and rng.random() < 0.9:
                status = PathwayStatus.DONE
        if reached_at is not None:
            self.offer(code, entry["id"], person_id, reached_at, adviser.id)
        appointment_id = None
        if outcome is PathwayOutcome.BOOKED:
            appointment_id = self.bookings.book(person_id, MOTIVES[code], outcome_at,
                                                adviser.id)
        changes = tries + (outcome is not None) + (status is PathwayStatus.DONE) + 1
        entry |= {
            "updated_at": moment, "version": changes + 1, "kind_id": record["kind_id"],
            "month": month, "person_id": person_id, "import_id": record["id"],
            "entry_date": month + timedelta(days=rng.randint(0, 27)), "status": status,
            "outcome": outcome, "assigned_to_id": adviser.id, "attempts": tries,
            "last_attempt_at": last_attempt, "reached_at": reached_at,
            "outcome_at": outcome_at, "appointment_id": appointment_id,
        }
        self.entries.append(entry)

    def offer(self, code: str, entry_id, person_id, at: datetime, adviser_id) -> None:
        rng = self.rng
        choices = self.offers.get(segment_for(code, None), [])
        for offer_id in rng.sample(choices, min(len(choices), rng.randint(0, 3))):
            self.person_offers.append(self.row(at) | {
                "person_id": person_id, "offer_id": offer_id, "entry_id": entry_id,
                "made_at": at, "made_by_id": adviser_id, "accepted": rng.random() < 0.6})


def add_pathways(context, rng: random.Random) -> None:
    """The pathways step of ``db.demo.STEPS``."""
    cohorts = _Cohorts(context, rng)
    motives = dict(context.session.execute(
        select(Motive.code, Motive.id).where(Motive.code.in_(list(MOTIVES.values())))).all())
    for code, kind in cohorts.kinds.items():
        rows.save(context.unit, kind, {"motive_id": motives.get(MOTIVES[code])}, action=None)
    if not cohorts.people or not cohorts.advisers:
        return
    months = _months(context.today)
    for code in YEARLY:
        for month in months:
            cohorts.cohort(code, month, is_latest=month == months[-1])
    label = "Parcours…"
    appointments = cohorts.bookings.rows
    context.insert_rows(Appointment, appointments, len(appointments), label)
    context.counts["appointments"] = context.counts.get("appointments", 0) + len(appointments)
    context.insert_rows(PathwayImport, cohorts.imports, len(cohorts.imports), label)
    context.insert_rows(PathwayEntry, cohorts.entries, len(cohorts.entries), label)
    context.insert_rows(PathwayAttempt, cohorts.attempts, len(cohorts.attempts), label)
    context.insert_rows(PersonOffer, cohorts.person_offers, len(cohorts.person_offers), label)
    entries = cohorts.entries
    context.counts["pathway_entries"] = len(entries)
    by_kind = {code: sum(e["kind_id"] == cohorts.kinds[code].id for e in entries)
               for code in YEARLY}
    booked = sum(e["outcome"] is PathwayOutcome.BOOKED for e in entries)
    held = cohorts.bookings.counts({e["appointment_id"] for e in entries})
    context.lines.append(
        f"{len(entries)} personnes dans les parcours sur 12 mois (ALD {by_kind['ald']}, "
        f"maternité {by_kind['maternity']}, invalidité {by_kind['invalidity']}), "
        f"{booked} rendez-vous pris ({held.get(AppointmentStatus.HONOURED, 0)} honorés, "
        f"{held.get(AppointmentStatus.NO_SHOW, 0)} absents, "
        f"{held.get(AppointmentStatus.BOOKED, 0)} à venir ou à renseigner), "
        f"{len(cohorts.person_offers)} offres sur rebond")
