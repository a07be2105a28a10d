"""The monthly report read back by pypdf: French month, the dashboard's figures word for word,
« Page N sur M », embedded fonts only, the title in the metadata."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from db import wording
from db.dashboard import figures as dashboard_figures
from db.dashboard import model as dashboard_model
from db.roles import Role
from desktop.documents import monthly_report
from desktop.documents.monthly_report import figure_text
from tests.conftest import add_staff
from tests.db.test_dashboard import NOW, OCTOBER, october_activity


def flat(value: str) -> str:
    """Text with every run of spaces (no-break ones included) made one space."""
    return re.sub(r"\s+", " ", value.replace("\u00a0", " ")).strip()


def read(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(content))
    return reader, flat("\n".join(page.extract_text() for page in reader.pages))


def fonts_of(reader: PdfReader) -> list[tuple[str, bool]]:
    """(name, embedded) of every font the pages use."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            found[font["/BaseFont"]] = bool(
                descriptor and any(k in descriptor.get_object()
                                   for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    return sorted(found.items())


@pytest.fixture
def october(sqlite_store):
    actors = add_staff(sqlite_store)
    october_activity(sqlite_store, actors)
    return sqlite_store, actors[Role.MANAGER]


def test_the_report_says_what_the_dashboard_says(october):
    store, manager = october
    with store.unit(manager) as unit:
        board = dashboard_figures.dashboard(unit, OCTOBER, now=NOW)
        content = monthly_report.monthly_report(unit, OCTOBER, now=NOW)
    reader, text = read(content)
    pages = len(reader.pages)
    assert pages >= 2
    assert "Rapport d'activité — octobre 2026" in text
    assert reader.metadata.title == "Rapport d'activité — octobre 2026"
    for number in range(1, pages + 1):
        assert f"Page {number} sur {pages}" in text
    assert fonts_of(reader) and all(embedded for _name, embedded in fonts_of(reader))
    assert all("DejaVu" in name for name, _embedded in fonts_of(reader))
    for section in board.sections:
        assert section.title in text
        for figure in section.figures:
            assert flat(f"{figure.label} {figure_text(figure)}") in text, figure.label
        for measure in section.measures:
            assert flat(f"{measure.label} {measure.text}") in text
        for table in section.tables:
            for label, cells in table.rows:
                row = " ".join([label, *(figure_text(cell) for cell in cells)])
                assert flat(row) in text, row
    assert "Rendez-vous du mois 7" in text and "Absents 1 (14,3 %)" in text
    assert "Délai médian de clôture 18 jours" in text
    assert "Aucune activité" not in text


def test_a_month_with_no_activity_says_so(october):
    store, manager = october
    with store.unit(manager) as unit:
        content = monthly_report.monthly_report(unit, date(2026, 6, 1), now=NOW)
    reader, text = read(content)
    assert "Aucune activité enregistrée en juin 2026 (tous les sites)." in text
    assert len(reader.pages) == 1 and "Page 1 sur 1" in text


def test_words_shared_with_the_screen():
    assert wording.share_percent(0.125) == "12,5\u00a0%"
    assert wording.share_percent(None) == "—"
    drill = dashboard_model.Drill(dashboard_model.Source.APPOINTMENTS, OCTOBER, None)
    assert figure_text(dashboard_model.Figure("Absents", 1234, drill, 9872)) == (
        "1\u00a0234 (12,5\u00a0%)")
    assert figure_text(dashboard_model.Figure("Total", 1234, drill)) == "1\u00a0234"
