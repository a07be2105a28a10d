"""A person's history in words: the record's audit trail and their appointments', and
what the rows of appointments written in bulk tell."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from db.agenda import booking
from db.agenda.history import person_history
from db.agenda.models import Appointment, AppointmentStatus, CancelledBy
from db.people import records as people_records
from db.unit import rows
from db.unit.audit import AuditEvent
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 30)


def version(store, appointment_id) -> int:
    with store.session() as session:
        return session.get(Appointment, appointment_id).version


def test_the_history_says_who_booked_moved_cancelled_and_the_outcome(store, actors):
    setup = make_agenda(store, actors)
    with store.unit(setup.adviser) as unit:
        first = booking.book_appointment(unit, setup.request(setup.at(MONDAY, 9)), now=NOW)
    with store.unit(setup.adviser) as unit:
        moved = booking.reschedule_appointment(unit, first, version(store, first),
                                               setup.at(MONDAY, 10), now=NOW)
    with store.unit(setup.adviser) as unit:
        booking.cancel_appointment(unit, moved, version(store, moved), CancelledBy.PERSON,
                                   "Empêchement", now=NOW)
    with store.unit(setup.adviser) as unit:
        late = booking.book_appointment(unit, setup.request(setup.at(MONDAY, 14)), now=NOW)
    with store.unit(setup.adviser) as unit:
        booking.record_outcome(unit, late, version(store, late), AppointmentStatus.HONOURED,
                               now=setup.at(MONDAY, 15))
    with store.unit(setup.adviser) as unit:
        texts = [line.text().split(" — ", 1)[1]
                 for line in person_history(unit, setup.person_id)]
    who = "par C. Conseiller01"
    assert texts == [  # the latest first
        f"Rendez-vous du 30/03/2026 à 14:00 : honoré {who}",
        f"Rendez-vous du 30/03/2026 à 14:00 pris {who}",
        f"Rendez-vous du 30/03/2026 à 10:00 annulé {who}",
        f"Rendez-vous du 30/03/2026 à 10:00 pris {who}",
        f"Rendez-vous du 30/03/2026 à 09:00 déplacé {who}",
        f"Rendez-vous du 30/03/2026 à 09:00 pris {who}",
        f"Fiche créée {who}"]
    assert not any("Empêchement" in text for text in texts)  # no free text


def test_an_appointment_written_in_bulk_is_told_by_its_row(store, actors):
    setup = make_agenda(store, actors)
    with store.unit(None) as unit:
        rows.insert_many(unit, Appointment, [dict(id=uuid.uuid4(),
            person_id=setup.person_id, adviser_id=setup.adviser.id, site_id=setup.site_id,
            motive_id=setup.motive_id, kind="physical", starts_at=setup.at(MONDAY, 9),
            ends_at=setup.at(MONDAY, 9, 30), channel="reception",
            status=AppointmentStatus.NO_SHOW, booked_by_id=setup.adviser.id,
            outcome_at=setup.at(MONDAY, 10), ical_uid="bulk@guichet", version=1)])
    with store.unit(setup.adviser) as unit:
        texts = [line.text().split(" — ", 1)[1]
                 for line in person_history(unit, setup.person_id)]
    assert "Rendez-vous du 30/03/2026 à 09:00 : absent" in texts
    assert "Rendez-vous du 30/03/2026 à 09:00 pris par C. Conseiller01" in texts


def test_who_read_the_nir_is_not_the_record_s_history(store, actors):
    """Opening the record as a role that sees the NIR is audited (« read_nir »): the
    journal tells it, the record's history does not — nor any bare code."""
    setup = make_agenda(store, actors)
    with store.unit(setup.adviser) as unit:
        people_records.get_person(unit, setup.person_id)
        texts = [line.text() for line in person_history(unit, setup.person_id)]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == people_records.READ_NIR)) == 1
    assert texts and all("read_nir" not in text.lower() for text in texts)
