"""The command line: exit statuses and French messages (see DESIGN.md)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from importlib.metadata import version

import keyring
import keyring.backends.fail
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from desktop.cli import main
from tests.conftest import POSTGRES_URL


def test_version_is_the_installed_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"Guichet {version('guichet')}\n"


def test_version_needs_neither_qt_nor_the_database():
    code = ("import sys; from desktop.cli import main; code = main(['--version']); "
            "assert code == 0; loaded = {name.split('.')[0] for name in sys.modules}; "
            "assert not loaded & {'PySide6', 'sqlalchemy'}, loaded")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Guichet ")


def test_db_upgrade_creates_then_finds_current(tmp_path, capsys):
    path = tmp_path / "guichet.sqlite3"
    path.touch()  # an empty file, as a newcomer might create
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    assert "Schéma créé" in capsys.readouterr().out
    assert main(["--db", f"sqlite:///{path}", "db", "upgrade"]) == 0
    assert "Schéma déjà à jour" in capsys.readouterr().out


def test_guichet_db_environment_variable_names_the_database(tmp_path, monkeypatch, capsys):
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("GUICHET_DB", str(path))
    assert main(["db", "upgrade"]) == 0
    assert str(path) in capsys.readouterr().out


@pytest.fixture
def empty_postgres_database():
    """A new, empty database on the test server (URL without driver), dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL test server")
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"guichet_cli_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(drivername="postgresql", database=name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
def test_db_upgrade_on_an_empty_postgresql_database(empty_postgres_database, capsys):
    url = empty_postgres_database.render_as_string(hide_password=False)
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert "Schéma créé : Serveur : 127.0.0.1" in capsys.readouterr().out
    engine = create_engine(empty_postgres_database.set(drivername="postgresql+psycopg"))
    assert {"person", "staff", "site", "audit_event"} <= set(inspect(engine).get_table_names())
    engine.dispose()


@pytest.mark.postgres
def test_a_server_is_reached_without_a_keyring(empty_postgres_database, capsys, caplog):
    """A nightly job on a machine with no keyring: the password, if any, is libpq's own
    (PGPASSWORD, ~/.pgpass); the keyring's absence is logged, not fatal."""
    keyring.set_keyring(keyring.backends.fail.Keyring())
    url = empty_postgres_database.render_as_string(hide_password=False)
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert "Schéma créé" in capsys.readouterr().out
    assert "no keyring to read the server password from" in caplog.text


@pytest.mark.parametrize("argv, expected", [
    (["dmo"], "choix invalide"),
    (["db"], "arguments obligatoires manquants"),
    (["demo", "--size", "huge"], "taille attendue : small ou large"),
    (["demo", "--seed", "douze"], "valeur invalide"),
])
def test_usage_errors_exit_2_in_french(argv, expected, capsys):
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_a_file_that_is_not_guichet_is_refused_with_3(tmp_path, capsys):
    path = tmp_path / "tableur.xlsx"
    path.write_bytes(b"PK\x03\x04 not a database")
    assert main(["--db", str(path), "db", "upgrade"]) == 3
    assert "n'est pas une base de données Guichet" in capsys.readouterr().err
    assert path.read_bytes() == b"PK\x03\x04 not a database"
