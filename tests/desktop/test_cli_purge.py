"""`guichet purge [--dry-run]`: what would go by kind, then the purge; nothing without it."""

from __future__ import annotations

from sqlalchemy import func, select

from db.agenda.models import Appointment
from desktop.cli import main
from tests.conftest import add_staff
from tests.db.test_dashboard import october_activity


def appointments(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Appointment))


def test_dry_run_then_purge(sqlite_store, capsys, monkeypatch):
    october_activity(sqlite_store, add_staff(sqlite_store))
    database = str(sqlite_store.sqlite_path)
    assert main(["--db", database, "purge", "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "Purge à blanc du " in said
    assert "Rendez-vous passés et ateliers (plus de 24 mois après leur date, avant le " in said
    assert "Dossiers de médiation clos (jamais, tant qu'aucune durée n'est fixée" in said
    assert "File des messages aux personnes (envoyés, en échec ou retirés\u00a0: plus de 3 " \
        "mois après leur date d'envoi, avant le " in said
    assert "Rien n'a été supprimé" in said
    count = appointments(sqlite_store)
    assert main(["--db", database, "purge"]) == 0  # today: October 2026 is not 2 years old
    assert "0 ligne supprimée en tout" in capsys.readouterr().out
    assert appointments(sqlite_store) == count


def test_only_an_administrator_purges(sqlite_store, capsys):
    add_staff(sqlite_store)
    database = str(sqlite_store.sqlite_path)
    assert main(["--db", database, "purge", "--login", "responsable01"]) == 3
    assert "ne permet pas d'administrer Guichet" in capsys.readouterr().err
    assert main(["--db", database, "purge", "--dry-run", "--login", "admin"]) == 0
