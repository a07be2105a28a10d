"""The retention purge on data of several ages, on both engines: exactly the rows past their
date go, nothing younger; the dashboard of the months it took rows from is unchanged; the
audit trail records the counts. The message queue goes after 3 months, the dashboard's
reminded appointments staying reminded."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.agenda import booking
from db.agenda.models import Appointment, AppointmentStatus
from db.callbacks.models import CallbackRequest
from db.dashboard import archive
from db.dashboard import figures as dashboard_figures
from db.errors import PermissionDenied, ValidationError
from db.journal import trail
from db.journal.trail import JournalFilter
from db.lifecycle import purge, retention
from db.mediation.models import MediationCase, MediationEvent
from db.messages.models import Message, MessageKind, MessageStatus
from db.pathways.models import PathwayEntry
from db.people.models import MessageChannel
from db.preparation.models import PreparationTask
from db.roles import Role
from db.unit import INCLUDE_DELETED, rows
from db.unit.audit import AuditEvent
from tests.db.agenda_setup import make_agenda
from tests.db.test_dashboard import october_activity, paris

# Tuesday 13 October 2028, noon in Paris: two years after the October 2026 activity.
PURGE_NOW = datetime(2028, 10, 13, 10, 0, tzinfo=UTC)
CUTOFF = datetime(2026, 10, 12, 22, 0, tzinfo=UTC)  # 13/10/2026 00:00 in Paris
# Older than the audit's duration on the database's own clock too (its trigger checks).
OLD_AUDIT = datetime(2020, 1, 5, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def set_retention(store, admin, **months) -> None:
    with store.unit(admin) as unit:
        record = retention.get_retention(unit)
        retention.save_retention(unit, retention.Retention(**{**record.data.__dict__, **months}),
                                 record.version)


def all_ids(store, model, *columns):
    with store.session() as session:
        return {row[0]: row[1:] for row in session.execute(
            select(model.id, *columns).execution_options(**{INCLUDE_DELETED: True}))}


def figures_of(store, actor, month, site_id=None) -> list[tuple[str, str, int]]:
    with store.unit(actor) as unit:
        board = dashboard_figures.dashboard(unit, month, site_id, now=PURGE_NOW)
    return [(section.key, figure.label, figure.count)
            for section in board.sections for figure in section.all_figures()]


def test_exactly_what_is_past_its_date_goes(store, actors):
    october = october_activity(store, actors)
    admin, manager = actors[Role.ADMIN], actors[Role.MANAGER]
    set_retention(store, admin, appointments_months=24, callbacks_months=24,
                  pathways_months=1, mediation_months=24, audit_months=24)
    with store.session() as session:
        session.execute(AuditEvent.__table__.insert(), [
            {"id": uuid.uuid4(), "occurred_at": OLD_AUDIT, "action": "test",
             "entity_type": "test", "entity_id": uuid.uuid4(), "details": {}}
            for _ in range(3)])
    appointments = all_ids(store, Appointment, Appointment.starts_at)
    callbacks = all_ids(store, CallbackRequest, CallbackRequest.outcome_at)
    entries = all_ids(store, PathwayEntry, PathwayEntry.outcome_at)
    cases = all_ids(store, MediationCase, MediationCase.closed_on)
    tasks = all_ids(store, PreparationTask, PreparationTask.appointment_id)
    months = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    before = {(m, s): figures_of(store, manager, m, s)
              for m in months for s in (None, october.site_id)}
    mediator_before = figures_of(store, actors[Role.MEDIATOR], date(2026, 10, 1))

    with store.unit(None) as unit:
        shown = purge.plan(unit, now=PURGE_NOW)
    old_appointments = {i for i, (at,) in appointments.items() if at < CUTOFF}
    assert len(old_appointments) == 4  # 30/09 and the three of 12/10
    expected = {"appointments": 4, "preparations": 3, "callbacks": 2, "pathways": 1,
                "cases": 1, "audit": 3, "messages": 0}
    assert {kind.key: kind.count for kind in shown.kinds} == expected
    assert appointments == all_ids(store, Appointment, Appointment.starts_at)  # plan: nothing

    with store.unit(None) as unit:
        done = purge.purge(unit, now=PURGE_NOW)
    assert {kind.key: kind.count for kind in done.kinds} == expected
    with store.session() as session:  # the months purged rows counted in, no later one
        assert archive.is_kept(session, date(2026, 9, 1), None)
        assert archive.is_kept(session, date(2026, 10, 1), october.site_id)
        assert not archive.is_kept(session, date(2026, 11, 1), None)
    assert done.kept_months == 2 * 3  # September, October: all sites, Grenoble, Voiron
    assert set(all_ids(store, Appointment)) == set(appointments) - old_appointments
    assert set(all_ids(store, PreparationTask)) == {
        i for i, (appointment_id,) in tasks.items() if appointment_id not in old_appointments}
    assert set(all_ids(store, CallbackRequest)) == {
        i for i, (closed,) in callbacks.items() if closed is None or closed >= CUTOFF}
    assert set(all_ids(store, PathwayEntry)) == {i for i, (at,) in entries.items() if at is None}
    assert set(all_ids(store, MediationCase)) == {
        i for i, (closed,) in cases.items() if closed is None or closed >= date(2026, 10, 13)}
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.occurred_at < CUTOFF)) == 0
        assert session.scalar(select(func.count()).select_from(MediationEvent)) > 0
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "purge"))
    assert event.actor_id is None and event.details["appointments"] == 4
    assert event.details["before"]["appointments"] == "2026-10-13"

    for (month, site), figures in before.items():
        assert figures_of(store, manager, month, site) == figures, (month, site)
    assert figures_of(store, actors[Role.MEDIATOR], date(2026, 10, 1)) == mediator_before

    with store.unit(None) as unit:  # once more: nothing left to go, nothing archived again
        again = purge.purge(unit, now=PURGE_NOW)
    assert again.total == 0


def test_mediation_files_are_never_purged_until_a_duration_is_set(store, actors):
    october_activity(store, actors)
    with store.unit(None) as unit:
        shown = purge.plan(unit, now=datetime(2040, 1, 1, tzinfo=UTC))
    cases = next(kind for kind in shown.kinds if kind.key == "cases")
    assert cases.count == 0 and cases.before is None and cases.rule.startswith("jamais")


def test_durations_are_checked_and_for_administrators(store, actors):
    with pytest.raises(ValidationError, match="de 1 à 240 mois"):
        set_retention(store, actors[Role.ADMIN], audit_months=0)
    with pytest.raises(PermissionDenied):
        set_retention(store, actors[Role.MANAGER], audit_months=6)
    with store.unit(actors[Role.MANAGER]) as unit, pytest.raises(PermissionDenied):
        purge.plan(unit)


def test_months_before():
    assert purge.months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert purge.months_before(date(2028, 1, 15), 24) == date(2026, 1, 15)
    assert purge.months_before(date(2028, 1, 15), 13) == date(2026, 12, 15)
    assert paris(1, 0).tzinfo is not None


def test_on_a_server_only_the_nightly_job_purges(store, actors):
    with store.unit(actors[Role.ADMIN]) as unit:
        purge.plan(unit)  # looking is allowed
        if store.is_sqlite:
            purge.purge(unit)
        else:
            with pytest.raises(PermissionDenied, match="tâche de nuit"):
                purge.purge(unit)


def queue(store, setup, appointment_id, kind: MessageKind, status: MessageStatus,
          scheduled_at: datetime) -> uuid.UUID:
    """A message as the queue holds it once its sending is over (or not)."""
    with store.unit(None) as unit:
        return rows.create(unit, Message(
            kind=kind, channel=MessageChannel.EMAIL, status=status,
            appointment_id=appointment_id, person_id=setup.person_id,
            recipient="marie.dupont@exemple.fr", scheduled_at=scheduled_at,
            due_on=scheduled_at.date(), next_attempt_at=scheduled_at,
            message_id=f"<{uuid.uuid4()}@test>",
            sent_at=scheduled_at if status is MessageStatus.SENT else None)).id


def test_the_message_queue_goes_after_three_months_and_reminders_still_count(store, actors):
    setup = make_agenda(store, actors)
    set_retention(store, actors[Role.ADMIN], audit_months=240)  # this test's events stay
    june = date(2028, 6, 1)

    def book(day: date, outcome: AppointmentStatus | None = None) -> uuid.UUID:
        with store.unit(setup.adviser) as unit:
            appointment_id = booking.book_appointment(
                unit, setup.request(setup.at(day, 10)), now=setup.at(day, 8) - DAY * 20)
            if outcome is not None:
                booking.record_outcome(unit, appointment_id, 1, outcome,
                                       now=setup.at(day, 18))
        return appointment_id

    reminded = book(date(2028, 6, 12), AppointmentStatus.HONOURED)
    missed = book(date(2028, 6, 13), AppointmentStatus.NO_SHOW)
    honoured = book(date(2028, 6, 14), AppointmentStatus.HONOURED)
    coming = book(date(2028, 10, 25))
    ancient = book(date(2026, 10, 12), AppointmentStatus.HONOURED)  # past its 2 years
    sent, failed, withdrawn, uncertain, waiting, young, of_ancient = (
        MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.WITHDRAWN,
        MessageStatus.UNCERTAIN, MessageStatus.PENDING, MessageStatus.SENT,
        MessageStatus.PENDING)
    going = {
        queue(store, setup, reminded, MessageKind.REMINDER, sent, setup.at(date(2028, 6, 8), 9)),
        queue(store, setup, missed, MessageKind.CONFIRMATION, failed, setup.at(june, 9)),
        queue(store, setup, honoured, MessageKind.REMINDER, withdrawn, setup.at(june, 9)),
        queue(store, setup, honoured, MessageKind.CONFIRMATION, uncertain, setup.at(june, 9)),
        # Whatever its state, a message goes with its appointment.
        queue(store, setup, ancient, MessageKind.REMINDER, of_ancient,
              setup.at(date(2026, 10, 8), 9)),
    }
    staying = {
        # Still waiting: not the queue's to forget (it goes with its appointment).
        queue(store, setup, missed, MessageKind.REMINDER, waiting, setup.at(june, 9)),
        # Sent on 13 July 2028 at 9:00, after midnight of the cut-off day: 3 months or less.
        queue(store, setup, coming, MessageKind.CONFIRMATION, young,
              setup.at(date(2028, 7, 13), 9)),
    }
    manager = actors[Role.MANAGER]
    before = figures_of(store, manager, june)
    assert ("appointments", "Absents", 1) in before

    with store.unit(None) as unit:
        shown = purge.plan(unit, now=PURGE_NOW)
    assert shown.count("messages") == len(going) == 5
    messages = next(kind for kind in shown.kinds if kind.key == "messages")
    assert messages.before == date(2028, 7, 13)
    assert messages.rule == "envoyés, en échec ou retirés\u00a0: plus de 3 mois après leur " \
        "date d'envoi"

    versions = all_ids(store, Appointment, Appointment.version, Appointment.reminded)
    with store.unit(None) as unit:
        done = purge.purge(unit, now=PURGE_NOW)
    assert done.count("messages") == 5 and done.count("appointments") == 1
    assert set(all_ids(store, Message)) == staying
    after = all_ids(store, Appointment, Appointment.version, Appointment.reminded)
    assert after[reminded] == (versions[reminded][0] + 1, True)
    assert {i: flag for i, (_v, flag) in after.items()} == {
        reminded: True, missed: False, honoured: False, coming: False}
    # June 2028 stays live, its figures as they were: the reminder sent still counts.
    with store.session() as session:
        assert not archive.is_kept(session, june, None)
    assert figures_of(store, manager, june) == before
    with store.unit(manager) as unit:
        board = dashboard_figures.dashboard(unit, june, now=PURGE_NOW)
    table = next(t for t in board.section("appointments").tables
                 if t.title == "Absences avec et sans rappel")
    assert [(label, [f.count for f in cells]) for label, cells in table.rows] == [
        ("Avec un rappel envoyé", [1, 0]), ("Sans rappel", [2, 1])]
    with store.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "purge"))
    assert event.details["messages"] == 5 and event.details["reminded_appointments"] == 1
    assert event.details["before"]["messages"] == "2028-07-13"
    with store.unit(actors[Role.ADMIN]) as unit:  # as the journal says it
        (line,) = [e for e in trail.read_page(unit, JournalFilter.last_days(
            datetime.now(UTC).date())).entries if e.action == "purge"]
    assert (line.action_label, line.entity_label) == ("Purge des données échues",
                                                     "Conservation des données")
    for said in ("Messages aux personnes\u00a0: 5", "Rendez-vous\u00a0: 1",
                 "Rendez-vous marqués comme rappelés\u00a0: 1",
                 "messages aux personnes 13/07/2028"):
        assert said in line.summary, line.summary

    with store.unit(None) as unit:  # once more: nothing left to go
        assert purge.purge(unit, now=PURGE_NOW).total == 0


def test_the_message_queue_s_duration_is_set_in_months(store, actors):
    set_retention(store, actors[Role.ADMIN], messages_months=6)
    with store.unit(None) as unit:
        assert retention.get_retention(unit).data.messages_months == 6
        shown = purge.plan(unit, now=PURGE_NOW)
    assert next(k for k in shown.kinds if k.key == "messages").before == date(2028, 4, 13)
    with pytest.raises(ValidationError, match="Messages aux personnes : une durée de 1 à 240"):
        set_retention(store, actors[Role.ADMIN], messages_months=0)
