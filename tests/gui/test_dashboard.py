"""The Tableau de bord as a manager sees it: figures, a filter that refreshes them, each figure
opening a list of that many rows, the report from the same figures; a mediator's view."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from db.dashboard import model as dashboard_model
from db.months import add_months
from db.pathways.months import month_to_show
from db.roles import Role
from desktop.dashboard.drill import DrillDialog
from desktop.dashboard.page import FIGURE_ROLE, DashboardPage, recent_months
from desktop.documents.monthly_report import figure_text
from tests.db.test_dashboard import OCTOBER, october_activity


def flat(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\u00a0", " ")).strip()


@pytest.fixture
def october(sqlite_store, gui_actors):
    return october_activity(sqlite_store, gui_actors)


def open_page(qtbot, ctx) -> DashboardPage:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.board is not None and page.site.count() > 1, timeout=5000)
    return page


def choose_month(qtbot, page: DashboardPage, month: date) -> None:
    index = recent_months(date.today()).index(month)
    page.month.setCurrentIndex(index)
    qtbot.waitUntil(lambda: page.board is not None and page.board.month == month,
                    timeout=5000)


def wait_for_list(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.count.text() != "Chargement de la liste…", timeout=5000)


def shown_list(qtbot, page: DashboardPage) -> DrillDialog:
    """The one list open (a figure was clicked), once filled."""
    (dialog,) = [d for d in page.findChildren(DrillDialog) if d.isVisible()]
    wait_for_list(qtbot, dialog)
    return dialog


def test_figures_lists_and_report_agree(qtbot, make_context, october, qtmodeltester,
                                        monkeypatch, tmp_path):
    page = open_page(qtbot, make_context(Role.MANAGER))
    choose_month(qtbot, page, OCTOBER)
    board = page.board
    assert [s.key for s in board.sections] == [
        "appointments", "preparations", "callbacks", "pathways", "mediation"]
    texts = [button.text() for button in page.figure_buttons]
    assert "Absents : 1 (14,3\u00a0%)" in texts and "Rendez-vous du mois : 7" in texts
    for model in page.models:
        qtmodeltester.check(model)

    # Every headline figure: the button says it, its list has that many rows — but a
    # manager gets the mediation figures without their lists of cases.
    for button, (section, figure) in zip(
            page.figure_buttons, ((s, f) for s in board.sections for f in s.figures),
            strict=True):
        assert button.text() == f"{figure.label} : {figure_text(figure)}"
        button.click()
        if section.key == "mediation":
            assert not [d for d in page.findChildren(DrillDialog) if d.isVisible()]
            assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
            continue
        dialog = shown_list(qtbot, page)
        assert dialog.model.rowCount() == figure.count, figure.label
        qtmodeltester.check(dialog.model)
        dialog.close()

    # A table cell opens its list too.
    model = page.models[0]  # appointments by kind
    phone_no_show = model.index(0, 3)
    figure = phone_no_show.data(FIGURE_ROLE)
    assert (model.index(0, 0).data(), figure.label, figure.count) == (
        "Téléphonique", "Absents", 0)
    physical_honoured = model.index(1, 2).data(FIGURE_ROLE)
    dialog = page.open_list(physical_honoured)
    wait_for_list(qtbot, dialog)
    assert dialog.model.rowCount() == physical_honoured.count == 1
    dialog.close()

    # The report, from the figures on screen.
    target = tmp_path / "rapport.pdf"
    monkeypatch.setattr(DashboardPage, "ask_path", classmethod(lambda cls, *a: str(target)))
    page.report_button.click()
    qtbot.waitUntil(lambda: page.state.text().startswith("Rapport enregistré"), timeout=5000)
    text = flat(" ".join(p.extract_text() for p in PdfReader(BytesIO(target.read_bytes())).pages))
    assert "Rapport d'activité — octobre 2026" in text
    for button in page.figure_buttons:
        label, value = button.text().rsplit(" : ", 1)
        assert flat(f"{label} {value}") in text


def test_a_site_filter_refreshes_the_figures(qtbot, make_context, october):
    page = open_page(qtbot, make_context(Role.MANAGER))
    choose_month(qtbot, page, OCTOBER)
    voiron = next(i for i in range(page.site.count())
                  if page.site.itemText(i) == "Point conseil de Voiron")
    page.site.setCurrentIndex(voiron)
    qtbot.waitUntil(lambda: page.board.site_id == october.empty_site_id, timeout=5000)
    assert "Rendez-vous du mois : 0" in [b.text() for b in page.figure_buttons]
    assert "Point conseil de Voiron" in page.state.text()
    choose_month(qtbot, page, date(2026, 6, 1))
    assert page.state.text() == "Aucune activité enregistrée en juin 2026 (Point conseil de " \
                                "Voiron)."


def test_a_mediator_sees_the_mediation_figures_only(qtbot, make_context, october):
    page = open_page(qtbot, make_context(Role.MEDIATOR))
    choose_month(qtbot, page, OCTOBER)
    assert [s.key for s in page.board.sections] == ["mediation"]
    closed = next(b for b in page.figure_buttons if b.text().startswith("Dossiers clôturés"))
    closed.click()
    dialog = shown_list(qtbot, page)
    assert dialog.model.rowCount() == 3
    assert dialog.model.index(0, 0).data().startswith("MED-2026-")
    assert page.site.itemText(0) == dashboard_model.ALL_SITES


def test_the_dashboard_opens_on_the_month_the_parcours_page_opens_on(qtbot, make_context,
                                                                      october):
    """Without a cohort for the current month both open on the month before (the
    pathway figures are those of a cohort being worked, not zeros)."""
    from desktop.pathways.page import PathwaysPage

    ctx = make_context(Role.MANAGER)
    page = open_page(qtbot, ctx)
    parcours = PathwaysPage(ctx)
    qtbot.addWidget(parcours)
    qtbot.waitUntil(lambda: bool(parcours.kinds), timeout=5000)
    with ctx.store.unit(ctx.actor) as unit:
        expected = month_to_show(unit, date.today())
    assert page.board.month == parcours.month.value() == expected
    assert expected == add_months(date.today(), -1)  # no cohort imported for this month
