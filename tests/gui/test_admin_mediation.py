"""Administration › Médiation: motives with their validity, letter templates with their
merge fields and preview, the team's delays; written through the services, refused in
French beside the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.mediation.models import LetterTemplate, MediationMotive, MediationSettings
from db.roles import Role
from desktop.admin.page import AdminPage

WAIT = 10_000


@pytest.fixture
def open_tab(qtbot, make_context):
    def open_(role: Role = Role.ADMIN) -> AdminPage:
        ctx = make_context(role)
        page = AdminPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
        return page

    return open_


def saved(qtbot, section) -> None:
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.banner.text() == "Enregistré.", timeout=WAIT)


def show(page: AdminPage, tab) -> None:
    page.tabs.setCurrentWidget(page.mediation)
    page.mediation.setCurrentWidget(tab)


def test_a_motive_is_retired_with_an_end_of_validity(qtbot, open_tab, sqlite_store):
    page = open_tab()  # kept: its tabs live as long as it does
    tab = page.mediation.motives
    show(page, tab)
    qtbot.waitUntil(lambda: tab.records.count() > 0, timeout=WAIT)
    tab.records.setCurrentRow(0)
    chosen = tab.section.motive
    tab.section.valid_until.set_date(date(2026, 12, 31))
    saved(qtbot, tab.section)
    with sqlite_store.session() as session:
        assert session.get(MediationMotive, chosen.id).valid_until == date(2026, 12, 31)
    tab.section.valid_until.set_date(tab.section.motive.valid_from - timedelta(days=1))
    qtbot.mouseClick(tab.section.save_button, Qt.MouseButton.LeftButton)
    field = tab.section.form.field("valid_until")
    qtbot.waitUntil(lambda: bool(field.error_text()), timeout=WAIT)
    assert field.error_text() == "La fin de validité précède son début."


def test_a_template_previews_its_merge_fields_and_refuses_unknown_ones(qtbot, open_tab,
                                                                      sqlite_store):
    page = open_tab()
    tab = page.mediation.templates
    show(page, tab)
    qtbot.waitUntil(lambda: tab.records.count() == 5, timeout=WAIT)
    section = tab.section
    section.body.setPlainText("{destinataire},\nVotre dossier {reference} est enregistré.")
    assert "Madame,\nVotre dossier MED-2026-00042 est enregistré." in section.preview.text()
    section.body.setPlainText("Bonjour {prenom}")
    assert "{prenom}" in section.preview.text()
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(section.form.field("body").error_text()), timeout=WAIT)
    section.body.setPlainText("{destinataire},\nVotre dossier {reference} est enregistré.")
    saved(qtbot, section)
    with sqlite_store.session() as session:
        bodies = [t.body for t in session.scalars(select(LetterTemplate))]
    assert "{destinataire},\nVotre dossier {reference} est enregistré." in bodies


def test_the_delays_are_saved(qtbot, open_tab, sqlite_store):
    page = open_tab()
    delays = page.mediation.delays
    qtbot.waitUntil(lambda: delays.current is not None, timeout=WAIT)
    delays.acknowledgement.setValue(5)
    delays.handling.setValue(2)
    saved(qtbot, delays)
    with sqlite_store.session() as session:
        current = session.scalars(select(MediationSettings)).one()
        assert (current.acknowledgement_days, current.handling_months) == (5, 2)


def test_a_manager_has_no_mediation_tab(open_tab):
    page = open_tab(Role.MANAGER)
    assert not hasattr(page, "mediation")
    assert "Médiation" not in [page.tabs.tabText(i).replace("&", "")
                               for i in range(page.tabs.count())]
