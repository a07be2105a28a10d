"""Background operations: work off the GUI thread, results and refusals back on it."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from db.agenda import booking
from db.errors import ValidationError
from db.people import records as people_records
from db.people import search as people_search
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.roles import Role
from desktop import operations as ops


def test_query_runs_on_the_worker_and_answers_on_the_gui_thread(qtbot, make_context):
    ctx = make_context(Role.ADVISER)
    threads: dict[str, threading.Thread] = {}
    answers = []

    def work(unit):
        threads["work"] = threading.current_thread()
        return people_search.search_people(unit, "personne")

    def success(result):
        threads["success"] = threading.current_thread()
        answers.append(result)

    ops.query(ctx, work).on_success(success).run()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers == [[]]
    assert threads["work"] is not threading.main_thread()
    assert threads["success"] is threading.main_thread()


def test_a_write_announces_what_changed(qtbot, make_context):
    ctx = make_context(Role.ADVISER)
    data = PersonInput(kind=PersonKind.EMPLOYER, organisation_name="Scierie Mégevand",
                       siret="73282932000074")
    with qtbot.waitSignal(ctx.changes, timeout=5000) as changed:
        ops.write(ctx, lambda unit: people_records.create_person(unit, data)).run()
    assert changed.args == [{"person"}]


def test_a_refusal_reaches_the_failure_handler_and_nothing_is_announced(qtbot, make_context):
    ctx = make_context(Role.ADVISER)
    failures, announced = [], []
    ctx.changes.connect(announced.append)
    data = PersonInput(kind=PersonKind.BENEFICIARY, last_name="Sans", first_name="Nir")
    ops.write(ctx, lambda unit: people_records.create_person(unit, data)) \
        .on_failure(failures.append).run()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], ValidationError)
    assert failures[0].field_errors["nir"] == "Le NIR est obligatoire."
    assert announced == []


def test_progress_reported_by_the_work_moves_the_dialog(qtbot, make_context):
    ctx = make_context(Role.ADVISER)
    release, done = threading.Event(), []

    def long_work(_session):
        ops.report_progress(2, 3, "Personnes…")
        release.wait(5)
        return "fini"

    def progress_dialog() -> QProgressDialog | None:
        found = [w for w in QApplication.allWidgets() if isinstance(w, QProgressDialog)]
        return found[0] if found else None

    ops.query(ctx, long_work).with_progress("Traitement…").on_success(done.append).run()
    qtbot.waitUntil(lambda: progress_dialog() is not None
                    and progress_dialog().value() == 2, timeout=5000)
    dialog = progress_dialog()
    assert (dialog.maximum(), dialog.labelText()) == (3, "Personnes…")
    release.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == ["fini"]
    assert not dialog.isVisible()


def test_quick_work_builds_no_progress_dialog(qtbot, make_context):
    """The dialog waits for slow work: a quick save (or the start-up's database check) never
    pays for building one."""
    ctx = make_context(Role.ADVISER)
    done = []

    def progress_dialogs() -> int:
        return sum(isinstance(w, QProgressDialog) for w in QApplication.allWidgets())

    before = progress_dialogs()
    ops.query(ctx, lambda _session: "vite").with_progress("Traitement…") \
        .on_success(done.append).run()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    qtbot.wait(600)  # past the delay after which slow work shows its dialog
    assert progress_dialogs() == before


def test_a_screen_closed_meanwhile_never_hears_back(qtbot, make_context):
    ctx = make_context(Role.ADVISER)
    screen = QWidget()
    release, heard = threading.Event(), []

    def slow_work(_session):
        release.wait(5)
        return "résultat"

    ops.query(ctx, slow_work).on_success(heard.append).owned_by(screen).run()
    screen.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(screen), timeout=5000)
    release.set()
    qtbot.waitUntil(ctx.tasks.idle, timeout=5000)
    assert heard == []


def test_a_screens_own_method_makes_it_the_owner(qtbot, make_context):
    ctx = make_context(Role.ADVISER)
    heard = []

    class Screen(QWidget):
        def show_answer(self, answer):
            heard.append(answer)

    screen = Screen()
    release = threading.Event()
    ops.query(ctx, lambda _s: release.wait(5)).on_success(screen.show_answer).run()
    screen.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(screen), timeout=5000)
    release.set()
    qtbot.waitUntil(ctx.tasks.idle, timeout=5000)
    assert heard == []


def test_a_booking_tells_the_preparation_list_without_naming_it(qtbot, make_context,
                                                                gui_actors, sqlite_store):
    """The write knows what it touched: booking a visit creates its preparation task (an
    event of the agenda), and the screens hear of both although the view named neither."""
    from datetime import date, timedelta

    from tests.db.agenda_setup import make_agenda

    setup = make_agenda(sqlite_store, gui_actors)
    ctx = make_context(Role.ADVISER)
    day = date.today() + timedelta(days=7 - date.today().weekday() + 7)  # a Monday ahead
    request = setup.request(setup.at(day, 9))
    with qtbot.waitSignal(ctx.changes, timeout=5000) as changed:
        ops.write(ctx, lambda unit: booking.book_appointment(unit, request)).run()
    assert {"appointment", "preparation_task"} <= changed.args[0]
