"""The people registry screens, driven like a user would: type, click, read what is shown."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from db import validation
from db.people import records as people_records
from db.people import search as people_search
from db.people.models import Person, PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit.audit import AuditEvent
from desktop.people.dialog import PersonDialog
from desktop.people.page import PeoplePage
from desktop.people.search import count_line


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Like ``qtbot.keyClicks``, which aborts on letters outside ASCII (« é »)."""
    for char in text:
        if char.isascii():
            qtbot.keyClick(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     char))


@pytest.fixture
def open_page(qtbot, make_context):
    def open_(role: Role = Role.ADVISER) -> PeoplePage:
        page = PeoplePage(make_context(role))
        qtbot.addWidget(page)
        page.resize(1000, 600)
        page.show()
        qtbot.waitExposed(page)
        return page

    return open_


def search(qtbot, page: PeoplePage, text: str) -> list:
    """Type ``text`` in the search field as a user would; the ids the list then holds."""
    page.search_field.clear()
    with qtbot.waitSignal(page.search.searched, timeout=5000,
                          check_params_cb=lambda searched, _count: searched == text):
        type_text(qtbot, page.search_field, text)
    return page.search.model.keys()


def add_person(store, actor, **overrides):
    values = dict(kind=PersonKind.BENEFICIARY, last_name="Lefèvre", first_name="Éloïse",
                  birth_date=date(1984, 12, 3), nir="1 84 12 76 451 089 46",
                  phone="06 12 34 56 78", city="Grenoble")
    values.update(overrides)
    with store.unit(actor) as unit:
        return people_records.create_person(unit, PersonInput(**values))


def wait_for_dialog(qtbot, page: PeoplePage) -> PersonDialog:
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    return page.dialog


def nir_readings(store) -> list:
    """Who read a NIR in clear, by the audit trail."""
    with store.session() as session:
        return list(session.scalars(select(AuditEvent.actor_id)
                                    .where(AuditEvent.action == "read_nir")))


def open_first_result(qtbot, page: PeoplePage) -> PersonDialog:
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    return wait_for_dialog(qtbot, page)


def fill(qtbot, dialog: PersonDialog, **texts: str) -> None:
    editors = {**dialog.editors, "nir": dialog.nir, "birth_date": dialog.birth_date}
    for name, text in texts.items():
        editors[name].clear()
        type_text(qtbot, editors[name], text)


def person_count(store) -> int:
    with store.session() as session:
        return session.query(Person).count()


def test_a_person_created_through_the_form_is_found_by_name_nir_and_phone(
        qtbot, open_page, sqlite_store):
    page = open_page()
    page.new_person()
    dialog = wait_for_dialog(qtbot, page)
    assert dialog.windowTitle() == "Nouvelle personne"
    fill(qtbot, dialog, nir="1 84 12 76 451 089 46", last_name="Lefèvre", first_name="Éloïse",
         birth_date="03/12/1984", phone="06 12 34 56 78", email="eloise@exemple.fr",
         city="Grenoble")
    assert dialog.civility.text() == "Monsieur"  # derived from the NIR's first digit
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)

    with sqlite_store.session() as session:
        (person,) = session.query(Person).all()
        assert (person.last_name, person.phone) == ("Lefèvre", "+33612345678")
    for text in ("lef élo", "LEFEVRE", "1 84 12 76 451", "184127645108946", "06 12",
                 "+33 6 12 34"):
        assert search(qtbot, page, text) == [person.id], text
    assert page.count.text() == "1 personne"
    model = page.search.model
    assert [model.data(model.index(0, c)) for c in range(7)] == [
        "LEFÈVRE", "Éloïse", "Assuré(e)", "1 84 12 ** *** *** 46", "03/12/1984",
        "06\u00a012\u00a034\u00a056\u00a078", "Grenoble"]


def test_text_fields_take_no_more_than_the_database_holds(qtbot, open_page):
    page = open_page()
    page.new_person()
    dialog = wait_for_dialog(qtbot, page)
    dialog.editors["last_name"].setFocus()
    qtbot.keyClicks(dialog.editors["last_name"], "M" * 120)
    assert dialog.editors["last_name"].text() == "M" * 100
    assert (dialog.editors["city"].maxLength(), dialog.editors["address"].maxLength()) == (
        120, 300)
    # Typed with spaces, stored without: not limited to its column.
    qtbot.keyClicks(dialog.nir, "1 84 12 76 451 089 46")
    assert dialog.nir.text() == "1 84 12 76 451 089 46"


def test_invalid_values_are_explained_beside_their_fields_and_nothing_is_written(
        qtbot, open_page, sqlite_store):
    page = open_page()
    page.new_person()
    dialog = wait_for_dialog(qtbot, page)
    fill(qtbot, dialog, nir="1 84 12 76 451 089 47", last_name="Lefèvre", first_name="Éloïse",
         birth_date="03/12/1984", phone="12", email="pas-un-mail")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    form = dialog.form
    qtbot.waitUntil(lambda: form.field("nir").error.isVisible(), timeout=5000)
    assert form.field("nir").error_text() == (
        validation.NIR_KEY_MISMATCH)
    assert "téléphone n'est pas valide" in form.field("phone").error_text()
    assert "e-mail n'est pas valide" in form.field("email").error_text()
    assert form.field("last_name").error_text() == ""
    assert dialog.nir.hasFocus()  # the first faulty field
    assert dialog.nir.accessibleDescription() == form.field("nir").error_text()
    assert dialog.isVisible()
    with sqlite_store.session() as session:
        assert session.query(Person).count() == 0
        assert session.query(AuditEvent).count() == 0


def test_an_unreadable_date_is_refused_with_the_other_errors(qtbot, open_page, sqlite_store):
    page = open_page()
    page.new_person()
    dialog = wait_for_dialog(qtbot, page)
    fill(qtbot, dialog, nir="1 84 12 76 451 089 46", first_name="Éloïse",
         birth_date="31/02/1984")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    form = dialog.form
    qtbot.waitUntil(lambda: form.field("birth_date").error.isVisible(), timeout=5000)
    assert form.field("birth_date").error_text() == (
        "Le 31/02/1984 n'existe pas : ce mois compte 29 jours.")
    assert form.field("last_name").error_text() == "Le nom est obligatoire."
    assert person_count(sqlite_store) == 0


def test_list_masks_nirs_and_shows_a_hint_when_the_search_is_empty(
        qtbot, open_page, sqlite_store, gui_actors, qtmodeltester):
    add_person(sqlite_store, gui_actors[Role.ADVISER])
    add_person(sqlite_store, gui_actors[Role.ADVISER], last_name="Lefort", first_name="Luc",
               nir="2 70 03 71 334 050 51", birth_date=date(1970, 3, 3), phone="")
    page = open_page(Role.MANAGER)
    assert page.stack.currentWidget() is page.hint
    assert search(qtbot, page, "lef") and page.count.text() == "2 personnes"
    assert page.stack.currentWidget() is page.table
    model = page.search.model
    assert {model.data(model.index(row, 3)) for row in range(2)} == {
        "1 84 12 ** *** *** 46", "2 70 03 ** *** *** 51"}
    qtmodeltester.check(model)
    assert search(qtbot, page, "dupont") == []
    assert page.count.text() == "Aucune personne ne correspond à cette recherche."
    page.search_field.clear()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.hint, timeout=2000)
    assert "2\u00a0000" in count_line(people_search.SEARCH_LIMIT)
    assert "précisez la recherche" in count_line(people_search.SEARCH_LIMIT)


def test_a_broad_search_fills_the_screen_then_lists_and_counts_every_match(
        qtbot, open_page, sqlite_store, gui_actors):
    many = people_search.FIRST_PAGE + 6
    with sqlite_store.unit(gui_actors[Role.ADVISER]) as unit:
        for number in range(many):
            people_records.create_person(unit, PersonInput(
                kind=PersonKind.HEALTH_PROFESSIONAL, last_name=f"Martin{number:03d}",
                first_name="Zoé", profession="nurse"))
    page = open_page()
    listed = []
    page.search.listed.connect(lambda text: listed.append(page.search.model.rowCount()))
    with qtbot.waitSignal(page.search.searched, timeout=5000):
        page.search.search("mart")
    assert listed == [people_search.FIRST_PAGE]  # the first page was shown before the rest came
    model = page.search.model
    assert [model.data(model.index(row, 0)) for row in (0, many - 1)] == [
        "MARTIN000", f"MARTIN{many - 1:03d}"]
    assert page.count.text() == f"{many} personnes"
    assert page.stack.currentWidget() is page.table


def test_a_later_search_wins_over_an_earlier_answer(qtbot, open_page, sqlite_store, gui_actors):
    lefevre = add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page()
    with qtbot.waitSignal(page.search.searched, timeout=5000,
                          check_params_cb=lambda text, _count: text == "lef"):
        page.search.search("mar")
        page.search.search("lef")
    qtbot.waitUntil(page._ctx.tasks.idle, timeout=5000)
    assert page.search.model.keys() == [lefevre]
    assert page.search.text == "lef"


def test_a_partner_sees_no_nir_and_changes_only_the_contact_details(
        qtbot, open_page, sqlite_store, gui_actors):
    person_id = add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page(Role.PARTNER)
    assert not page.new_button.isVisible()
    rows = search(qtbot, page, "lefèvre")
    model = page.search.model
    assert rows and model.data(model.index(0, 3)) == ""  # not even masked
    dialog = open_first_result(qtbot, page)
    assert dialog.nir.text() == "" and dialog.nir.isReadOnly()
    assert nir_readings(sqlite_store) == []  # nothing was read
    assert dialog.nir.placeholderText() == "non communiqué à votre rôle"
    assert dialog.editors["last_name"].isReadOnly() and dialog.birth_date.isReadOnly()
    assert not dialog.editors["city"].isReadOnly()
    assert "pas son identité" in dialog.banner.text()
    fill(qtbot, dialog, city="Voiron")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    with sqlite_store.session() as session:
        person = session.get(Person, person_id)
        assert (person.nir, person.city) == ("184127645108946", "Voiron")


def test_a_partner_s_nir_search_is_refused_in_french(qtbot, open_page, sqlite_store,
                                                     gui_actors):
    add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page(Role.PARTNER)
    page.search.search("1 84 12")
    qtbot.waitUntil(lambda: "NIR" in page.count.text(), timeout=5000)
    assert "cherchez-la par son nom ou son téléphone" in page.count.text()


def test_adviser_sees_the_nir_in_full_and_the_history(qtbot, open_page, sqlite_store,
                                                      gui_actors):
    add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page()
    search(qtbot, page, "1 84 12")
    dialog = open_first_result(qtbot, page)
    assert dialog.nir.text() == "1 84 12 76 451 089 46"
    assert nir_readings(sqlite_store) == [gui_actors[Role.ADVISER].id]  # committed, audited
    assert not dialog.nir.isReadOnly()
    assert dialog.windowTitle() == "LEFÈVRE Éloïse"
    qtbot.waitUntil(lambda: "Fiche créée par C. Conseiller01" in dialog.history.text())
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.civility)))
    assert dialog.appointments.book_button.text() == "Prendre &rendez-vous"
    assert "médiation" not in texts  # an adviser does not see mediation files
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_a_stale_edit_is_refused_and_the_record_can_be_reloaded(
        qtbot, open_page, sqlite_store, gui_actors, monkeypatch):
    adviser = gui_actors[Role.ADVISER]
    person_id = add_person(sqlite_store, adviser)
    page = open_page()
    search(qtbot, page, "lef")
    dialog = open_first_result(qtbot, page)
    with sqlite_store.unit(gui_actors[Role.MEDIATOR]) as unit:  # someone else saves meanwhile
        record = people_records.get_person(unit, person_id)
        record.data.city = "Échirolles"
        people_records.update_person(unit, person_id, record.version,
                             record.data)
    questions: list[str] = []
    monkeypatch.setattr(PersonDialog, "ask",
                        classmethod(lambda _cls, _parent, text: questions.append(text) or True))
    fill(qtbot, dialog, city="Voiron")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.editors["city"].text() == "Échirolles", timeout=5000)
    assert "Quelqu'un d'autre a modifié cette fiche entre-temps" in questions[0]
    with sqlite_store.session() as session:
        assert session.get(Person, person_id).city == "Échirolles"


def test_manager_reads_a_record_but_cannot_edit_it(qtbot, open_page, sqlite_store, gui_actors):
    add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page(Role.MANAGER)
    assert not page.new_button.isVisible()
    search(qtbot, page, "lef")
    dialog = open_first_result(qtbot, page)
    assert not dialog.save_button.isVisible()
    assert dialog.editors["city"].isReadOnly()
    assert "ne permet pas de modifier" in dialog.banner.text()


def test_a_saved_person_is_selected_in_the_refreshed_list(qtbot, open_page, sqlite_store,
                                                          gui_actors):
    add_person(sqlite_store, gui_actors[Role.ADVISER])
    page = open_page()
    search(qtbot, page, "le")
    page.new_person()
    dialog = wait_for_dialog(qtbot, page)
    dialog.kind.setCurrentIndex(dialog.kind.findData(PersonKind.EMPLOYER))
    fill(qtbot, dialog, organisation_name="Les Ateliers du Drac", siret="732 829 320 00074")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.search.model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: page.table.currentIndex().isValid(), timeout=5000)
    model = page.search.model
    assert model.data(model.index(page.table.currentIndex().row(), 0)) == "Les Ateliers du Drac"
