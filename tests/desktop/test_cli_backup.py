"""`guichet backup` and `guichet restore`: statuses, French messages, nothing replaced on
refusal."""

from __future__ import annotations

import sqlite3

from db.lifecycle.backup import check_sqlite_backup
from db.schema import HEAD
from desktop.cli import main
from tests.conftest import add_staff


def test_backup_then_restore(sqlite_store, tmp_path, capsys):
    add_staff(sqlite_store)
    database = str(sqlite_store.sqlite_path)
    target = tmp_path / "sauvegarde.sqlite3"
    assert main(["--db", database, "backup", "-o", str(target)]) == 0
    assert f"écrite dans {target}" in capsys.readouterr().out
    assert check_sqlite_backup(target) == HEAD
    assert main(["--db", database, "restore", str(target)]) == 0
    said = capsys.readouterr().out
    assert f"Sauvegarde restaurée dans Fichier local : {database} (schéma {HEAD})" in said
    assert "La base remplacée est gardée dans" in said
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM staff").fetchone()[0] == 6


def test_refusals(sqlite_store, tmp_path, capsys):
    database = str(sqlite_store.sqlite_path)
    before = sqlite_store.sqlite_path.read_bytes()
    foreign = tmp_path / "notes.sqlite3"
    foreign.write_text("bonjour")
    assert main(["--db", database, "restore", str(foreign)]) == 3
    assert "n'est pas une sauvegarde de Guichet" in capsys.readouterr().err
    assert main(["--db", database, "restore", str(tmp_path / "absente")]) == 2
    assert "fichier introuvable" in capsys.readouterr().err
    assert main(["--db", database, "backup", "-o", str(tmp_path / "non" / "x")]) == 2
    assert "dossier introuvable" in capsys.readouterr().err
    assert main(["--db", str(foreign), "backup", "-o", str(tmp_path / "copie")]) == 3
    assert "n'est pas une base de données Guichet" in capsys.readouterr().err
    assert not (tmp_path / "copie").exists()
    assert sqlite_store.sqlite_path.read_bytes() == before
