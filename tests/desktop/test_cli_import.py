"""``guichet import pathway``: exit statuses, French reports, nothing written when refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db import validation
from db.pathways.models import PathwayEntry, PathwayImport
from db.people.models import Person
from db.roles import Role
from db.store import Store
from db.unit.audit import AuditEvent
from desktop.cli import main
from tests.conftest import add_staff
from tests.db.test_pathway_import import PEOPLE, SAMPLE, extract


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "guichet.sqlite3"
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    return path


def count(path, model) -> int:
    store = Store(path)
    try:
        with store.session() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        store.dispose()


def run(database, file, *options) -> int:
    return main(["--db", str(database), "import", "pathway", str(file), *options])


def test_the_sample_imports_then_reimports_with_nothing_new(database, tmp_path, capsys):
    file = tmp_path / "parcours_ald_2026-10.csv"
    file.write_bytes(SAMPLE)
    capsys.readouterr()
    assert run(database, file, "--kind", "ald") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Parcours « Affection de longue durée (ALD) », octobre 2026 : 8 lignes lues.",
        "Nouvelles dans la liste de travail : 8",
        "Déjà connues (déjà dans ce parcours ce mois-ci) : 0",
        "Coordonnées mises à jour : 0",
        "Dont fiches créées dans le registre : 8",
    ]
    assert run(database, file, "--kind", "ald") == 0
    out = capsys.readouterr().out
    assert "Nouvelles dans la liste de travail : 0" in out
    assert "Déjà connues (déjà dans ce parcours ce mois-ci) : 8" in out
    assert count(database, PathwayEntry) == 8


def test_month_option_and_a_signed_in_account(database, tmp_path, capsys):
    store = Store(database)
    adviser = add_staff(store)[Role.ADVISER]
    store.dispose()
    file = tmp_path / "maternite.csv"
    file.write_bytes(extract(PEOPLE, delimiter=",", encoding="utf-8-sig"))
    assert run(database, file, "--kind", "maternity", "--month", "2026-09",
               "--login", "conseiller01") == 0
    assert "Parcours « Maternité », septembre 2026 : 3 lignes lues." in capsys.readouterr().out
    store = Store(database)
    with store.session() as session:
        record = session.scalar(select(PathwayImport))
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
        assert (record.imported_by_id, event.actor_id) == (adviser.id, adviser.id)
    store.dispose()


def test_a_refused_file_lists_its_lines_on_stderr_exits_3_and_writes_nothing(
    database, tmp_path, capsys,
):
    file = tmp_path / "parcours.csv"
    file.write_bytes(extract([
        PEOPLE[0],
        ["1 82 04 71 045 445 45", "Moreau", "Kévin", "14/04/1982", "", "", ""],
        ["1 53 10 71 486 229 90", "Lefebvre", "Inès", "31/02/1953", "", "", ""],
    ], encoding="cp1252"))
    capsys.readouterr()
    assert run(database, file, "--kind", "ald") == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "Refusé : le fichier contient 2 lignes en erreur ; rien n'a été enregistré.",
        "Ligne 3 : " + validation.NIR_KEY_MISMATCH,
        "Ligne 4 : Date de naissance impossible « 31/02/1953 ».",
    ]
    for model in (Person, PathwayEntry, PathwayImport, AuditEvent):
        assert count(database, model) == 0


def test_an_account_without_the_right_is_refused_with_3(database, tmp_path, capsys):
    store = Store(database)
    add_staff(store)
    store.dispose()
    file = tmp_path / "parcours.csv"
    file.write_bytes(extract(PEOPLE))
    assert run(database, file, "--kind", "ald", "--login", "partenaire01") == 3
    assert "ne permet pas de travailler les parcours" in capsys.readouterr().err
    assert count(database, Person) == 0


@pytest.mark.parametrize("options, expected", [
    (["--kind", "ij"], "type de parcours inconnu « ij » (possibles : ald, maternity, "
                       "invalidity)"),
    (["--kind", "ald", "--month", "2026-13"], "mois attendu au format AAAA-MM"),
    (["--kind", "ald", "--month", "octobre"], "mois attendu au format AAAA-MM"),
    ([], "arguments obligatoires manquants : --kind"),
])
def test_usage_errors_exit_2_in_french(database, tmp_path, capsys, options, expected):
    file = tmp_path / "parcours.csv"
    file.write_bytes(extract(PEOPLE))
    assert run(database, file, *options) == 2
    assert expected in capsys.readouterr().err
    assert count(database, Person) == 0


def test_an_unknown_account_is_refused_like_a_wrong_password(database, tmp_path, capsys):
    file = tmp_path / "parcours.csv"
    file.write_bytes(extract(PEOPLE))
    assert run(database, file, "--kind", "ald", "--login", "inconnu") == 3
    assert "Identifiant ou mot de passe incorrect." in capsys.readouterr().err
    assert count(database, Person) == 0


def test_a_missing_file_exits_2(database, tmp_path, capsys):
    assert run(database, tmp_path / "absent.csv", "--kind", "ald") == 2
    assert "fichier introuvable" in capsys.readouterr().err
