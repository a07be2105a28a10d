"""``guichet demo``: exit statuses, the French summary, and nothing written when refused."""

from __future__ import annotations

from sqlalchemy import func, select

from db.people.models import Person
from db.store import Store
from desktop.cli import main
from tests.conftest import add_staff


def test_demo_fills_an_empty_database_and_prints_the_summary(tmp_path, capsys):
    path = tmp_path / "x.sqlite3"
    assert main(["--db", str(path), "demo", "--seed", "7"]) == 0
    output = capsys.readouterr()
    assert "5\u00a0000 personnes" in output.out
    assert "18 comptes" in output.out and "Graine 7, taille small." in output.out
    assert "Données de démonstration créées" in output.err
    store = Store(path)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 5_000
    store.dispose()


def test_demo_unknown_size_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "x.sqlite3"
    assert main(["--db", str(path), "demo", "--size", "huge"]) == 2
    assert "small ou large" in capsys.readouterr().err
    assert not path.exists()


def test_demo_on_a_database_with_data_is_refused(sqlite_store, capsys):
    add_staff(sqlite_store)
    assert main(["--db", str(sqlite_store.sqlite_path), "demo"]) == 3
    assert "La base contient déjà des données" in capsys.readouterr().err
    with sqlite_store.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
