"""The Administration area: opening hours with a lunch closure, French refusals beside the
table, sites and their holidays, motives, availability and absences; what a manager may do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from db.agenda import setup as agenda_setup
from db.agenda import slots
from db.agenda.models import AppointmentKind, Motive
from db.org.models import Site
from db.roles import Role
from desktop.admin.motives import MotiveSection
from desktop.admin.page import AdminPage
from desktop.admin.sites import LogoPrompt, upcoming_holidays
from tests.db.agenda_setup import make_agenda
from tests.gui.test_people import type_text
from tests.images import emblem
from widgets.colours import error_color

MONDAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def setup(sqlite_store, gui_actors):
    return make_agenda(sqlite_store, gui_actors)


@pytest.fixture
def open_page(qtbot, make_context):
    def open_(role: Role = Role.ADMIN) -> AdminPage:
        page = AdminPage(make_context(role))
        qtbot.addWidget(page)
        page.resize(1100, 800)
        page.show()
        qtbot.waitExposed(page)
        hours = page.sites.hours.editor.model
        qtbot.waitUntil(lambda: hours.rowCount() > 0, timeout=10000)
        return page

    return open_


def set_rows(editor, rows) -> None:
    """Fill the table through the model, as the cell editors do."""
    model = editor.model
    while model.rowCount():
        model.remove_row(0)
    for number, row in enumerate(rows):
        model.insert_row(number, [None] * len(row))
        for column, value in enumerate(row):
            assert model.setData(model.index(number, column), value)


def monday_times(store, setup) -> list[str]:
    with store.unit(setup.adviser) as unit:
        found = slots.free_slots(unit, setup.motive_id,
                                 AppointmentKind.PHYSICAL, [setup.site_id], MONDAY, MONDAY,
                                 now=NOW)
    return [f"{s.local_start:%H:%M}" for s in found]


def test_opening_hours_with_a_lunch_closure_make_free_slots_skip_lunch(
        qtbot, setup, open_page, sqlite_store, qtmodeltester):
    page = open_page()
    section = page.sites.hours
    assert section.editor.model.rowCount() == 10  # five days, closed at lunch
    qtmodeltester.check(section.editor.model)
    set_rows(section.editor, [(0, time(8, 0), time(12, 30)), (0, time(14, 0), time(17, 0))])
    assert section.editor.model.data(section.editor.model.index(1, 0)) == "Lundi"
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.banner.text() == "Enregistré.", timeout=5000)

    with sqlite_store.unit(None) as unit:
        assert agenda_setup.opening_hours(unit, setup.site_id) == {
            0: [(time(8, 0), time(12, 30)), (time(14, 0), time(17, 0))]}
    times = monday_times(sqlite_store, setup)
    assert "12:00" in times and "14:00" in times
    assert not [t for t in times if "12:30" <= t < "14:00"]


def test_an_invalid_interval_is_explained_beside_the_table_and_nothing_is_written(
        qtbot, setup, open_page, sqlite_store):
    page = open_page()
    section = page.sites.hours
    with sqlite_store.unit(None) as unit:
        before = agenda_setup.opening_hours(unit, setup.site_id)
    set_rows(section.editor, [(0, time(12, 0), time(8, 0)), (1, time(8, 30), time(12, 0)),
                              (1, time(11, 0), time(16, 0)), (2, time(8, 30), time(12, 0))])
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    field = section.form.field("week")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=5000)
    assert field.error_text() == ("Lundi : l'heure de fin (08:00) doit suivre l'heure de début "
                                  "(12:00).\nMardi : deux plages se chevauchent.")
    assert field.error.isVisible()
    model = section.editor.model
    red = error_color(page.palette())
    assert [QColor(model.data(model.index(r, 1), Qt.ItemDataRole.ForegroundRole) or "black")
            == red for r in range(4)] == [True, True, True, False]
    with sqlite_store.unit(None) as unit:
        assert agenda_setup.opening_hours(unit, setup.site_id) == before


def test_a_manager_plans_hours_but_reads_motives_and_sites(qtbot, setup, open_page,
                                                          sqlite_store):
    page = open_page(Role.MANAGER)
    hours = page.sites.hours
    assert hours.save_button.isVisibleTo(page) and hours.editor.add_button.isVisibleTo(page)
    set_rows(hours.editor, [(0, time(8, 30), time(12, 0)), (0, time(13, 30), time(16, 30))])
    qtbot.mouseClick(hours.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hours.banner.text() == "Enregistré.", timeout=5000)
    with sqlite_store.unit(None) as unit:
        assert list(agenda_setup.opening_hours(unit, setup.site_id)) == [0]

    motive = page.motives.section
    assert not motive.save_button.isVisibleTo(page) and motive.code.isReadOnly()
    assert "permet de consulter cette partie, pas de la modifier" in motive.banner.text()
    assert not page.sites.description.save_button.isVisibleTo(page)
    assert not page.sites.new_button.isVisibleTo(page)


def test_a_refusal_of_the_role_by_the_service_makes_the_motive_read_only(
        qtbot, setup, make_context, sqlite_store, monkeypatch):
    # The screen believes it may edit (as it would with stale rights): the service decides.
    monkeypatch.setattr(MotiveSection, "finish", lambda self: None)
    section = MotiveSection(make_context(Role.MANAGER))
    qtbot.addWidget(section)
    section.show()
    section.show_motive(None)
    type_text(qtbot, section.code, "CV")
    type_text(qtbot, section.label, "Carte Vitale")
    section.kinds[AppointmentKind.PHYSICAL].setChecked(True)
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.code.isReadOnly(), timeout=5000)
    assert section.banner.text() == ("Votre rôle (Responsable) ne permet pas d'administrer "
                                     "Guichet.")
    assert not section.save_button.isVisible()
    with sqlite_store.session() as session:
        assert session.query(Motive).filter_by(code="CV").count() == 0


def test_an_admin_creates_a_motive_and_a_missing_kind_is_explained(qtbot, setup, open_page,
                                                                  sqlite_store):
    page = open_page()
    page.tabs.setCurrentWidget(page.motives)
    tab = page.motives
    qtbot.waitUntil(lambda: tab.motives.count() == 2, timeout=5000)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    section = tab.section
    type_text(qtbot, section.code, "c2s")
    type_text(qtbot, section.label, "Complémentaire santé solidaire")
    section.documents.setPlainText("Avis d'imposition\nJustificatif de domicile")
    section.active_to.set_date(date(2026, 2, 1))
    section.active_from.set_date(date(2026, 3, 1))
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.form.field("kinds").error_text() != "", timeout=5000)
    assert section.form.field("kinds").error_text() == "Choisissez au moins un type de " \
                                                       "rendez-vous."
    assert section.form.field("active_to").error_text() == "La fin de validité précède son " \
                                                           "début."
    section.kinds[AppointmentKind.PHONE].setChecked(True)
    section.active_to.set_date(None)
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.motives.count() == 3, timeout=5000)
    assert tab.motives.currentItem().text() == "Complémentaire santé solidaire (C2S)"
    with sqlite_store.session() as session:
        motive = session.query(Motive).filter_by(code="C2S").one()
        assert motive.documents == ["Avis d'imposition", "Justificatif de domicile"]
        assert motive.kinds == ["phone"] and motive.active_from == date(2026, 3, 1)


def test_a_site_edited_with_its_department_and_holidays(qtbot, setup, open_page,
                                                       sqlite_store):
    page = open_page()
    description = page.sites.description
    qtbot.waitUntil(lambda: description.detail is not None, timeout=5000)
    assert "Jours fériés du département 38" in page.sites.holidays.list.text()
    description.editors["name"].clear()
    qtbot.mouseClick(description.save_button, Qt.MouseButton.LeftButton)
    field = description.form.field("name")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=5000)
    assert field.error_text() == "Le nom du lieu d'accueil est obligatoire."

    type_text(qtbot, description.editors["name"], "Agence de Strasbourg")
    description.editors["department"].setText("67")
    qtbot.mouseClick(description.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "département 67" in page.sites.holidays.list.text(),
                    timeout=5000)
    with sqlite_store.session() as session:
        site = session.get(Site, setup.site_id)
        assert (site.name, site.department, site.version) == ("Agence de Strasbourg", "67", 3)
    assert page.sites.sites.currentItem().text().startswith("Agence de Strasbourg")


def test_a_sites_break_and_invitation_address_are_set_in_its_description(
        qtbot, setup, open_page, sqlite_store):
    assert monday_times(sqlite_store, setup)[:3] == ["08:30", "09:00", "09:30"]
    page = open_page()
    description = page.sites.description
    qtbot.waitUntil(lambda: description.detail is not None, timeout=5000)
    assert description.editors["email"].text() == "accueil.test@cpam-isere.exemple.fr"
    description.break_minutes.setValue(10)
    description.editors["email"].setText("accueil@")
    qtbot.mouseClick(description.save_button, Qt.MouseButton.LeftButton)
    field = description.form.field("email")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=5000)
    assert field.error_text().startswith("Cette adresse e-mail n'est pas valide")
    with sqlite_store.session() as session:
        assert session.get(Site, setup.site_id).break_minutes == 0  # nothing half-saved

    description.editors["email"].setText("accueil.voiron@cpam-isere.exemple.fr")
    qtbot.mouseClick(description.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: description.detail.version == 3, timeout=5000)
    assert description.break_minutes.value() == 10
    with sqlite_store.session() as session:
        site = session.get(Site, setup.site_id)
        assert (site.break_minutes, site.email) == (10, "accueil.voiron@cpam-isere.exemple.fr")
    # 30-minute appointments now come every 40 minutes.
    assert monday_times(sqlite_store, setup)[:3] == ["08:30", "09:10", "09:50"]


def test_the_letterhead_s_logo_is_chosen_beside_its_name_and_a_bad_file_refused(
        qtbot, setup, open_page, sqlite_store, tmp_path, monkeypatch):
    page = open_page()
    description = page.sites.description
    qtbot.waitUntil(lambda: description.detail is not None, timeout=5000)
    field = description.form.field("letterhead_logo")
    assert description.logo.image() is None
    assert description.logo.preview.text() == "Aucun logo\u00a0: les courriers n'en ont pas."
    assert not description.logo.remove_button.isEnabled()
    names = description.form.names()
    assert names.index("letterhead_logo") == names.index("letterhead") + 1  # beside it

    chosen = tmp_path / "logo.gif"
    chosen.write_bytes(emblem(kind="GIF"))
    monkeypatch.setattr(LogoPrompt, "choose", classmethod(lambda _cls, _parent: str(chosen)))
    qtbot.mouseClick(description.logo.choose_button, Qt.MouseButton.LeftButton)
    assert field.error_text().startswith("Ce fichier n'est pas une image PNG ou JPEG")
    assert description.logo.image() is None

    chosen = tmp_path / "logo.png"
    chosen.write_bytes(emblem())
    qtbot.mouseClick(description.logo.choose_button, Qt.MouseButton.LeftButton)
    assert field.error_text() == ""
    assert description.logo.image() == emblem()
    assert not description.logo.preview.pixmap().isNull()
    assert description.form.is_dirty()
    version = description.detail.version
    qtbot.mouseClick(description.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: description.detail.version == version + 1, timeout=5000)
    with sqlite_store.session() as session:
        assert session.get(Site, setup.site_id).letterhead_logo == emblem()
    assert description.logo.image() == emblem()  # read back with the site

    qtbot.mouseClick(description.logo.remove_button, Qt.MouseButton.LeftButton)
    assert description.logo.image() is None
    qtbot.mouseClick(description.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: description.detail.version == version + 2, timeout=5000)
    with sqlite_store.session() as session:
        assert session.get(Site, setup.site_id).letterhead_logo is None


def test_a_manager_sees_the_logo_but_cannot_change_it(qtbot, setup, open_page):
    page = open_page(Role.MANAGER)
    description = page.sites.description
    qtbot.waitUntil(lambda: description.detail is not None, timeout=5000)
    assert not description.logo.choose_button.isEnabled()
    assert not description.logo.remove_button.isEnabled()


def test_upcoming_holidays_follow_the_subdivision():
    alsace = dict(upcoming_holidays("67", date(2026, 3, 1)))
    assert alsace[date(2026, 4, 3)] == "Vendredi saint"
    assert date(2026, 4, 3) not in dict(upcoming_holidays("38", date(2026, 3, 1)))
    assert upcoming_holidays("974", date(2026, 12, 1))[0] == (
        date(2026, 12, 20), "Abolition de l'esclavage")


def test_availability_and_absences_of_an_adviser(qtbot, setup, open_page, sqlite_store,
                                                 qtmodeltester):
    page = open_page()
    page.tabs.setCurrentWidget(page.planning)
    availability = page.planning.availability
    qtbot.waitUntil(lambda: availability.editor.model.rowCount() == 15, timeout=5000)
    model = availability.editor.model
    assert [model.data(model.index(0, c)) for c in range(5)] == [
        "Lundi", "Agence de Grenoble", "Téléphonique", "08:00", "17:00"]
    qtmodeltester.check(model)
    set_rows(availability.editor, [(0, setup.site_id, AppointmentKind.PHONE, time(9, 0),
                                    time(12, 0))])
    qtbot.mouseClick(availability.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: availability.banner.text() == "Enregistré.", timeout=5000)
    with sqlite_store.unit(None) as unit:
        (row,) = agenda_setup.availability(unit, setup.adviser.id)
        assert (row.kind, row.starts, row.ends) == (AppointmentKind.PHONE, time(9), time(12))

    absences = page.planning.absences
    absences.starts_day.set_date(date(2030, 3, 18))
    absences.ends_day.set_date(date(2030, 3, 17))
    qtbot.mouseClick(absences.add_button, Qt.MouseButton.LeftButton)
    field = absences.form.field("ends_at")
    qtbot.waitUntil(lambda: field.error_text() != "", timeout=5000)
    assert field.error_text() == "La fin de l'absence doit suivre son début."
    absences.ends_day.set_date(date(2030, 3, 18))
    type_text(qtbot, absences.label, "Formation")
    qtbot.mouseClick(absences.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: absences.list.count() == 1
                    and "Formation" in absences.list.item(0).text(), timeout=5000)
    assert absences.list.item(0).text() == ("du 18/03/2030 08:00 au 18/03/2030 18:00 — "
                                            "Formation")
    assert absences.label.text() == ""  # the form is ready for the next one
    absences.list.setCurrentRow(0)
    qtbot.mouseClick(absences.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: absences.list.count() == 1
                    and absences.list.item(0).text() == "Aucune absence à venir.",
                    timeout=5000)


def test_an_exceptional_closure_is_added_and_removed(qtbot, setup, open_page, sqlite_store):
    page = open_page()
    closed = page.sites.closed
    qtbot.waitUntil(lambda: closed.list.count() == 1, timeout=5000)
    assert closed.list.item(0).text() == "Aucune fermeture exceptionnelle à venir."
    closed.day.setText("31/02/2030")
    qtbot.mouseClick(closed.add_button, Qt.MouseButton.LeftButton)
    assert closed.form.field("day").error_text() == (
        "Le 31/02/2030 n'existe pas : ce mois compte 28 jours.")
    closed.day.set_date(date(2030, 5, 31))
    type_text(qtbot, closed.label, "Inventaire")
    qtbot.mouseClick(closed.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed.list.count() == 1
                    and "Inventaire" in closed.list.item(0).text(), timeout=5000)
    assert closed.list.item(0).text() == "vendredi 31/05/2030 — Inventaire"
    with sqlite_store.unit(None) as unit:
        assert [c.label for c in agenda_setup.closed_days(unit, setup.site_id,
                                                    date(2030, 1, 1))] == ["Inventaire"]
    closed.list.setCurrentRow(0)
    qtbot.mouseClick(closed.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed.list.count() == 1 and closed.list.item(0).text()
                    == "Aucune fermeture exceptionnelle à venir.", timeout=5000)
    with sqlite_store.unit(None) as unit:
        assert agenda_setup.closed_days(unit, setup.site_id, date(2030, 1, 1)) == []


def test_the_main_window_opens_administration_for_managers_and_admins(qtbot, make_context):
    from desktop.main_window import MainWindow

    for role, shown in ((Role.MANAGER, True), (Role.ADMIN, True), (Role.ADVISER, False)):
        window = MainWindow(make_context(role))
        qtbot.addWidget(window)
        assert ("admin" in window.areas) is shown
        if shown:
            assert isinstance(window.show_area("admin"), AdminPage)
