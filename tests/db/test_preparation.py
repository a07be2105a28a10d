"""Preparation tasks: created with physical appointments, due working days before, following
moves and cancellations; calls and outcomes; the conclusive rate; who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.agenda import booking, slots
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, CancelledBy
from db.errors import PermissionDenied, ValidationError
from db.org.access import Actor
from db.org.models import Staff
from db.preparation import rates as preparation_rates
from db.preparation import settings as preparation_settings
from db.preparation import tasks
from db.preparation.models import PreparationOutcome, PreparationStatus, PreparationTask
from db.preparation.rates import RateGroup
from db.preparation.tasks import CallInput, TaskFilter, TaskState
from db.roles import Role
from db.unit import Unit
from tests.db.agenda_setup import make_agenda

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 16)


@pytest.fixture
def setup(store, actors):
    return make_agenda(store, actors)


def book(store, setup, starts_at, **changes):
    with store.unit(setup.adviser) as unit:
        return booking.book_appointment(unit,
                                        setup.request(starts_at, **changes), now=NOW)


def task_of(store, appointment_id) -> PreparationTask | None:
    with store.session() as session:
        task = session.query(PreparationTask).filter_by(appointment_id=appointment_id).first()
        if task is not None:
            session.expunge(task)
        return task


def call(store, actor, task, reached=False, outcome=None, note="", now=NOW):
    with store.unit(actor) as unit:
        version = unit.session.get(PreparationTask, task.id).version
        return tasks.record_call(unit, task.id, version,
                                       CallInput(reached, outcome, note), now=now)


# -- tasks follow the agenda ------------------------------------------------------------------

def test_a_physical_appointment_gets_a_task_due_two_working_days_before(store, setup):
    appointment_id = book(store, setup, setup.at(MONDAY, 9))
    task = task_of(store, appointment_id)
    # Monday's visit: Thursday before (the weekend does not count).
    assert (task.status, task.due_on, task.appointment_day) == (
        PreparationStatus.OPEN, date(2026, 3, 12), MONDAY)


def test_other_kinds_need_no_preparation(store, setup):
    assert task_of(store, book(store, setup, setup.at(MONDAY, 9),
                               kind=AppointmentKind.PHONE)) is None


@pytest.mark.parametrize("department, due", [
    ("38", date(2026, 4, 2)),  # Easter Monday skipped
    ("67", date(2026, 4, 1)),  # and Good Friday too in Alsace
])
def test_public_holidays_of_the_sites_department_are_skipped(store, actors, department, due):
    setup = make_agenda(store, actors, department=department)
    assert task_of(store, book(store, setup, setup.at(date(2026, 4, 7), 9))).due_on == due


def test_a_moved_appointment_takes_its_task_along(store, setup):
    first = book(store, setup, setup.at(MONDAY, 9))
    task = task_of(store, first)
    with store.unit(setup.adviser) as unit:
        moved = booking.reschedule_appointment(unit, first, 1,
                                               setup.at(date(2026, 3, 24), 10), now=NOW)
    followed = task_of(store, moved)
    assert followed.id == task.id
    assert (followed.appointment_day, followed.due_on) == (date(2026, 3, 24),
                                                           date(2026, 3, 20))


def test_a_visit_moved_to_the_phone_or_cancelled_calls_the_task_off(store, setup):
    first = book(store, setup, setup.at(MONDAY, 9))
    second = book(store, setup, setup.at(MONDAY, 10))
    with store.unit(setup.adviser) as unit:
        booking.reschedule_appointment(unit, first, 1,
                                       setup.at(MONDAY, 14), kind=AppointmentKind.PHONE,
                                       now=NOW)
        booking.cancel_appointment(unit, second, 1, CancelledBy.PERSON,
                                   "Empêchement")
    assert task_of(store, first).status is PreparationStatus.CANCELLED
    assert task_of(store, second).status is PreparationStatus.CANCELLED


# -- calls and outcomes -----------------------------------------------------------------------

def test_conclusive_cancels_the_visit_and_frees_its_slot(store, setup):
    starts_at = setup.at(MONDAY, 9)
    appointment_id = book(store, setup, starts_at)
    task = task_of(store, appointment_id)

    def offered() -> bool:
        with store.session() as session:
            return any(s.starts_at == starts_at for s in slots.free_slots(
                Unit(session, setup.adviser), setup.motive_id, AppointmentKind.PHYSICAL,
                [setup.site_id], MONDAY, MONDAY, now=NOW))

    assert not offered()
    result = call(store, setup.adviser, task, reached=True,
                  outcome=PreparationOutcome.CONCLUSIVE,
                  note="Attestation de salaire reçue par e-mail, dossier complet.")
    assert (result.status, result.outcome) == (PreparationStatus.DONE,
                                               PreparationOutcome.CONCLUSIVE)
    with store.session() as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment.status is AppointmentStatus.RESOLVED_AT_PREPARATION
    assert offered()
    # The ready text: the person, the visit called off in the site's time, what was settled.
    assert result.message.startswith("Bonjour Madame Dupont,")
    assert "lundi 16/03/2026 à 09:00" in result.message
    assert "n'avez pas besoin de vous déplacer" in result.message
    assert "Attestation de salaire reçue par e-mail" in result.message


def test_maintained_keeps_the_visit_with_the_documents_to_bring(store, setup):
    appointment_id = book(store, setup, setup.at(MONDAY, 9))
    result = call(store, setup.adviser, task_of(store, appointment_id), reached=True,
                  outcome=PreparationOutcome.MAINTAINED)
    assert result.outcome is PreparationOutcome.MAINTAINED
    assert "- Attestation de salaire\n- Arrêt de travail" in result.message
    with store.session() as session:
        assert session.get(Appointment, appointment_id).status is AppointmentStatus.BOOKED


def test_unreachable_after_the_last_attempt_keeps_the_visit(store, setup):
    appointment_id = book(store, setup, setup.at(MONDAY, 9))
    task = task_of(store, appointment_id)
    first = call(store, setup.adviser, task, note="Messagerie")
    second = call(store, setup.adviser, task, now=NOW + timedelta(days=1))
    assert (first.status, first.attempts_left) == (PreparationStatus.OPEN, 2)
    assert (second.status, second.attempts_left) == (PreparationStatus.OPEN, 1)
    last = call(store, setup.adviser, task, now=NOW + timedelta(days=2))
    assert (last.status, last.outcome) == (PreparationStatus.DONE,
                                           PreparationOutcome.UNREACHABLE)
    with store.unit(setup.adviser) as unit:
        assert unit.session.get(Appointment, appointment_id).status is AppointmentStatus.BOOKED
        record = tasks.open_task(unit, task.id, now=NOW)
    assert [a.reached for a in record.attempts] == [False, False, False]
    assert record.attempts[0].note == "Messagerie"
    assert not record.can_record
    assert "est confirmé" in record.message


@pytest.mark.parametrize("reached, outcome, note, field", [
    (True, None, "", "outcome"),
    (False, PreparationOutcome.MAINTAINED, "", "outcome"),
    (True, PreparationOutcome.CONCLUSIVE, "  ", "note"),
])
def test_inconsistent_calls_are_refused(store, setup, reached, outcome, note, field):
    task = task_of(store, book(store, setup, setup.at(MONDAY, 9)))
    with pytest.raises(ValidationError) as refused:
        call(store, setup.adviser, task, reached=reached, outcome=outcome, note=note)
    assert field in refused.value.field_errors
    assert task_of(store, task.appointment_id).attempts == 0


def test_a_finished_preparation_takes_no_more_calls(store, setup):
    task = task_of(store, book(store, setup, setup.at(MONDAY, 9)))
    call(store, setup.adviser, task, reached=True, outcome=PreparationOutcome.MAINTAINED)
    with pytest.raises(ValidationError, match="déjà terminée"):
        call(store, setup.adviser, task)


def test_the_list_is_by_due_day_and_says_who_is_late(store, setup):
    later = book(store, setup, setup.at(date(2026, 3, 23), 9))
    sooner = book(store, setup, setup.at(MONDAY, 9))
    book(store, setup, setup.at(MONDAY, 11), kind=AppointmentKind.PHONE)
    on_friday = datetime(2026, 3, 13, 9, tzinfo=UTC)
    with store.unit(setup.adviser) as unit:
        found = tasks.find_tasks(unit, TaskFilter(), now=on_friday)
        rows = tasks.task_rows(unit, found, now=on_friday)
    by_id = {r.id: r for r in rows}
    assert [by_id[i].appointment_id for i in found] == [sooner, later]
    assert by_id[found[0]].overdue and by_id[found[0]].state_text == "En retard de 1 jour"
    assert by_id[found[1]].state_text == "À appeler d'ici le 19/03/2026"
    assert by_id[found[0]].phone == "06\u00a012\u00a034\u00a056\u00a078"


# -- who may do what --------------------------------------------------------------------------

def other_adviser(store, setup) -> Actor:
    with store.session() as session:
        staff = Staff(login="conseiller02", first_name="Léa", last_name="Bérard",
                      role=Role.ADVISER, site_id=setup.site_id)
        session.add(staff)
        session.flush()
        return Actor(staff.id, staff.login, staff.display_name, staff.role, setup.site_id)


def test_an_adviser_sees_their_own_tasks_and_a_manager_everyones(store, setup, actors):
    task = task_of(store, book(store, setup, setup.at(MONDAY, 9)))
    colleague = other_adviser(store, setup)
    with store.session() as session:
        assert tasks.find_tasks(Unit(session, colleague), TaskFilter(), now=NOW) == []
        # Even asking for someone else's tasks by adviser gives only one's own.
        assert tasks.find_tasks(Unit(session, colleague), TaskFilter(
            adviser_id=setup.adviser.id), now=NOW) == []
        assert tasks.find_tasks(Unit(session, actors[Role.MANAGER]), TaskFilter(
            site_id=setup.site_id), now=NOW) == [task.id]
        with pytest.raises(PermissionDenied):
            tasks.open_task(Unit(session, colleague), task.id, now=NOW)
        with pytest.raises(PermissionDenied):
            tasks.find_tasks(Unit(session, actors[Role.PARTNER]), TaskFilter())
        with pytest.raises(PermissionDenied):
            tasks.find_tasks(Unit(session, actors[Role.MEDIATOR]), TaskFilter())
    with pytest.raises(PermissionDenied):
        call(store, colleague, task)
    # A manager may prepare in an absent adviser's place.
    assert call(store, actors[Role.MANAGER], task).attempts_left == 2


def test_an_administrator_changes_the_delays_and_open_tasks_follow(store, setup, actors):
    appointment_id = book(store, setup, setup.at(MONDAY, 9))
    with store.session() as session:
        version = preparation_settings.settings(Unit(session, None)).version
        with pytest.raises(PermissionDenied):
            preparation_settings.update_settings(Unit(session, actors[Role.MANAGER]), version,
                                        lead_working_days=3, max_attempts=2)
        with pytest.raises(ValidationError):
            preparation_settings.update_settings(Unit(session, setup.admin), version,
                                        lead_working_days=0, max_attempts=2)
    with store.unit(setup.admin) as unit:
        preparation_settings.update_settings(unit, version, lead_working_days=3,
                                    max_attempts=2)
    assert task_of(store, appointment_id).due_on == date(2026, 3, 11)
    task = task_of(store, appointment_id)
    call(store, setup.adviser, task)
    assert call(store, setup.adviser, task).outcome is PreparationOutcome.UNREACHABLE


# -- the conclusive rate ----------------------------------------------------------------------

def test_conclusive_rate_per_adviser_and_site_and_month(store, setup, actors):
    outcomes = [PreparationOutcome.CONCLUSIVE, PreparationOutcome.MAINTAINED,
                PreparationOutcome.MAINTAINED, PreparationOutcome.MAINTAINED]
    for hour, outcome in zip((9, 10, 11, 14), outcomes, strict=True):
        task = task_of(store, book(store, setup, setup.at(MONDAY, hour)))
        call(store, setup.adviser, task, reached=True, outcome=outcome, note="Réglé.")
    april = task_of(store, book(store, setup, setup.at(date(2026, 4, 14), 9)))
    call(store, setup.adviser, april, reached=True, outcome=PreparationOutcome.CONCLUSIVE,
         note="Réglé.")
    book(store, setup, setup.at(MONDAY, 15))  # not prepared: not counted
    with store.unit(actors[Role.MANAGER]) as unit:
        by_adviser = preparation_rates.conclusive_rates(unit,
                                                  date(2026, 3, 1), date(2026, 4, 1))
        by_site = preparation_rates.conclusive_rates(unit,
                                               date(2026, 3, 1), date(2026, 3, 1),
                                               RateGroup.SITE)
        colleague = other_adviser(store, setup)
    assert [(r.month, r.label, r.prepared, r.conclusive, r.rate_text) for r in by_adviser] == [
        (date(2026, 3, 1), setup.adviser.display_name, 4, 1, "25\u00a0%"),
        (date(2026, 4, 1), setup.adviser.display_name, 1, 1, "100\u00a0%"),
    ]
    assert [(r.label, r.prepared, r.conclusive) for r in by_site] == [
        ("Agence de Grenoble", 4, 1)]
    with store.session() as session:
        # An adviser sees their own figures only; the dashboard's mediator sees everyone's.
        assert preparation_rates.conclusive_rates(Unit(session, colleague), date(2026, 3, 1),
                                            date(2026, 4, 1)) == []
        assert len(preparation_rates.conclusive_rates(Unit(session, actors[Role.MEDIATOR]),
                                                date(2026, 3, 1), date(2026, 4, 1))) == 2
        with pytest.raises(PermissionDenied):
            preparation_rates.conclusive_rates(Unit(session, actors[Role.PARTNER]), date(2026, 3,
                                                                                         1),
                                         date(2026, 4, 1))


# -- the 360° view ----------------------------------------------------------------------------

def test_the_form_shows_the_persons_file(store, setup):
    past = book(store, setup, setup.at(date(2026, 3, 2), 9), kind=AppointmentKind.PHONE)
    task = task_of(store, book(store, setup, setup.at(MONDAY, 9)))
    later = datetime(2026, 3, 10, 12, tzinfo=UTC)
    with store.unit(setup.adviser) as unit:
        booking.record_outcome(unit, past, 1, AppointmentStatus.HONOURED,
                               now=later)
        record = tasks.open_task(unit, task.id, now=later)
    assert record.appointment.documents == ("Attestation de salaire", "Arrêt de travail")
    assert [(r.id, r.status) for r in record.past_appointments] == [
        (past, AppointmentStatus.HONOURED)]
    assert record.open_pathways == ()
    assert record.has_mediation_case is False
    assert record.can_record and record.attempts_left == 3
    assert record.message == ""


def test_tasks_of_the_past_are_not_to_prepare(store, setup):
    task = task_of(store, book(store, setup, setup.at(MONDAY, 9)))
    after = datetime(2026, 3, 17, 9, tzinfo=UTC)
    with store.unit(setup.adviser) as unit:
        assert tasks.find_tasks(unit, TaskFilter(), now=after) == []
    with pytest.raises(ValidationError, match="plus à venir"):
        call(store, setup.adviser, task, now=after)
    with store.unit(setup.adviser) as unit:
        assert tasks.find_tasks(unit,
                                      TaskFilter(TaskState.PREPARED), now=after) == []
