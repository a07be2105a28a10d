"""`guichet export pdf case`: statuses, French messages, nothing written on refusal."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from db.mediation import files as mediation_files
from db.mediation.models import CaseEventKind
from db.mediation.records import EntryInput
from db.org.models import Staff
from db.roles import Role
from db.unit.audit import AuditEvent
from desktop.cli import main
from tests.conftest import TEST_PASSWORD, add_staff
from tests.db.test_mediation import case_maker


@pytest.fixture
def database(sqlite_store):
    actors = add_staff(sqlite_store)
    case_id = case_maker(sqlite_store, actors)().id
    with sqlite_store.unit(actors[Role.MEDIATOR]) as unit:
        mediation_files.add_entry(unit, case_id, EntryInput(
            CaseEventKind.NOTE, "Piste interne à ne pas diffuser.", internal=True))
    return str(sqlite_store.sqlite_path), sqlite_store


def text_of(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(path.read_bytes())).pages)


def test_export_writes_the_summary(database, tmp_path, capsys):
    url, store = database
    target = tmp_path / "dossier.pdf"
    assert main(["--db", url, "export", "pdf", "case", "med-2026-00001", "-o",
                 str(target), "--login", "mediateur01"]) == 0
    assert f"Dossier MED-2026-00001 exporté dans {target}" in capsys.readouterr().out
    assert "Piste interne" in text_of(target)
    assert main(["--db", url, "export", "pdf", "case", "MED-2026-00001", "-o", str(target),
                 "--sans-notes-internes", "--login", "assistant01"]) == 0
    assert "Piste interne" not in text_of(target)
    with store.session() as session:
        openings = session.query(AuditEvent).filter_by(action="open").all()
        actors = {s.id: s.login for s in session.query(Staff)}
    assert [actors[o.actor_id] for o in openings] == ["mediateur01", "assistant01"]


def test_a_case_is_confidential_no_export_without_an_account(database, tmp_path, capsys):
    url, _store = database
    assert main(["--db", url, "export", "pdf", "case", "MED-2026-00001", "-o",
                 str(tmp_path / "dossier.pdf")]) == 2
    assert "arguments obligatoires manquants : --login" in capsys.readouterr().err
    assert not (tmp_path / "dossier.pdf").exists()


def test_the_password_comes_from_standard_input_or_the_terminal(database, tmp_path, capsys,
                                                                terminal, piped):
    url, _store = database
    target = tmp_path / "dossier.pdf"
    argv = ["--db", url, "export", "pdf", "case", "MED-2026-00001", "-o", str(target),
            "--login", "mediateur01"]
    assert main(argv) == 0
    assert terminal.prompts == ["Mot de passe de mediateur01 : "]
    piped("pas le bon mot de passe")
    assert main([*argv, "--password-stdin"]) == 3
    assert "Identifiant ou mot de passe incorrect." in capsys.readouterr().err
    piped(TEST_PASSWORD)
    assert main([*argv, "--password-stdin"]) == 0


@pytest.mark.parametrize("argv, status, message", [
    (["MED-2026-00077", "--login", "mediateur01"], 3,
     "Aucun dossier de médiation n'a la référence MED-2026-00077."),
    (["2026-77", "--login", "mediateur01"], 2, "n'est pas une référence de dossier"),
    (["MED-2026-00001", "--login", "conseiller01"], 3, "ne permet pas de consulter les "
                                                      "dossiers de médiation"),
    (["MED-2026-00001", "--login", "inconnu"], 3, "Identifiant ou mot de passe incorrect."),
])
def test_refusals_exit_with_a_french_message_and_write_nothing(database, tmp_path, capsys,
                                                                argv, status, message):
    url, _store = database
    target = tmp_path / "dossier.pdf"
    assert main(["--db", url, "export", "pdf", "case", *argv[:1], "-o", str(target),
                 *argv[1:]]) == status
    assert message in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if "dossier" in p.name]  # nor a temporary file


def test_missing_output_is_a_usage_error(database, capsys):
    url, _store = database
    assert main(["--db", url, "export", "pdf", "case", "MED-2026-00001", "--login",
                 "mediateur01"]) == 2
    assert "arguments obligatoires manquants : -o" in capsys.readouterr().err
