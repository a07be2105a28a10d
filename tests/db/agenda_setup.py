"""A small agenda to test against: a site with a lunch closure, an adviser who receives at
the phone and in person, motives, and people with and without contact details."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from db.agenda import setup as agenda_setup
from db.agenda.booking import BookingRequest
from db.agenda.models import AppointmentKind, Channel
from db.agenda.setup import AvailabilityInput, MotiveInput
from db.org import sites
from db.org.access import Actor
from db.org.models import Site, SiteKind
from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit import Unit

MORNING_AND_AFTERNOON = [(time(8, 30), time(12, 0)), (time(13, 30), time(16, 30))]


@dataclass
class Agenda:
    site_id: uuid.UUID
    time_zone: str
    adviser: Actor
    admin: Actor
    motive_id: uuid.UUID  # IJ: 30 minutes, phone or physical
    video_motive_id: uuid.UUID  # compte ameli: 20 minutes, video only
    person_id: uuid.UUID  # phone and e-mail
    bare_person_id: uuid.UUID  # neither

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A local wall-clock time at the site, as a UTC instant."""
        return datetime.combine(day, time(hour, minute), ZoneInfo(self.time_zone)).astimezone(UTC)

    def set_break(self, store, minutes: int) -> None:
        """Keep ``minutes`` free after each appointment at the site, as an administrator."""
        with store.unit(self.admin) as unit:
            site = sites.get_site(unit, self.site_id)
            sites.save_site(unit, replace(site.data, break_minutes=minutes),
                            self.site_id, site.version)

    def request(self, starts_at: datetime, **changes) -> BookingRequest:
        values = dict(person_id=self.person_id, adviser_id=self.adviser.id,
                      site_id=self.site_id, motive_id=self.motive_id,
                      kind=AppointmentKind.PHYSICAL, starts_at=starts_at,
                      channel=Channel.RECEPTION)
        values.update(changes)
        return BookingRequest(**values)


def make_agenda(
    store, actors: dict[Role, Actor], *, time_zone: str = "Europe/Paris",
    department: str = "38", weekdays: range = range(5),
    kinds: tuple[AppointmentKind, ...] = (AppointmentKind.PHONE, AppointmentKind.PHYSICAL,
                                          AppointmentKind.VIDEO),
) -> Agenda:
    admin, adviser = actors[Role.ADMIN], actors[Role.ADVISER]
    with store.session() as session:
        site = session.get(Site, adviser.site_id)
        site.time_zone, site.department, site.kind = time_zone, department, SiteKind.AGENCY
        site.email = "accueil.test@cpam-isere.exemple.fr"
        session.flush()
        agenda_setup.set_opening_hours(Unit(session, admin), site.id,
                                 {day: MORNING_AND_AFTERNOON for day in weekdays})
        agenda_setup.set_availability(Unit(session, admin), adviser.id, [
            AvailabilityInput(site.id, kind, day, time(8, 0), time(17, 0))
            for day in weekdays for kind in kinds
        ])
        motive_id = agenda_setup.save_motive(Unit(session, admin), MotiveInput(
            code="IJ", label="Indemnités journalières", default_minutes=30,
            kinds=[AppointmentKind.PHONE, AppointmentKind.PHYSICAL],
            documents=["Attestation de salaire", "Arrêt de travail"],
            max_horizon_days=400))
        video_motive_id = agenda_setup.save_motive(Unit(session, admin), MotiveInput(
            code="AMELI", label="Ouverture du compte ameli", default_minutes=20,
            kinds=[AppointmentKind.VIDEO], max_horizon_days=400))
        person_id = people_records.create_person(Unit(session, adviser), PersonInput(
            kind=PersonKind.BENEFICIARY, last_name="Dupont", first_name="Marie",
            birth_date=date(1984, 12, 3), nir="2 84 12 76 451 089 " + _key("2841276451089"),
            phone="06 12 34 56 78", email="marie.dupont@exemple.fr"))
        bare_person_id = people_records.create_person(Unit(session, adviser), PersonInput(
            kind=PersonKind.BENEFICIARY, last_name="Martin", first_name="Luc",
            birth_date=date(1982, 4, 14), nir="1 82 04 71 045 445 44"))
        site_id = site.id
    return Agenda(site_id, time_zone, adviser, admin, motive_id, video_motive_id, person_id,
                  bare_person_id)


def _key(thirteen: str) -> str:
    return f"{97 - int(thirteen) % 97:02d}"
