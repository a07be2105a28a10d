"""Booking, moving, cancelling and outcomes; every refusal in French with nothing written;
the database's own refusal of a double booking, including two sessions at the same instant."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.agenda import appointments, booking
from db.agenda import setup as agenda_setup
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, CancelledBy, Channel
from db.agenda.setup import MotiveInput
from db.errors import ConflictError, PermissionDenied, ValidationError
from db.org import sites
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 16)


def book(store, setup, request, actor=None, **options):
    with store.unit(actor or setup.adviser) as unit:
        return booking.book_appointment(unit, request, now=options.pop("now", NOW), **options)


def counts(store) -> tuple[int, int]:
    with store.session() as session:
        return (session.scalar(select(func.count()).select_from(Appointment)),
                session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.entity_type == "appointment")))


def test_book_then_read_the_week_and_the_audit_trail(store, actors):
    setup = make_agenda(store, actors)
    appointment_id = book(store, setup, setup.request(setup.at(MONDAY, 9), note="Dossier IJ"))
    with store.unit(setup.adviser) as unit:
        starts, ends = appointments.week_bounds(MONDAY, setup.time_zone)
        (row,) = appointments.agenda_rows(unit, starts, ends,
                                     adviser_id=setup.adviser.id)
        assert appointments.agenda_rows(unit, starts, ends,
                                   site_id=setup.site_id) == [row]
        detail = appointments.get_appointment(unit, appointment_id)
        (event,) = unit.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_id == appointment_id))
    assert row.person_name == "DUPONT Marie" and row.motive_code == "IJ"
    assert row.status is AppointmentStatus.BOOKED and row.version == 1
    assert detail.documents == ("Attestation de salaire", "Arrêt de travail")
    assert event.action == "book" and "Dossier" not in repr(event.details)
    assert "2841276" not in repr(event.details)


def test_a_partner_may_book_a_mediator_may_not(store, actors):
    setup = make_agenda(store, actors)
    book(store, setup, setup.request(setup.at(MONDAY, 9), channel=Channel.FRANCE_SERVICES),
         actor=actors[Role.PARTNER])
    with pytest.raises(PermissionDenied):
        book(store, setup, setup.request(setup.at(MONDAY, 10)), actor=actors[Role.MEDIATOR])
    assert counts(store) == (1, 1)


@pytest.mark.parametrize("change, field, message", [
    (dict(kind=AppointmentKind.PHONE, person="bare"), "kind",
     "Un rendez-vous téléphonique demande le numéro de téléphone"),
    (dict(kind=AppointmentKind.VIDEO, person="bare", motive="video"), "kind",
     "Un rendez-vous en visio demande l'adresse e-mail"),
    (dict(kind=AppointmentKind.VIDEO), "motive_id",
     "ne se traite pas en rendez-vous visio (possible : téléphonique, physique)"),
    (dict(hour=12, minute=30), "starts_at", "ne reçoit pas en rendez-vous de ce type"),
    (dict(day=date(2026, 4, 6)), "starts_at",
     "Le 06/04/2026 est un jour férié (Lundi de Pâques)"),
    (dict(day=date(2026, 2, 27)), "starts_at", "Ce créneau est déjà passé."),
])
def test_each_refusal_in_french_and_nothing_written(store, actors, change, field, message):
    setup = make_agenda(store, actors)
    before = counts(store)
    person = {"bare": setup.bare_person_id}.get(change.get("person"), setup.person_id)
    motive = {"video": setup.video_motive_id}.get(change.get("motive"), setup.motive_id)
    starts = setup.at(change.get("day", MONDAY), change.get("hour", 9), change.get("minute", 0))
    request = setup.request(starts, person_id=person, motive_id=motive,
                            kind=change.get("kind", AppointmentKind.PHYSICAL))
    with pytest.raises(ValidationError) as refused:
        book(store, setup, request)
    assert message in refused.value.field_errors[field]
    assert counts(store) == before


def test_inactive_motive_is_refused(store, actors):
    setup = make_agenda(store, actors)
    with store.unit(setup.admin) as unit:
        motive_id = agenda_setup.save_motive(unit, MotiveInput(
            code="CV", label="Carte Vitale", default_minutes=15,
            kinds=[AppointmentKind.PHYSICAL], active_to=date(2026, 3, 13)))
    with pytest.raises(ValidationError) as refused:
        book(store, setup, setup.request(setup.at(MONDAY, 9), motive_id=motive_id))
    assert refused.value.field_errors["motive_id"] == (
        "Le motif « Carte Vitale » n'est pas proposé le 16/03/2026.")


def test_a_taken_slot_is_refused_by_the_service(store, actors):
    setup = make_agenda(store, actors)
    book(store, setup, setup.request(setup.at(MONDAY, 9)))
    with pytest.raises(ConflictError) as refused:
        book(store, setup, setup.request(setup.at(MONDAY, 9, 15), kind=AppointmentKind.PHONE))
    assert str(refused.value).startswith("Ce créneau vient d'être pris : Camille Conseiller01")
    assert counts(store) == (1, 1)


def test_the_database_itself_refuses_an_overlap(store, actors, monkeypatch):
    """Even when the service's own check is bypassed, the engine refuses the second row."""
    setup = make_agenda(store, actors)
    book(store, setup, setup.request(setup.at(MONDAY, 9)))
    monkeypatch.setattr(booking, "check_slot", lambda *args, **kwargs: None)
    with pytest.raises(ConflictError) as refused:
        book(store, setup, setup.request(setup.at(MONDAY, 9, 10)))
    assert "Ce créneau vient d'être pris" in str(refused.value)
    assert counts(store) == (1, 1)


@pytest.mark.postgres
def test_two_sessions_booking_the_same_slot_at_the_same_instant(store, actors, monkeypatch):
    if store.is_sqlite:
        pytest.skip("SQLite serialises writers; the race is a server's")
    setup = make_agenda(store, actors)
    barrier = threading.Barrier(2, timeout=10)
    checked = booking.check_slot

    def check_then_wait(*args, **kwargs):
        checked(*args, **kwargs)
        barrier.wait()  # both sessions have seen the slot free before either writes

    monkeypatch.setattr(booking, "check_slot", check_then_wait)
    outcomes: list[object] = []

    def attempt(minute: int):
        try:
            outcomes.append(book(store, setup, setup.request(setup.at(MONDAY, 9, minute))))
        except ConflictError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=attempt, args=(m,)) for m in (0, 15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert "Ce créneau vient d'être pris" in str(refused[0])
    assert counts(store) == (1, 1)


def test_move_keeps_the_calendar_uid_and_links_the_original(store, actors):
    setup = make_agenda(store, actors)
    first = book(store, setup, setup.request(setup.at(MONDAY, 9)))
    with store.unit(setup.adviser) as unit:
        # A quarter of an hour later: overlaps its own old time, which it releases.
        moved = booking.reschedule_appointment(unit, first, 1,
                                               setup.at(MONDAY, 9, 15), now=NOW)
    with store.unit(setup.adviser) as unit:
        old, new = unit.session.get(Appointment, first), unit.session.get(Appointment, moved)
        detail = appointments.get_appointment(unit, first)
    assert old.status is AppointmentStatus.RESCHEDULED and detail.rescheduled_to_id == moved
    assert new.rescheduled_from_id == first and new.ical_uid == old.ical_uid
    assert new.ical_sequence == old.ical_sequence == 1
    with pytest.raises(ConflictError), store.session() as session:
        booking.reschedule_appointment(Unit(session, setup.adviser), first, 1,
                                       setup.at(MONDAY, 10), now=NOW)


def test_cancel_needs_a_reason_and_frees_the_slot(store, actors):
    setup = make_agenda(store, actors)
    first = book(store, setup, setup.request(setup.at(MONDAY, 9)))
    with pytest.raises(ValidationError) as refused, store.session() as session:
        booking.cancel_appointment(Unit(session, setup.adviser), first, 1, CancelledBy.PERSON, "  ")
    assert refused.value.field_errors == {"reason": "Indiquez le motif de l'annulation."}
    with store.unit(setup.adviser) as unit:
        booking.cancel_appointment(unit, first, 1, CancelledBy.PERSON,
                                   "Empêchement")
    second = book(store, setup, setup.request(setup.at(MONDAY, 9)))
    with store.session() as session:
        cancelled = session.get(Appointment, first)
        assert cancelled.ical_sequence == 1 and cancelled.version == 2
        assert session.get(Appointment, second).status is AppointmentStatus.BOOKED


def test_outcomes_only_for_past_appointments_and_the_to_fill_list(store, actors):
    setup = make_agenda(store, actors)
    first = book(store, setup, setup.request(setup.at(MONDAY, 9)))
    second = book(store, setup, setup.request(setup.at(MONDAY, 10)))
    with pytest.raises(ValidationError) as refused, store.session() as session:
        booking.record_outcome(Unit(session, setup.adviser), first, 1, AppointmentStatus.HONOURED,
                               now=NOW)
    assert "une fois son heure passée" in str(refused.value)
    later = setup.at(MONDAY, 18)
    with store.unit(setup.adviser) as unit:
        to_fill = appointments.appointments_to_fill(unit, setup.adviser.id,
                                               now=later)
        assert [r.id for r in to_fill] == [first, second]
        booking.record_outcome(unit, first, 1, AppointmentStatus.NO_SHOW,
                               now=later)
    with store.session() as session:
        assert [r.id for r in appointments.appointments_to_fill(
            Unit(session, setup.adviser), setup.adviser.id, now=later)] == [second]
        assert session.get(Appointment, first).status is AppointmentStatus.NO_SHOW


def test_week_bounds_span_the_local_week_across_the_change():
    starts, ends = appointments.week_bounds(date(2026, 3, 23), "Europe/Paris")
    assert ends - starts == timedelta(days=7) - timedelta(hours=1)


def test_an_invitation_is_organised_by_the_sites_address(store, actors):
    setup = make_agenda(store, actors)
    appointment_id = book(store, setup, setup.request(setup.at(MONDAY, 9)))
    bare = book(store, setup,
                setup.request(setup.at(MONDAY, 10), person_id=setup.bare_person_id))
    with store.unit(setup.adviser) as unit:
        invitation = appointments.invitation(unit, appointment_id)
        with pytest.raises(ValidationError) as no_person_email:
            appointments.invitation(unit, bare)
    assert (invitation.organizer_name, invitation.organizer_email) == (
        "Agence de Grenoble", "accueil.test@cpam-isere.exemple.fr")
    assert invitation.attendee_email == "marie.dupont@exemple.fr"
    assert "MARTIN Luc n'a pas d'adresse e-mail" in no_person_email.value.field_errors["email"]
    with store.unit(setup.admin) as unit:
        site = sites.get_site(unit, setup.site_id)
        sites.save_site(unit, replace(site.data, email=""), setup.site_id,
                        site.version)
    with pytest.raises(ValidationError) as no_site_email, store.session() as session:
        appointments.invitation(Unit(session, setup.adviser), appointment_id)
    assert no_site_email.value.field_errors["email"].startswith(
        "Le lieu « Agence de Grenoble » n'a pas d'adresse e-mail")
