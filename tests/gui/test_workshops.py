"""A workshop session's dialog: registering through the person search, the waiting list
moving up, attendance once it has begun, and cancelling the whole session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTime
from sqlalchemy import select

from db.agenda import setup as agenda_setup
from db.agenda import workshops
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, Channel
from db.agenda.setup import MotiveInput
from db.messages.models import MessageKind, MessageStatus
from db.people.models import MessageChannel
from db.roles import Role
from db.unit import Unit
from desktop.agenda.common import Prompts
from desktop.agenda.page import AgendaPage
from desktop.agenda.session_dialog import SessionDialog
from tests.db.agenda_setup import make_agenda
from tests.db.messages_setup import consent, messages
from tests.gui.test_agenda import WAIT, working_day
from tests.gui.test_people import type_text


@pytest.fixture
def setup(sqlite_store, gui_actors):
    return make_agenda(sqlite_store, gui_actors)


def plan(store, setup, starts_at: datetime, capacity: int):
    with store.unit(setup.admin) as unit:
        motive_id = agenda_setup.save_motive(unit, MotiveInput(
            code="ATL", label="Atelier flash ameli", default_minutes=30,
            kinds=[AppointmentKind.WORKSHOP]))
        return workshops.schedule_session(unit, motive_id, setup.site_id,
                                          setup.adviser.id, starts_at, capacity,
                                          now=starts_at - timedelta(days=7))


def session_row(store, setup, session_id):
    with store.session() as session:
        (row,) = [r for r in workshops.sessions_between(
            Unit(session, setup.admin), setup.site_id, datetime(2000, 1, 1, tzinfo=UTC),
            datetime(2100, 1, 1, tzinfo=UTC)) if r.id == session_id]
    return row


@pytest.fixture
def open_dialog(qtbot, make_context, setup, sqlite_store):
    def open_(session_id, role: Role = Role.ADVISER) -> SessionDialog:
        dialog = SessionDialog(make_context(role), session_row(sqlite_store, setup, session_id),
                               setup.time_zone)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
            dialog.show()
        return dialog

    return open_


def lines(dialog: SessionDialog) -> list[str]:
    return [dialog.people.item(row).text() for row in range(dialog.people.count())]


def register_through_search(qtbot, dialog: SessionDialog, name: str) -> None:
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    picker = dialog.picker
    with qtbot.waitSignal(picker.search.searched, timeout=WAIT):
        type_text(qtbot, picker.field, name)
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)  # into the results, first one selected
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        qtbot.keyClick(picker.table, Qt.Key.Key_Return)


def test_registering_then_the_waiting_list_moves_up(qtbot, setup, sqlite_store, open_dialog):
    day = working_day(datetime.now(UTC).date() + timedelta(days=7))
    session_id = plan(sqlite_store, setup, setup.at(day, 14), capacity=1)
    dialog = open_dialog(session_id)
    assert not dialog.cancel_session_button.isVisible()  # an adviser does not plan sessions
    register_through_search(qtbot, dialog, "dupont")
    register_through_search(qtbot, dialog, "martin")
    assert lines(dialog) == ["DUPONT Marie — Réservé", "MARTIN Luc — en attente n° 1"]
    assert "1 inscrit sur 1, 1 en attente" in dialog.summary.text()

    dialog.people.setCurrentRow(0)
    qtbot.mouseClick(dialog.unregister_button, Qt.MouseButton.LeftButton)
    field = dialog.form.field("reason")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=WAIT)
    assert field.error_text() == "Indiquez le motif de l'annulation."
    type_text(qtbot, dialog.reason, "Empêchement")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.unregister_button, Qt.MouseButton.LeftButton)
    assert lines(dialog) == ["MARTIN Luc — Réservé"]
    assert dialog.banner.text().startswith("Inscription annulée ; la place revient")


def test_attendance_once_the_session_has_begun(qtbot, setup, sqlite_store, open_dialog):
    day = working_day(datetime.now(UTC).date() - timedelta(days=3), step=-1)
    session_id = plan(sqlite_store, setup, setup.at(day, 14), capacity=4)
    with sqlite_store.unit(setup.adviser) as unit:
        for person_id in (setup.person_id, setup.bare_person_id):
            workshops.register(unit, session_id, person_id,
                               Channel.RECEPTION, now=setup.at(day, 9))
    dialog = open_dialog(session_id)
    assert dialog.attendance_button.isVisible() and not dialog.register_button.isEnabled()
    dialog.people.item(0).setCheckState(Qt.CheckState.Checked)  # DUPONT Marie came
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.attendance_button, Qt.MouseButton.LeftButton)
    assert lines(dialog) == ["DUPONT Marie — Honoré", "MARTIN Luc — Absent"]
    assert dialog.banner.text() == "Présence enregistrée."


def test_a_manager_cancels_the_whole_session_and_sees_whom_to_warn(
        qtbot, setup, sqlite_store, open_dialog, monkeypatch):
    day = working_day(datetime.now(UTC).date() + timedelta(days=7))
    session_id = plan(sqlite_store, setup, setup.at(day, 14), capacity=1)
    with sqlite_store.unit(setup.adviser) as unit:
        for person_id in (setup.person_id, setup.bare_person_id):
            workshops.register(unit, session_id, person_id,
                               Channel.RECEPTION)
    questions: list[str] = []
    monkeypatch.setattr(Prompts, "confirm", classmethod(
        lambda _cls, _parent, question: questions.append(question) or True))
    dialog = open_dialog(session_id, Role.MANAGER)
    assert dialog.cancel_session_button.isVisible()
    qtbot.mouseClick(dialog.cancel_session_button, Qt.MouseButton.LeftButton)
    field = dialog.form.field("reason")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=WAIT)
    assert field.error_text() == "Indiquez le motif de l'annulation de la session."

    type_text(qtbot, dialog.reason, "Animatrice en formation")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.cancel_session_button, Qt.MouseButton.LeftButton)
    assert questions[-1].endswith("Ses 2 inscrits et personnes en attente perdront leur place.")
    assert dialog.banner.text() == (
        "Session annulée. Prévenez ces personnes :\n"
        "• DUPONT Marie — 06\u00a012\u00a034\u00a056\u00a078 — marie.dupont@exemple.fr\n"
        "• MARTIN Luc (liste d'attente)")
    assert "Session annulée" in dialog.summary.text() and lines(dialog) == []
    assert not dialog.cancel_session_button.isVisible()
    assert not dialog.register_button.isEnabled()
    with sqlite_store.session() as session:
        (registration,) = session.scalars(select(Appointment)).all()
    assert registration.status is AppointmentStatus.CANCELLED
    assert registration.cancel_reason == "Animatrice en formation"


def test_a_manager_plans_a_session_from_the_agenda(qtbot, setup, sqlite_store, make_context):
    page = AgendaPage(make_context(Role.MANAGER))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.show()
    with sqlite_store.unit(setup.admin) as unit:
        agenda_setup.save_motive(unit, MotiveInput(
            code="ATN", label="Atelier numérique", default_minutes=120,
            kinds=[AppointmentKind.WORKSHOP]))
    qtbot.waitUntil(page.plan_button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    assert dialog.motive.currentText() == "Atelier numérique (120 min)"
    assert dialog.site.currentText() == "Agence de Grenoble"

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.form.field("host_id").error_text() == "Choisissez qui anime la session."
    dialog.host.set_value(setup.adviser.id)
    day = working_day(datetime.now(UTC).date() + timedelta(days=7))
    dialog.day.set_date(day)
    dialog.starts.setTime(QTime(11, 0))  # 11:00–13:00 runs into the lunch closure
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    field = dialog.form.field("starts_at")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=WAIT)
    assert "n'est pas ouvert le" in field.error_text()

    dialog.starts.setTime(QTime(14, 0))
    dialog.capacity.setValue(6)
    with qtbot.waitSignal(dialog.planned, timeout=WAIT) as planned:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    row = session_row(sqlite_store, setup, planned.args[0])
    assert (row.motive_label, row.capacity, row.host_id) == (
        "Atelier numérique", 6, setup.adviser.id)
    assert row.starts_at == setup.at(day, 14) and row.ends_at == setup.at(day, 16)


def test_an_adviser_has_no_planning_button(qtbot, setup, make_context):
    page = AgendaPage(make_context(Role.ADVISER))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.show()
    assert not page.plan_button.isVisible()


@pytest.mark.parametrize("told", [True, False])
def test_prevenir_la_personne_goes_with_a_registration_and_its_cancellation(
        qtbot, setup, sqlite_store, open_dialog, told):
    """Ticked, the registration queues its confirmation and the unregistration its
    cancellation; unticked, neither (the reminder before the session still goes)."""
    consent(sqlite_store, setup.adviser, setup.person_id, MessageChannel.EMAIL)
    day = working_day(datetime.now(UTC).date() + timedelta(days=7))
    session_id = plan(sqlite_store, setup, setup.at(day, 14), capacity=4)
    dialog = open_dialog(session_id)
    assert dialog.notify.isChecked()  # told unless the adviser unticks it
    dialog.notify.setChecked(told)
    register_through_search(qtbot, dialog, "dupont")
    assert lines(dialog) == ["DUPONT Marie — Réservé"]
    waiting = MessageStatus.PENDING
    assert [(m.kind, m.status) for m in messages(sqlite_store)] == (
        [(MessageKind.WORKSHOP, waiting)] if told else []) + [(MessageKind.REMINDER, waiting)]

    dialog.people.setCurrentRow(0)
    type_text(qtbot, dialog.reason, "Empêchement")
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        qtbot.mouseClick(dialog.unregister_button, Qt.MouseButton.LeftButton)
    after = [(m.kind, m.status) for m in messages(sqlite_store)]
    assert ((MessageKind.CANCELLATION, waiting) in after) is told
    assert (MessageKind.REMINDER, MessageStatus.WITHDRAWN) in after  # nothing to remind of
