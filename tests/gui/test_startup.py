"""Starting Guichet: refusals leave the file untouched, first start fills a local file with
demo data, and GUICHET_LOGIN / GUICHET_QUIT_WHEN_READY drive a start without anyone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from db.demo import generate as demo_generate
from db.org.accounts import REFUSED
from db.org.models import OfficeSettings
from db.org.passwords import DEMO_PASSWORD
from db.people.models import Person
from db.roles import Role
from db.store import Store
from desktop import app as app_module
from desktop import errors, operations
from desktop.app import EXIT_OK, EXIT_REFUSED, run_gui
from desktop.login import SignInDialog
from desktop.password_dialogs import ChangePasswordDialog, FirstAdminDialog
from desktop.settings import Settings
from tests.conftest import TEST_PASSWORD
from tests.db.accounts_setup import GOOD
from tests.gui.test_people import add_person


@pytest.fixture(autouse=True)
def isolated(monkeypatch, qapp):
    """run_gui installs its excepthook: an error would open a modal dialog and wait. Record
    it instead, and fail."""
    unexpected: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(errors.ErrorDialog, "exec", lambda dialog: unexpected.append(
        dialog.report))
    for name in ("GUICHET_DB", "GUICHET_LOGIN", "GUICHET_PASSWORD", "GUICHET_QUIT_WHEN_READY"):
        monkeypatch.delenv(name, raising=False)
    yield
    qapp.setQuitOnLastWindowClosed(True)
    qapp.processEvents()  # callbacks still queued belong to this test
    assert not unexpected, unexpected[0]


@pytest.fixture
def messages(monkeypatch):
    """Message boxes that would be shown, without blocking."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _parent, _title, text, *args: shown.append(text))
    return shown


@pytest.fixture
def unattended(monkeypatch):
    monkeypatch.setenv("GUICHET_QUIT_WHEN_READY", "1")
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    monkeypatch.setenv("GUICHET_PASSWORD", TEST_PASSWORD)


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path, messages):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Compte rendu de la reunion du 3 mars\n" * 50)
    before = path.read_bytes()
    assert run_gui(str(path)) == EXIT_REFUSED
    assert path.read_bytes() == before
    assert len(messages) == 1
    assert "n'est pas une base de données Guichet" in messages[0]


def test_another_applications_sqlite_file_is_refused_and_left_untouched(tmp_path, messages):
    path = tmp_path / "autre.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contacts (nom TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Hélène')")
    connection.close()
    before = path.read_bytes()
    assert run_gui(str(path)) == EXIT_REFUSED
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*avant-migration*"))
    assert "n'est pas une base de données Guichet" in messages[0]


def test_unattended_refusal_is_written_on_stderr(tmp_path, unattended, capsys):
    path = tmp_path / "texte.sqlite3"
    path.write_text("pas une base")
    assert run_gui(str(path)) == EXIT_REFUSED
    assert "n'est pas une base de données Guichet" in capsys.readouterr().err


def test_first_start_on_an_empty_local_file_generates_demo_data(tmp_path, monkeypatch,
                                                                  unattended):
    calls = []
    real_generate = demo_generate.generate

    def few_people(store, size, seed, progress):
        # The real generator, with fewer people than the small set so that the test is quick.
        calls.append((size, seed, progress))
        return real_generate(store, size=size, seed=seed, progress=progress, people_count=60)

    monkeypatch.setattr(demo_generate, "generate", few_people)
    monkeypatch.setenv("GUICHET_PASSWORD", DEMO_PASSWORD)  # every demo account's
    path = tmp_path / "data" / "guichet.sqlite3"  # its directory does not exist yet
    assert run_gui(str(path)) == EXIT_OK
    assert calls == [("small", 2026, operations.report_progress)]
    assert Settings().last_login == "conseiller01"
    store = Store(path)
    with store.session() as session:
        assert session.query(Person).count() == 60
    store.dispose()


def test_an_existing_database_gets_no_demo_data(sqlite_store, gui_actors, monkeypatch,
                                                unattended):
    def refuse(*_args, **_kwargs):
        raise AssertionError("no demo data on a database that has some")

    monkeypatch.setattr(demo_generate, "generate", refuse)
    monkeypatch.setenv("GUICHET_LOGIN", "mediateur01")
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert Settings().last_login == "mediateur01"


@pytest.mark.parametrize(("login", "password"), [("inconnu", TEST_PASSWORD),
                                                  ("conseiller01", "pas le bon")])
def test_an_unknown_login_or_a_wrong_password_is_refused_in_french(
        sqlite_store, gui_actors, monkeypatch, unattended, capsys, login, password):
    monkeypatch.setenv("GUICHET_LOGIN", login)
    monkeypatch.setenv("GUICHET_PASSWORD", password)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_REFUSED
    assert REFUSED in capsys.readouterr().err


def test_guichet_login_alone_is_refused(sqlite_store, gui_actors, monkeypatch, unattended,
                                        capsys):
    monkeypatch.delenv("GUICHET_PASSWORD")
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_REFUSED
    assert "GUICHET_PASSWORD" in capsys.readouterr().err


def test_ready_is_said_once_the_main_window_is_painted_and_idle(
        sqlite_store, gui_actors, monkeypatch, unattended, qapp, capsys):
    """The benchmark's « ready »: signed in, the people page shown and painted, nothing left
    on the worker thread — not merely show() called."""
    from desktop.main_window import MainWindow

    class PaintCounter(QObject):
        count = 0

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow):
                self.count += 1
            return False

    paints, at_ready = PaintCounter(), []
    original = app_module.Startup._painted

    def painted(startup, ctx):
        at_ready.append((startup.window.current_area(), startup.window.isVisible(),
                         ctx.actor.login, ctx.tasks.idle(), paints.count > 0))
        original(startup, ctx)

    monkeypatch.setattr(app_module.Startup, "_painted", painted)
    qapp.installEventFilter(paints)
    try:
        assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    finally:
        qapp.removeEventFilter(paints)
    assert capsys.readouterr().out == "ready\n"
    assert at_ready[-1] == ("people", True, "conseiller01", True, True)


# Run in a process of its own: the test process has long imported the ORM.
_FIRST_SCREEN_SCRIPT = """
import sys
from desktop import app

seen = {}
painted = app.Startup._painted


def search_at_once(startup, ctx):
    seen["orm at first paint"] = "sqlalchemy.orm" in sys.modules
    import PySide6.QtWidgets
    # What the first screen does not show, its cost left to the first that does: forms and
    # dialogs, and the Python class of QStyle (PySide makes it on first use, 566 values).
    seen["loaded too soon"] = sorted(
        {"widgets.form", "widgets.dirty", "widgets.dialog_layout", "widgets.banner",
         "desktop.login", "sqlalchemy.orm"} & set(sys.modules)
        | ({"QStyle"} & set(PySide6.QtWidgets.__dict__)))
    seen["style"] = PySide6.QtWidgets.QApplication.style().name()
    painted(startup, ctx)  # queues the warm-up
    page = startup.window.page("people")
    page.search.searched.connect(lambda text, count: (seen.update(found=count, text=text),
                                                      startup.quit(app.EXIT_OK)))
    page.search_field.setText("lefèvre")
    page.search_field.flush()


app.Startup._painted = search_at_once
code = app.run_gui(sys.argv[1])
print(code, seen["orm at first paint"], seen.get("text"), seen.get("found"),
      "sqlalchemy.orm" in sys.modules, seen["style"], ",".join(seen["loaded too soon"]) or "-")
"""


def test_the_first_screen_needs_no_orm_and_a_search_right_away_works(
        sqlite_store, gui_actors, monkeypatch):
    """The main window is painted, signed in, on the people page (in the Fusion style)
    before the ORM, the forms and the dialogs are imported (cold-start budget); a search
    typed at that very moment waits for the warm-up and finds its people."""
    add_person(sqlite_store, gui_actors[Role.ADVISER])  # Éloïse Lefèvre
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    monkeypatch.setenv("GUICHET_PASSWORD", TEST_PASSWORD)
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_SCREEN_SCRIPT, str(sqlite_store.sqlite_path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "lefèvre", "1", "True", "fusion", "-"]


@pytest.fixture
def opened(monkeypatch):
    """Who the main window opened for (then Guichet quits)."""
    seen: list[str] = []
    original_open = app_module.Startup.open_main_window

    def open_and_quit(self, store, actor):
        original_open(self, store, actor)
        seen.append(actor.login)
        self.quit(EXIT_OK)

    monkeypatch.setattr(app_module.Startup, "open_main_window", open_and_quit)
    return seen


def answer(monkeypatch, dialog_class, *answers):
    """Each time ``dialog_class`` opens, the next of ``answers(dialog)`` fills it in."""
    pending = list(answers)

    def fill(dialog):
        dialog.show()
        QTimer.singleShot(0, lambda: pending.pop(0)(dialog))

    monkeypatch.setattr(dialog_class, "open", fill)


def signing_in(login: str, password: str):
    def fill(dialog: SignInDialog) -> None:
        dialog.login_edit.setText(login)
        dialog.password_edit.setText(password)
        dialog.sign_in()

    return fill


def test_without_guichet_login_the_sign_in_dialog_opens_the_main_window(
        sqlite_store, gui_actors, monkeypatch, opened):
    shown = []

    def look_then_sign_in(dialog):
        shown.append((dialog.windowTitle(), dialog.demo_note.isVisibleTo(dialog)))
        signing_in("responsable01", TEST_PASSWORD)(dialog)

    answer(monkeypatch, SignInDialog, look_then_sign_in)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert shown == [("Guichet — connexion", False)] and opened == ["responsable01"]


def test_a_demo_database_shows_its_password_on_the_sign_in_dialog(
        sqlite_store, gui_actors, monkeypatch, opened):
    with sqlite_store.session() as session:
        session.query(OfficeSettings).one().demo = True
    notes = []

    def read_then_quit(dialog):
        notes.append(dialog.demo_note.text())
        dialog.reject()

    answer(monkeypatch, SignInDialog, read_then_quit)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert DEMO_PASSWORD in notes[0] and opened == []


def test_an_empty_database_asks_for_its_first_administrator(sqlite_store, monkeypatch,
                                                            opened):
    def create(dialog: FirstAdminDialog) -> None:
        for editor, value in ((dialog.login_edit, "lmartin"), (dialog.first_name_edit, "Luc"),
                              (dialog.last_name_edit, "Martin"), (dialog.password_edit, GOOD),
                              (dialog.confirm_edit, GOOD)):
            editor.setText(value)
        dialog.accept_button.click()

    answer(monkeypatch, FirstAdminDialog, create)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert opened == ["lmartin"]


def test_a_one_time_password_is_replaced_before_anything_opens(sqlite_store, gui_actors,
                                                               monkeypatch, opened):
    from db.org import account_admin

    with sqlite_store.unit(None) as unit:
        staff = next(a for a in account_admin.list_accounts(unit) if a.login == "mediateur01")
        one_time = account_admin.reset_password(unit, staff.id, staff.version)
    order = []

    def choose(dialog: ChangePasswordDialog) -> None:
        order.append("mot de passe")
        dialog.password_edit.setText(GOOD)
        dialog.confirm_edit.setText(GOOD)
        dialog.accept_button.click()

    answer(monkeypatch, SignInDialog, signing_in("mediateur01", one_time))
    answer(monkeypatch, ChangePasswordDialog, choose)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert order == ["mot de passe"] and opened == ["mediateur01"]
    from db.org import signin

    assert not signin.sign_in(sqlite_store, "mediateur01", GOOD)[1].must_change_password


def test_switching_user_closes_the_window_and_asks_who_signs_in(sqlite_store, gui_actors,
                                                                monkeypatch):
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    monkeypatch.setenv("GUICHET_PASSWORD", TEST_PASSWORD)
    events = []
    original_open = app_module.Startup.open_main_window

    def open_then_switch(self, store, actor):
        original_open(self, store, actor)
        events.append(("fenêtre", actor.login))
        QTimer.singleShot(0, self.window.switch_user_requested.emit)

    def asked_then_quit(dialog):
        events.append(("connexion", dialog.login_edit.text()))
        dialog.reject()  # « Quitter »

    monkeypatch.setattr(app_module.Startup, "open_main_window", open_then_switch)
    answer(monkeypatch, SignInDialog, asked_then_quit)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert events == [("fenêtre", "conseiller01"), ("connexion", "")]  # not the last one's


def test_a_connection_failure_is_explained_and_offers_the_settings(sqlite_store, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from db.store import Store

    def unreachable(_store):
        raise OperationalError("connect", {}, ConnectionRefusedError("refusé"))

    shown = []

    def answer_quit(box):
        shown.append((box.text(), [b.text() for b in box.buttons()]))
        return 0

    monkeypatch.setattr(Store, "schema_state", unreachable)
    monkeypatch.setattr(QMessageBox, "exec", answer_quit)
    assert run_gui(str(sqlite_store.sqlite_path)) == app_module.EXIT_FAILURE
    text, buttons = shown[0]
    assert text.startswith("Impossible d'ouvrir la base de données.")
    assert sorted(buttons) == ["&Quitter", "&Réglages…"]
