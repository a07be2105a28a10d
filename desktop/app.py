"""Starting the GUI: the application, the database, who signs in, then the main window.

Each step that touches the database runs on the worker thread (desktop.operations) while the
event loop runs, so a slow server never freezes the screen. The first screen imports only what
it shows: Alembic only when the schema must change, the demo generator only on an empty file.

The first screen needs no ORM: the schema check and signing in are SQLAlchemy Core, the main
window and the people page import their services on first use. Right after the main window's
first paint the worker thread loads the ORM and the people service (warm-up), so the first
search does not wait for them; a search typed before that waits its turn behind it.

Environment (used by the benchmark and the tests, like libpq's PGPASSWORD):
  GUICHET_LOGIN=login        sign in with this account, without the sign-in dialog…
  GUICHET_PASSWORD=secret    …once its password is checked (GUICHET_LOGIN alone is refused)
  GUICHET_QUIT_WHEN_READY=1  once the main window is shown, painted and idle (before the
                             warm-up), print « ready » on stdout and quit with status 0
  GUICHET_REPLICA_PASSPHRASE the passphrase of an encrypted replica whose key is not in the
                             keyring (desktop.replica_keys), instead of asking it

An encrypted file (an offline laptop's replica) is opened with its key from the keyring, looked
up on the worker thread (keyring is slow to import, and only such a file imports it), else with
its passphrase, asked in « Phrase de passe de la permanence hors ligne ».
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps

# The Qt-free modules before Qt: once PySide6 is loaded, shiboken reads the source of every
# module imported after it (its __feature__ hook). The first screen needs the SQLite
# dialect, signing in (Core, no ORM) and the log set-up.
import sqlalchemy.dialects.sqlite  # noqa: F401

import desktop.logs  # noqa: F401
from db.errors import AuthenticationFailed, GuichetError
from db.org import accounts, signin
from db.org.access import Actor
from db.org.accounts import SignedIn, SignInRefused
from db.replica.cipher import ReplicaCipher
from db.store import SchemaState, Store

# isort: split
from PySide6.QtCore import QLocale, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import operations as ops
from desktop import theme
from desktop.context import AppContext
from desktop.errors import build_report, install_excepthook, show_unexpected_error
from desktop.settings import APP_NAME, Settings, database_url, server_account

EXIT_OK, EXIT_FAILURE, EXIT_REFUSED = 0, 1, 3
DEMO_SIZE, DEMO_SEED = "small", 2026

log = logging.getLogger(__name__)


class StartupContext(AppContext):
    """The store and the worker thread before anyone has signed in (``actor`` is None).

    Only the sign-in dialogs, the settings dialog and the start-up steps use it.
    """

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(store, None, parent)  # type: ignore[arg-type]


def _startup_step(method: Callable) -> Callable:
    """A start-up step that fails goes to the failure handling instead of leaving the
    application running with no window."""

    @wraps(method)
    def step(self: Startup, *args):
        try:
            return method(self, *args)
        except BaseException as error:
            self._failed(error)

    return step


class Startup(QObject):
    """Opens the database, signs someone in and shows the main window; owns what it opened."""

    def __init__(self, app: QApplication, db_override: str | None = None):
        super().__init__(app)
        self.app = app
        self.db_override = db_override
        self.settings = Settings()
        self.store: Store | None = None
        self.cipher: ReplicaCipher | None = None  # an encrypted file's, once found
        self.boot: StartupContext | None = None
        self.window = None
        self.login_dialog = None
        self.lock = None
        self._switching = False
        self._after_window: Callable[[], None] | None = None  # instead of quitting
        self.quit_when_ready = os.environ.get("GUICHET_QUIT_WHEN_READY") == "1"
        # Quitting when ready means nobody is watching: no dialog may wait for an answer.
        self.interactive = not self.quit_when_ready

    # -- database ------------------------------------------------------------------------
    @_startup_step
    def start(self) -> None:
        self.store = Store(database_url(self.settings, self.db_override), self.cipher)
        if self.store.sqlite_path is not None:  # first start: the data directory is new
            self.store.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        self.boot = StartupContext(self.store, self)
        if self.store.needs_key:
            self._unlock()
            return
        log.info("opening %s", self.store.describe())
        ops.task(self.boot, lambda _none: self.store.schema_state()) \
            .on_success(self._opened).on_failure(self._not_opened) \
            .with_progress("Ouverture de la base de données…").run()

    def _unlock(self) -> None:
        """An encrypted replica: its key from the keyring, else its passphrase."""
        path = self.store.sqlite_path
        log.info("opening an encrypted file: looking for its key")
        # keyring takes ~0.3 s to import: on the worker thread (desktop.replica_keys)
        ops.task(self.boot, lambda _none: importlib.import_module(
            "desktop.replica_keys").saved_cipher(path)) \
            .on_success(self._cipher_found).on_failure(self._failed).run()

    @_startup_step
    def _cipher_found(self, found: tuple[ReplicaCipher | None, str]) -> None:
        from desktop import replica_keys  # imported by the worker already

        cipher, trouble = found
        if cipher is not None:
            self._reopen(cipher)
            return
        path = self.store.sqlite_path
        if not self.interactive:
            self._refuse(str(replica_keys.not_unlocked(path, trouble)))
            return
        from desktop.replica_dialog import PassphraseDialog

        dialog = PassphraseDialog(
            self.boot, lambda passphrase: replica_keys.try_passphrase(path, passphrase),
            where=self.store.describe(), trouble=trouble)
        dialog.unlocked.connect(self._reopen)
        self._show_start_dialog(dialog)

    @_startup_step
    def _reopen(self, cipher: ReplicaCipher) -> None:
        self.cipher = cipher
        self.close_store()
        self.start()

    def _not_opened(self, error: BaseException) -> None:
        if isinstance(error, AuthenticationFailed):  # the server wants a password: ask it
            self.sign_in()
        else:
            self._failed(error)

    def _run(self, work: Callable[[], object], label: str,
             then: Callable[[object], None]) -> None:
        ops.task(self.boot, lambda _none: work()).on_success(then) \
            .on_failure(self._failed).with_progress(label).run()

    @_startup_step
    def _opened(self, state: SchemaState) -> None:
        if state is SchemaState.CURRENT:
            self.sign_in()
        elif state is SchemaState.OUTDATED:
            self._run(self.store.upgrade, "Mise à jour de la base de données (une copie de "
                      "sauvegarde est faite d'abord)…", lambda _state: self.sign_in())
        else:
            self._run(self.store.upgrade, "Création de la base de données…", self._created)

    @_startup_step
    def _created(self, _state) -> None:
        if not self.store.is_sqlite:  # never fictitious people on a shared server
            self.sign_in()
            return
        self._run(self._generate_demo, "Préparation des données de démonstration…",
                  lambda _summary: self.sign_in())

    def _generate_demo(self):
        from db.demo import generate as demo_generate

        summary = demo_generate.generate(self.store, size=DEMO_SIZE, seed=DEMO_SEED,
                                progress=ops.report_progress)
        log.info("demo data generated in %s", self.store.describe())
        return summary

    # -- signing in ----------------------------------------------------------------------
    @_startup_step
    def sign_in(self) -> None:
        # Once the check is under way (the worker thread, or the person typing), the main
        # thread has nothing to do: it loads the main window meanwhile.
        QTimer.singleShot(0, prepare_main_window)
        login = os.environ.get("GUICHET_LOGIN", "").strip()
        if login:
            self._sign_in_unattended(login)
        elif self.store.is_sqlite:
            ops.core_query(self.boot, accounts.office_facts) \
                .on_success(self._facts_known).on_failure(self._failed).run()
        else:  # a server may let the person in by itself (Kerberos, peer, a keyring entry)
            ops.task(self.boot, lambda _none: signin.sign_in_as_connected(self.store)) \
                .on_success(lambda signed: self._signed_in((self.store, signed))) \
                .on_failure(self._not_let_in).run()

    def _sign_in_unattended(self, login: str) -> None:
        password = os.environ.get("GUICHET_PASSWORD")
        if password is None:
            self._refuse("GUICHET_LOGIN demande aussi le mot de passe du compte, dans "
                         "GUICHET_PASSWORD.")
            return
        ops.task(self.boot, lambda _none: signin.sign_in(self.store, login, password)) \
            .on_success(self._signed_in).on_failure(self._login_refused).run()

    def _not_let_in(self, error: BaseException) -> None:
        if isinstance(error, AuthenticationFailed):
            self.show_sign_in()
        elif isinstance(error, SignInRefused):  # connected, but not as an account
            ops.core_query(self.boot, accounts.office_facts) \
                .on_success(lambda facts: self._facts_known(facts, str(error))) \
                .on_failure(self._failed).run()
        else:
            self._failed(error)

    @_startup_step
    def _facts_known(self, facts: accounts.OfficeFacts, message: str = "") -> None:
        if facts.accounts == 0:
            self.show_first_admin()
        else:
            self.show_sign_in(message, demo=facts.demo)

    def _login_refused(self, error: BaseException) -> None:
        if not isinstance(error, GuichetError):
            self._failed(error)
        elif self.interactive:
            self.show_sign_in(str(error))
        else:
            self._refuse(str(error))

    def show_sign_in(self, message: str = "", demo: bool = False) -> None:
        from desktop.login import SignInDialog

        dialog = SignInDialog(
            self.boot, lambda login, password: signin.sign_in(self.store, login, password),
            login=self.settings.last_login, where=self.store.describe(), demo=demo,
            remember=None if self.store.is_sqlite else False)
        if message:
            dialog.say(message, error=True)
        dialog.signed_in.connect(
            lambda result: self._signed_in(result, dialog.password, dialog.remember))
        self._show_start_dialog(dialog)

    def show_first_admin(self) -> None:
        from desktop.password_dialogs import FirstAdminDialog

        dialog = FirstAdminDialog(self.boot, self._create_first_admin,
                                  where=self.store.describe())
        dialog.done_with.connect(self._signed_in)
        self._show_start_dialog(dialog)

    def _create_first_admin(self, login: str, first_name: str, last_name: str,
                            password: str) -> tuple[Store, SignedIn]:
        from db.org import account_admin
        from db.roles import Role

        with self.store.unit(None) as unit:
            account_admin.create_first_admin(unit, account_admin.AccountInput(
                login, first_name, last_name, Role.ADMIN), password)
        return signin.sign_in(self.store, login, password)

    def _show_start_dialog(self, dialog) -> None:
        dialog.rejected.connect(lambda: self.quit(EXIT_OK))
        dialog.finished.connect(self._login_closed)
        dialog.open()
        self.login_dialog = dialog

    def _login_closed(self) -> None:
        # Dropped, not deleteLater(): a query of the dialog may still be under way, and its
        # callback keeps the dialog alive until it has run.
        self.login_dialog = None

    @_startup_step
    def _signed_in(self, result: tuple[Store, SignedIn], password: str = "",
                   remember: bool = False) -> None:
        store, signed = result
        if remember and password:
            self._remember(store, password)
        if signed.must_change_password:
            self._choose_password(store, signed)
        else:
            self.open_main_window(store, signed.actor)

    def _remember(self, store: Store, password: str) -> None:
        from desktop import credentials

        try:
            credentials.store_server_password(server_account(store.url), password)
        except GuichetError as error:  # no keyring: signed in anyway, just not remembered
            QMessageBox.warning(None, APP_NAME, str(error))

    def _choose_password(self, store: Store, signed: SignedIn) -> None:
        """After a one-time password: the person chooses theirs before anything opens."""
        from desktop.password_dialogs import ChangePasswordDialog

        dialog = ChangePasswordDialog(
            self.boot, lambda password: self._change_password(store, signed.actor, password),
            intro="Votre mot de passe a été donné par un administrateur : choisissez le "
                  "vôtre pour continuer.")
        dialog.done_with.connect(self._signed_in)
        dialog.rejected.connect(lambda: self._drop(store))
        dialog.rejected.connect(lambda: self.show_sign_in())
        dialog.finished.connect(self._login_closed)
        dialog.open()
        self.login_dialog = dialog

    def _change_password(self, store: Store, actor: Actor, password: str
                         ) -> tuple[Store, SignedIn]:
        from db.org import account_admin

        with store.unit(actor) as unit:
            account_admin.change_own_password(unit, password)
        if store is self.store:
            return store, SignedIn(actor, must_change_password=False)
        self._drop(store)  # the server now wants the new password from every connection
        return signin.sign_in(self.store, actor.login, password)

    def _drop(self, store: Store) -> None:
        """Let go of a person's own connection to the server (never of the start-up's)."""
        if store is not self.store:
            store.dispose()

    def _check_again(self, actor: Actor, password: str) -> SignedIn:
        """The locked workstation's check: the same person, the same password."""
        store, signed = signin.sign_in(self.store, actor.login, password)
        self._drop(store)
        return signed

    @_startup_step
    def open_main_window(self, store: Store, actor: Actor) -> None:
        from desktop.main_window import MainWindow

        log.info("signed in as %s (%s)", actor.login, actor.role.value)
        ctx = AppContext(store, actor)
        self.window = MainWindow(ctx)
        self.window.switch_user_requested.connect(self.switch_user)
        self.window.lock_requested.connect(lambda: self.lock and self.lock.lock())
        self.window.change_password_requested.connect(lambda: self._new_password(ctx))
        self.window.reopen_requested.connect(lambda path: self._then(self._open_other, path))
        self.window.given_back.connect(lambda text: self._then(self._wipe_and_quit, text))
        self.window.closed.connect(self._window_closed)
        self.window.show()
        # A zero timer fires once the events queued by show() (layout, paint) are processed,
        # as in the benchmark's floor.
        QTimer.singleShot(0, lambda: self._painted(ctx))

    def _watch_idle(self, ctx: AppContext, minutes: int) -> None:
        from desktop.lock import IdleLock

        if self.window is None or self.window.ctx is not ctx:
            return  # the session ended meanwhile
        self.lock = IdleLock(ctx, ctx.actor, minutes,
                             lambda _login, password: self._check_again(ctx.actor, password),
                             self)
        self.lock.switch_user.connect(self.switch_user)

    def _new_password(self, ctx: AppContext) -> None:
        """« Changer mon mot de passe » : on a server, the session carries on connected with
        the new password."""
        from desktop.password_dialogs import ChangePasswordDialog

        def changed(result: tuple[Store, SignedIn]) -> None:
            store = result[0]
            if store is not ctx.store:
                ctx.store, old = store, ctx.store
                self._drop(old)
            self.window.statusBar().showMessage("Votre mot de passe a été changé.", 10_000)

        dialog = ChangePasswordDialog(
            ctx, lambda password: self._change_password(ctx.store, ctx.actor, password),
            intro="Votre nouveau mot de passe vaudra dès la prochaine connexion.",
            parent=self.window)
        dialog.done_with.connect(changed)
        dialog.open()

    def _painted(self, ctx: AppContext) -> None:
        if self.quit_when_ready:
            if not ctx.tasks.idle():
                QTimer.singleShot(5, lambda: self._painted(ctx))
                return
            print("ready", flush=True)  # the benchmark's mark: shown and usable
            QTimer.singleShot(0, lambda: self.quit(EXIT_OK))
        # Once the window is up: the idle lock, and the settings (syncing them takes ~10 ms).
        ops.core_query(ctx, accounts.office_facts) \
            .on_success(lambda facts: self._watch_idle(ctx, facts.lock_after_minutes)).run()
        if ctx.actor.login != self.settings.last_login:
            self.settings.save(last_login=ctx.actor.login)
        warm_up(ctx)
        if not self.quit_when_ready:
            daily_backup(ctx)

    def switch_user(self) -> None:
        self._switching = True
        for dialog in QApplication.topLevelWidgets():  # what the session had open goes too
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()
        self.window.close()

    def _window_closed(self) -> None:
        window, self.window = self.window, None
        self._stop_watching()
        window.ctx.tasks.wait()
        self._drop(window.ctx.store)
        window.deleteLater()
        if self._switching:
            self._switching = False
            self.settings.save(last_login="")  # the next person types their own
            self.show_sign_in()
        elif self._after_window is not None:
            after, self._after_window = self._after_window, None
            after()
        else:
            self.quit(EXIT_OK)

    def _then(self, step: Callable, *args) -> None:
        """Close the window, then ``step(*args)`` once the session has let go of the
        database, instead of quitting."""
        self._after_window = lambda: step(*args)
        self.window.close()

    @_startup_step
    def _open_other(self, database: str) -> None:
        """Sign in again on another database (a permanence just prepared)."""
        self.close_store()
        self.db_override, self.cipher = database, None
        self.start()

    def _wipe_and_quit(self, farewell: str) -> None:
        """« Rendre la permanence »: the window closed, wipe the replica, say so, quit."""
        from desktop.laptop import steps

        store = self.store
        ops.task(self.boot, lambda _none: steps.give_back(store)) \
            .on_success(lambda _path: self._farewell(farewell)).on_failure(self._failed) \
            .with_progress("Effacement de la permanence…").run()

    def _farewell(self, message: str) -> None:
        QMessageBox.information(None, APP_NAME, message)  # asked from a menu: someone is there
        self.quit(EXIT_OK)

    def _stop_watching(self) -> None:
        if self.lock is not None:
            self.lock.stop()
            self.lock.deleteLater()
            self.lock = None

    # -- the end -------------------------------------------------------------------------
    def _failed(self, error: BaseException) -> None:
        from sqlalchemy.exc import ArgumentError, OperationalError

        if isinstance(error, GuichetError):  # DatabaseRefused above all
            self._refuse(str(error))
        elif isinstance(error, ArgumentError):
            self._refuse("L'adresse de la base de données n'est pas valide. Corrigez-la dans "
                         "les réglages ou l'option --db.")
        elif not self.interactive:
            log.error("start-up failed\n%s", build_report(error))
            print(f"Guichet n'a pas pu démarrer ({type(error).__name__}). Le détail est dans "
                  "le journal.", file=sys.stderr)
            self.quit(EXIT_FAILURE)
        elif isinstance(error, OperationalError):
            self._connection_failed(error)
        else:
            show_unexpected_error(error)
            self.quit(EXIT_FAILURE)

    def _refuse(self, message: str) -> None:
        """Input refused (nothing was written): say why, exit 3."""
        log.warning("start-up refused: %s", message)
        if self.interactive:
            QMessageBox.critical(None, APP_NAME, message)
        else:
            print(message, file=sys.stderr)
        self.quit(EXIT_REFUSED)

    def _connection_failed(self, error: BaseException) -> None:
        log.warning("cannot open the database: %s",
                    type(getattr(error, "orig", error)).__name__)
        where = self.store.describe() if self.store else "la base de données"
        if self.store is not None and not self.store.is_sqlite:
            advice = ("Vérifiez que le serveur est joignable depuis ce poste, et que "
                      "l'utilisateur et le mot de passe sont justes.")
        else:
            advice = "Vérifiez que le fichier est accessible en lecture et en écriture."
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                          f"Impossible d'ouvrir la base de données.\n{where}\n\n{advice}")
        settings_button = box.addButton("&Réglages…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("&Quitter", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not settings_button:
            self.quit(EXIT_FAILURE)
            return
        from desktop.settings_dialog import SettingsDialog

        if SettingsDialog(self.settings).exec() == QDialog.DialogCode.Accepted \
                and self.db_override is None and not os.environ.get("GUICHET_DB"):
            self.close_store()
            self.cipher = None  # the file's, if it was an encrypted one
            self.start()  # the database settings changed before anything was opened
        else:
            self.quit(EXIT_FAILURE)

    def quit(self, code: int) -> None:
        self.app.exit(code)

    def shut_down(self) -> None:
        """After the event loop: close what is still open, wait for the worker, let go of
        the database."""
        if self.window is not None:
            self._stop_watching()
            self.window.closed.disconnect(self._window_closed)
            self.window.close()
            self.window.ctx.tasks.wait()
            self._drop(self.window.ctx.store)
            self.window.deleteLater()
            self.window = None
        if self.login_dialog is not None:
            self.login_dialog.close()
        self.close_store()

    def close_store(self) -> None:
        if self.boot is not None:
            self.boot.tasks.wait()
        if self.store is not None:
            self.store.dispose()
        self.store = self.boot = None


def _load_orm_and_people_service(_unit) -> None:
    from sqlalchemy.orm import configure_mappers

    importlib.import_module("db.people.search")
    configure_mappers()


def prepare_main_window() -> None:
    """Import the main window and its first page. Qt's Python classes are made on first
    import, with their enumerations: about half of what building the window costs, done
    while the password's Argon2id check (which lets go of the interpreter) runs on the
    worker thread."""
    from desktop.areas import AREAS
    from desktop.main_window import MainWindow  # noqa: F401

    AREAS[0].prepare()


def warm_up(ctx: AppContext) -> None:
    """After the first paint: load the ORM and the people service on the worker thread (and
    open its first session), so that the first search finds them ready."""
    ops.query(ctx, _load_orm_and_people_service).run()


def daily_backup(ctx: AppContext) -> None:
    """The embedded database's copy of the day, at the first start of the day, behind the
    first screen (kept 7 days and 4 weeks: ``db.lifecycle.backup``). A failure is only logged:
    it never stops anyone working."""
    from db.lifecycle import backup

    def failed(error: BaseException) -> None:
        log.warning("automatic backup failed: %s", error.__class__.__name__)

    ops.task(ctx, lambda _none: backup.automatic_backup(ctx.store)).on_failure(failed).run()


def run_gui(db_override: str | None = None) -> int:
    """The ``guichet-gui`` entry point, and ``guichet`` with no command."""
    from desktop.logs import setup_logging

    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    app = QApplication.instance() or theme.application(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("guichet")  # installer/guichet.desktop: the shell's icon and name
    app.setWindowIcon(theme.app_icon())
    app.setQuitOnLastWindowClosed(False)  # switching user closes the window, not Guichet
    setup_logging()
    install_excepthook()
    theme.install_french_translations(app)
    startup = Startup(app, db_override)
    theme.apply_theme(app, startup.settings.theme)
    QTimer.singleShot(0, startup.start)
    try:
        return app.exec()
    finally:
        startup.shut_down()
        startup.deleteLater()
