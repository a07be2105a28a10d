"""Screenshots of the offline laptop's screens (issue 13), which need a real server: a demo
office is made on a PostgreSQL cluster (a database and its owner, as the tests make them),
a permanence is prepared from it as ``conseiller01``, the office and the laptop both work,
and the laptop syncs — then the status bar, the sync's summary, « Conflits à résoudre » and
« Préparer une permanence hors ligne… » are shot at 1280×800, light theme, into
``docs/screenshots/`` (``permanence-…-1280x800-light.png``).

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tools/screenshots_laptop.py \\
        --cluster postgresql://guichet@127.0.0.1:54329/postgres

The cluster's address is a role that may create roles and databases (the test server's);
the office is dropped at the end. Settings, data and the keyring are temporary.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="guichet-laptop-shots-"))
os.environ.update(HOME=str(HOME), XDG_CONFIG_HOME=str(HOME / "config"),
                  XDG_DATA_HOME=str(HOME / "data"), XDG_STATE_HOME=str(HOME / "state"))

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from PySide6.QtCore import QLocale  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

SIZE = (1280, 800)
OWNER_PASSWORD = "mot de passe du propriétaire"


class MemoryKeyring(KeyringBackend):
    """The replica's key for the run's length only."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


def make_office(cluster: str):
    """A demo office on its own database owned by a non-superuser; (owner URL, drop)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from db.demo import generate as demo_generate
    from db.store import Store

    server = make_url(cluster).set(drivername="postgresql+psycopg")
    suffix = uuid.uuid4().hex[:8]
    owner, database = f"guichet_owner_{suffix}", f"guichet_shots_{suffix}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN CREATEROLE "
                                f"PASSWORD '{OWNER_PASSWORD}'"))
        connection.execute(text(f"CREATE DATABASE {database} OWNER {owner}"))
    owner_url = server.set(username=owner, password=OWNER_PASSWORD, database=database)
    store = Store(owner_url)
    store.upgrade()
    demo_generate.generate(store, seed=11, people_count=120)
    store.dispose()

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {database} WITH (FORCE)"))
            connection.execute(text(f"DROP ROLE {owner}"))
        admin.dispose()

    return owner_url, drop


def settle(app: QApplication, ctx) -> None:
    import time

    for _ in range(6):
        deadline = time.monotonic() + 20
        while not ctx.tasks.idle() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / f"permanence-{name}-{SIZE[0]}x{SIZE[1]}-light.png"
    widget.grab().save(str(path))
    print(path)
    return path


def shoot(app: QApplication, office, out: Path) -> None:
    from db.org import accounts
    from db.org.passwords import DEMO_PASSWORD
    from db.replica.cipher import ReplicaCipher
    from db.store import Store
    from db.sync import laptop
    from desktop import replica_keys
    from desktop.context import AppContext
    from desktop.laptop import steps
    from desktop.laptop.conflicts_dialog import KEEP_COLUMN
    from desktop.laptop.window import LaptopPrompt
    from desktop.main_window import MainWindow
    from tests.db.replica_conflicts_setup import (
        colliding_booking,
        edit_phone,
        note_conflict,
        phone_conflict,
    )
    from tests.db.test_replica_sync import busiest_site

    server_url = steps.address_without_account(office)
    # On the server: « Préparer une permanence hors ligne… »
    server = Store(office.set(username="conseiller01", password=DEMO_PASSWORD))
    with server.engine.connect() as connection:
        ctx = AppContext(server, accounts.server_sign_in(connection).actor)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    settle(app, ctx)
    window.laptop.prepare()
    settle(app, ctx)
    dialog = window.laptop.prepare_dialog
    dialog.check(busiest_site(office))
    dialog.password_edit.setText(DEMO_PASSWORD)
    settle(app, ctx)
    save(dialog, out, "preparer")
    dialog.done(0)
    window.close()
    settle(app, ctx)
    ctx.tasks.wait()

    path = steps.build(steps.Permanence(server_url, "conseiller01", DEMO_PASSWORD,
                                        HOME / "permanence.guichet",
                                        (busiest_site(office),)))
    replica = Store(path, ReplicaCipher.from_key(replica_keys.load_key(path)))
    actor = accounts.sign_in(replica, "conseiller01", DEMO_PASSWORD).actor
    phone_conflict(office, replica, server, actor, with_city=True)
    note_conflict(office, replica, server, actor)
    colliding_booking(office, replica, server, actor)
    from sqlalchemy import select

    from db.sync.tables import table

    person = table("person")
    with replica.engine.connect() as connection:
        others = connection.execute(select(person.c.id).where(
            person.c.deleted_at.is_(None), person.c.phone.is_not(None))
            .order_by(person.c.id.desc()).limit(3)).scalars().all()
    for number, person_id in enumerate(others):  # work done since: still to send
        edit_phone(replica, actor, person_id, f"06 40 00 00 0{number}")

    ctx = AppContext(replica, actor)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    settle(app, ctx)
    window.show_area("agenda")
    settle(app, ctx)
    save(window, out, "barre-d-etat")

    summary: list[QWidget] = []
    LaptopPrompt.summary = classmethod(lambda cls, parent, report: summary.append(
        _summary_box(parent, report)) or False)
    window.laptop.sync()
    settle(app, ctx)
    password = window.laptop.password_dialog
    password.password_edit.setText(DEMO_PASSWORD)
    save(password, out, "mot-de-passe")
    password.submit()
    settle(app, ctx)
    settle(app, ctx)
    save(summary[0], out, "synchronisation")
    summary[0].done(0)
    window.laptop.show_conflicts()
    settle(app, ctx)
    conflicts = window.laptop.conflicts_dialog
    conflicts.resize(int(SIZE[0] * 0.85), int(SIZE[1] * 0.85))
    settle(app, ctx)
    save(conflicts, out, "conflits")
    rows = {view.kind: row for row, view in enumerate(conflicts.views)}
    notes = [row for row, view in enumerate(conflicts.views)
             if any(field.both_texts for field in view.fields)]
    if notes:
        conflicts.list.setCurrentRow(notes[0])
        choice = conflicts.table.cellWidget(0, KEEP_COLUMN)
        choice.setCurrentIndex(choice.findData("both"))
        settle(app, ctx)
        save(conflicts, out, "conflit-note")
    if "refused" in rows:
        conflicts.list.setCurrentRow(rows["refused"])
        settle(app, ctx)
        save(conflicts, out, "conflit-rendez-vous")
    conflicts.done(0)
    print(laptop.describe(replica))
    window.close()
    settle(app, ctx)
    ctx.tasks.wait()
    replica.dispose()
    server.dispose()


def _summary_box(parent: QWidget, report) -> QMessageBox:
    """The summary as ``LaptopPrompt.summary`` shows it, left open to be shot."""
    box = QMessageBox(QMessageBox.Icon.Information, "Guichet",
                      f"Synchronisation terminée : {report}.", parent=parent)
    if report.conflicts:
        box.setInformativeText("Le bureau n'a pas tout pris tel quel : rien n'est perdu, "
                               "choisissez quelle version garder.")
        box.addButton("&Voir les conflits", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Fermer", QMessageBox.ButtonRole.RejectRole)
    box.show()
    return box


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", required=True,
                        help="a PostgreSQL role that may create roles and databases")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    from desktop import theme

    keyring.set_keyring(MemoryKeyring())
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    app = QApplication.instance() or theme.application(sys.argv[:1])
    app.setApplicationName("Guichet")
    app.setOrganizationName("Guichet")
    theme.apply_theme(app, "light")
    theme.install_french_translations(app)
    args.out.mkdir(parents=True, exist_ok=True)
    office, drop = make_office(args.cluster)
    try:
        shoot(app, office, args.out)
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
