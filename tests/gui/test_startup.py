"""Starting Guichet: refusals leave the file untouched, first start fills a local file with
demo data, and GUICHET_LOGIN / GUICHET_QUIT_WHEN_READY drive a start without anyone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMessageBox
from sqlalchemy.engine import make_url

from db.demo import generate as demo_generate
from db.people.models import Person
from db.roles import Role
from db.store import Store
from desktop import app as app_module
from desktop import errors, operations
from desktop.app import EXIT_OK, EXIT_REFUSED, needs_password, run_gui
from desktop.settings import Settings
from tests.gui.test_people import add_person


@pytest.fixture(autouse=True)
def isolated(monkeypatch, qapp):
    """run_gui installs its excepthook: an error would open a modal dialog and wait. Record
    it instead, and fail."""
    unexpected: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(errors.ErrorDialog, "exec", lambda dialog: unexpected.append(
        dialog.report))
    for name in ("GUICHET_DB", "GUICHET_LOGIN", "GUICHET_QUIT_WHEN_READY"):
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


def test_an_unknown_login_is_refused_in_french(sqlite_store, gui_actors, monkeypatch,
                                               unattended, capsys):
    monkeypatch.setenv("GUICHET_LOGIN", "inconnu")
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_REFUSED
    assert "Le compte « inconnu » n'existe pas" in capsys.readouterr().err


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
    painted(startup, ctx)  # queues the warm-up
    page = startup.window.page("people")
    page.search.searched.connect(lambda text, count: (seen.update(found=count, text=text),
                                                      startup.quit(app.EXIT_OK)))
    page.search_field.setText("lefèvre")
    page.search_field.flush()


app.Startup._painted = search_at_once
code = app.run_gui(sys.argv[1])
print(code, seen["orm at first paint"], seen.get("text"), seen.get("found"),
      "sqlalchemy.orm" in sys.modules)
"""


def test_the_first_screen_needs_no_orm_and_a_search_right_away_works(
        sqlite_store, gui_actors, monkeypatch):
    """The main window is painted, signed in, on the people page before the ORM is imported
    (cold-start budget); a search typed at that very moment waits for the warm-up and
    finds its people."""
    add_person(sqlite_store, gui_actors[Role.ADVISER])  # Éloïse Lefèvre
    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_SCREEN_SCRIPT, str(sqlite_store.sqlite_path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "lefèvre", "1", "True"]


def test_the_picker_is_shown_without_guichet_login(qtbot, sqlite_store, gui_actors,
                                                   monkeypatch):
    """Without GUICHET_LOGIN the picker opens; choosing an account opens the main window."""
    seen = {}

    def sign_in_first_account(dialog):
        qtbot.waitUntil(dialog.sign_in_button.isEnabled)
        seen["dialog"] = dialog.windowTitle()
        dialog.sign_in()

    original_open = app_module.Startup.open_main_window

    def open_and_quit(self, actor):
        original_open(self, actor)
        seen["window"] = self.window.windowTitle()
        self.quit(EXIT_OK)

    from desktop.login import LoginDialog

    monkeypatch.setattr(LoginDialog, "open", sign_in_first_account)
    monkeypatch.setattr(app_module.Startup, "open_main_window", open_and_quit)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert seen == {"dialog": "Guichet — Qui êtes-vous ?", "window": "Guichet"}


def test_a_server_without_password_asks_for_one(monkeypatch, tmp_path):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "absent"))
    assert needs_password(make_url("postgresql+psycopg://agent@srv/guichet"))
    assert not needs_password(make_url("postgresql+psycopg://agent:pw@srv/guichet"))
    assert not needs_password(make_url("sqlite:///x.sqlite3"))
    monkeypatch.setenv("PGPASSWORD", "pw")
    assert not needs_password(make_url("postgresql+psycopg://agent@srv/guichet"))


def test_switching_user_closes_the_window_and_shows_the_picker(sqlite_store, gui_actors,
                                                               monkeypatch):
    from desktop.login import LoginDialog

    monkeypatch.setenv("GUICHET_LOGIN", "conseiller01")
    events = []
    original_open = app_module.Startup.open_main_window

    def open_then_switch(self, actor):
        original_open(self, actor)
        events.append(("fenêtre", actor.login))
        QTimer.singleShot(0, self.window.switch_user_requested.emit)

    def picker_then_quit(dialog):
        events.append(("sélecteur", dialog.windowTitle()))
        QTimer.singleShot(0, dialog.reject)  # « Quitter »

    monkeypatch.setattr(app_module.Startup, "open_main_window", open_then_switch)
    monkeypatch.setattr(LoginDialog, "open", picker_then_quit)
    assert run_gui(str(sqlite_store.sqlite_path)) == EXIT_OK
    assert events == [("fenêtre", "conseiller01"), ("sélecteur", "Guichet — Qui êtes-vous ?")]


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
