"""`guichet export pdf report`: statuses, French messages, nothing written on refusal."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from desktop.cli import main
from tests.conftest import add_staff
from tests.db.test_dashboard import october_activity


@pytest.fixture
def database(sqlite_store):
    october_activity(sqlite_store, add_staff(sqlite_store))
    return str(sqlite_store.sqlite_path)


def test_the_report_is_written(database, tmp_path, capsys):
    target = tmp_path / "rapport.pdf"
    assert main(["--db", database, "export", "pdf", "report", "--month", "2026-10", "-o",
                 str(target)]) == 0
    assert f"Rapport d'activité — octobre 2026 — exporté dans {target}" in capsys.readouterr().out
    reader = PdfReader(BytesIO(target.read_bytes()))
    assert reader.metadata.title == "Rapport d'activité — octobre 2026"
    assert "Guichet — export automatique" in reader.pages[0].extract_text()
    assert main(["--db", database, "export", "pdf", "report", "--month", "2026-06", "-o",
                 str(target), "--login", "responsable01"]) == 0
    assert "Aucune activité enregistrée en juin 2026" in PdfReader(
        BytesIO(target.read_bytes())).pages[0].extract_text()


@pytest.mark.parametrize("argv, status, message", [
    (["--month", "2026-13"], 2, "mois attendu au format AAAA-MM (exemple : 2026-10), "
                                "pas « 2026-13 »"),
    (["--month", "octobre"], 2, "pas « octobre »"),
    (["--month", "2026-10", "--login", "inconnu"], 3, "Identifiant ou mot de passe incorrect."),
    (["--month", "2026-10", "--login", "conseiller01"], 3,
     "ne permet pas de consulter le tableau de bord"),
])
def test_refusals_exit_with_a_french_message_and_write_nothing(database, tmp_path, capsys,
                                                                argv, status, message):
    folder = tmp_path / "rapports"
    folder.mkdir()
    assert main(["--db", database, "export", "pdf", "report", *argv, "-o",
                 str(folder / "rapport.pdf")]) == status
    assert message in capsys.readouterr().err
    assert list(folder.iterdir()) == []  # not even a temporary file


def test_a_missing_folder_is_a_usage_error(database, tmp_path, capsys):
    assert main(["--db", database, "export", "pdf", "report", "--month", "2026-10", "-o",
                 str(tmp_path / "absent" / "rapport.pdf")]) == 2
    assert "dossier introuvable" in capsys.readouterr().err


def test_without_a_month_the_report_is_of_the_month_the_dashboard_opens_on(database, tmp_path,
                                                                           capsys):
    from datetime import date

    from db.months import add_months
    from db.wording import month_label

    target = tmp_path / "rapport.pdf"
    assert main(["--db", database, "export", "pdf", "report", "-o", str(target)]) == 0
    expected = month_label(add_months(date.today(), -1))  # no cohort for this month yet
    assert f"Rapport d'activité — {expected} — exporté" in capsys.readouterr().out
