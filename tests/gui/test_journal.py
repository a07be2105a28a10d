"""Administration › Journal and the mediation area's « Journal », as their readers use them:
filters by account, period and person, pages read as the list scrolls, the CSV export, what a
mediator reads, and names for every field a screen reader reaches."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from db.journal.trail import SYSTEM
from db.mediation import reading as mediation_reading
from db.people import records as people_records
from db.roles import Role
from desktop.admin import journal as journal_screen
from desktop.admin.journal import COLUMNS, JournalView
from desktop.admin.page import AdminPage
from desktop.mediation.page import MediationPage
from desktop.people.page import PeoplePage
from tests.db.test_journal import add_events
from tests.gui.test_mediation import add_case
from tests.gui.test_people import add_person, open_first_result, search, type_text
from tests.widgets.accessibility import unnamed_focusable

PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    return datetime.now(PARIS).date()


def shown(view: JournalView) -> list[tuple[str, ...]]:
    """The lines as the list shows them: every column but the date and time."""
    model = view.search.model
    return [tuple(model.data(model.index(row, column)) for column in range(1, len(COLUMNS)))
            for row in range(model.rowCount())]


def wait_listed(qtbot, view: JournalView, count: int | None = None) -> None:
    qtbot.waitUntil(lambda: view.count.text() not in ("", "Lecture du journal…")
                    and (count is None or view.search.model.rowCount() == count),
                    timeout=5000)


@pytest.fixture
def activity(sqlite_store, gui_actors):
    """An adviser created and opened a person; a system job ran ten days ago."""
    adviser = gui_actors[Role.ADVISER]
    person_id = add_person(sqlite_store, adviser)
    with sqlite_store.unit(adviser) as unit:
        people_records.get_person(unit, person_id)
    add_person(sqlite_store, gui_actors[Role.ADMIN], last_name="Martin", first_name="Zoé",
               nir="2 70 03 71 334 050 51", birth_date=date(1970, 3, 3))
    add_events(sqlite_store, {"occurred_at": datetime.now(UTC) - timedelta(days=10),
                              "actor_id": None, "action": "import",
                              "entity_type": "pathway_import", "entity_id": uuid.uuid4()})
    return person_id


@pytest.fixture
def open_journal(qtbot, make_context):
    pages = []  # alive until the end of the test

    def open_(role: Role = Role.ADMIN) -> JournalView:
        page = AdminPage(make_context(role))
        pages.append(page)
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        qtbot.waitExposed(page)
        page.tabs.setCurrentWidget(page.journal)
        wait_listed(qtbot, page.journal)
        return page.journal

    return open_


def test_an_administrator_filters_the_journal_by_account_and_period(
        qtbot, activity, open_journal, gui_actors, qtmodeltester):
    view = open_journal()
    adviser, admin = gui_actors[Role.ADVISER], gui_actors[Role.ADMIN]
    assert (view.since.text(), view.until.text()) == (
        f"{today() - timedelta(days=6):%d/%m/%Y}", f"{today():%d/%m/%Y}")
    created = "Type\u00a0: Assuré(e)"
    assert shown(view) == [
        (admin.display_name, "Création", "Personne", "MARTIN Zoé", created),
        (adviser.display_name, "Lecture du NIR en clair", "Personne", "LEFÈVRE Éloïse", ""),
        (adviser.display_name, "Création", "Personne", "LEFÈVRE Éloïse", created),
    ]
    assert view.count.text() == "3 entrées"
    qtmodeltester.check(view.search.model)

    assert view.account.set_value(adviser.id)
    wait_listed(qtbot, view, 2)
    assert {line[0] for line in shown(view)} == {adviser.display_name}

    assert view.account.set_value(SYSTEM)
    wait_listed(qtbot, view, 0)
    assert view.count.text() == "Aucune entrée du journal ne correspond à ces critères."
    view.since.clear()
    type_text(qtbot, view.since, f"{today() - timedelta(days=12):%d/%m/%Y}")
    qtbot.keyClick(view.since, Qt.Key.Key_Return)
    wait_listed(qtbot, view, 1)
    assert shown(view) == [("système", "Import", "Import de parcours", "", "")]

    view.until.setText("31/02/2026")
    qtbot.keyClick(view.until, Qt.Key.Key_Return)
    assert view.banner.text() == "Le 31/02/2026 n'existe pas : ce mois compte 28 jours."
    assert view.search.model.rowCount() == 1  # the list stays as it was


def test_the_person_filter_shows_the_entries_about_them(qtbot, activity, open_journal):
    view = open_journal()
    type_text(qtbot, view.person.field, "lefèvre")
    qtbot.waitUntil(lambda: view.person.search.model.rowCount() == 1, timeout=5000)
    view.person.table.setFocus()
    view.person.table.selectRow(0)
    qtbot.keyClick(view.person.table, Qt.Key.Key_Return)
    wait_listed(qtbot, view, 2)
    assert [(line[1], line[3]) for line in shown(view)] == [
        ("Lecture du NIR en clair", "LEFÈVRE Éloïse"), ("Création", "LEFÈVRE Éloïse")]


def test_the_export_writes_the_filtered_entries_to_a_french_csv(
        qtbot, activity, open_journal, gui_actors, tmp_path, monkeypatch):
    view = open_journal()
    assert view.account.set_value(gui_actors[Role.ADVISER].id)
    wait_listed(qtbot, view, 2)
    target = tmp_path / "journal.csv"
    suggested = []
    monkeypatch.setattr(journal_screen.ExportPrompt, "save_path", classmethod(
        lambda _cls, _parent, name: suggested.append(name) or str(target)))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.banner.text().startswith("2 entrées exportées"), timeout=5000)
    assert suggested == [f"journal-{today() - timedelta(days=6)}-au-{today()}.csv"]
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row[1:5] for row in rows] == [
        ["Compte", "Action", "Type d'enregistrement", "Enregistrement"],
        [gui_actors[Role.ADVISER].display_name, "Lecture du NIR en clair", "Personne",
         "LEFÈVRE Éloïse"],
        [gui_actors[Role.ADVISER].display_name, "Création", "Personne", "LEFÈVRE Éloïse"]]
    assert rows[1][0] == shown_when(view, 0)


def shown_when(view: JournalView, row: int) -> str:
    model = view.search.model
    return model.data(model.index(row, 0))


def test_pages_are_read_as_the_list_scrolls_down(qtbot, sqlite_store, open_journal):
    moment = datetime.now(UTC) - timedelta(hours=1)
    add_events(sqlite_store, *({"occurred_at": moment + timedelta(seconds=n), "actor_id": None,
                                "action": "update", "entity_type": "site",
                                "entity_id": uuid.uuid4()} for n in range(450)))
    view = open_journal()
    assert view.search.model.rowCount() == 200
    assert view.count.text().startswith("Les 200 entrées les plus récentes")
    view.table.scrollToBottom()
    wait_listed(qtbot, view, 400)
    view.table.scrollToBottom()
    wait_listed(qtbot, view, 450)
    assert view.count.text() == "450 entrées"
    whens = [entry.occurred_at for entry in view.search.model.rows()]
    assert whens == sorted(whens, reverse=True) and len(set(whens)) == 450


def test_a_mediator_reads_the_journal_of_the_mediation_files(
        qtbot, sqlite_store, gui_actors, make_context, activity):
    case_id = add_case(sqlite_store, gui_actors, activity)
    page = MediationPage(make_context(Role.MEDIATOR))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(page.tabs.isVisible, timeout=5000)
    page.open_case(case_id)
    qtbot.waitUntil(lambda: page.case_view.record is not None, timeout=5000)
    page.tabs.setCurrentWidget(page.journal)
    wait_listed(qtbot, page.journal)
    mediator = gui_actors[Role.MEDIATOR].display_name
    reference = page.case_view.record.reference
    lines = shown(page.journal)
    assert lines[0] == (mediator, "Consultation", "Dossier de médiation", reference, "")
    assert {line[2] for line in lines} == {"Dossier de médiation"}  # nothing else
    kinds = [page.journal.kind.itemText(i) for i in range(1, page.journal.kind.count())]
    assert "Dossier de médiation" in kinds and all("médiation" in kind for kind in kinds)


def test_only_readers_of_the_journal_get_the_tab(qtbot, make_context):
    for role, expected in ((Role.MANAGER, False), (Role.ADMIN, True)):
        page = AdminPage(make_context(role))
        qtbot.addWidget(page)
        assert (page.journal is not None) is expected
    assistant = MediationPage(make_context(Role.MEDIATION_ASSISTANT))
    qtbot.addWidget(assistant)
    assert assistant.journal is None


def test_every_field_of_the_journal_has_a_name(qtbot, activity, open_journal):
    view = open_journal()
    assert unnamed_focusable(view) == []


def test_an_administrator_outside_the_mediation_team_reads_no_mediation_entry(
        qtbot, sqlite_store, gui_actors, activity, open_journal):
    case_id = add_case(sqlite_store, gui_actors, activity)
    with sqlite_store.unit(gui_actors[Role.MEDIATOR]) as unit:
        mediation_reading.open_case(unit, case_id)
    view = open_journal()
    assert view.scope.text().endswith("sont réservées à l'équipe de médiation.")
    assert shown(view)  # the person's entries, the administrator's own…
    assert not [line for line in shown(view) if "médiation" in line[2]]
    kinds = [view.kind.itemText(i) for i in range(view.kind.count())]
    assert "Personne" in kinds and not [kind for kind in kinds if "médiation" in kind]

    # The mediator's own entries hold nothing for the administrator either.
    assert view.account.set_value(gui_actors[Role.MEDIATOR].id)
    wait_listed(qtbot, view, 0)
    assert view.count.text() == "Aucune entrée du journal ne correspond à ces critères."


def test_a_nir_read_on_the_people_screen_appears_in_the_journal(
        qtbot, sqlite_store, gui_actors, make_context, open_journal):
    adviser, partner = gui_actors[Role.ADVISER], gui_actors[Role.PARTNER]
    add_person(sqlite_store, gui_actors[Role.ADMIN])
    view = open_journal()
    assert view.kind.set_value(frozenset({"person"}))
    wait_listed(qtbot, view, 1)
    assert [line[1] for line in shown(view)] == ["Création"]

    # A partner is not given the NIR: no reading. An adviser reads it in clear: one.
    for role in (Role.PARTNER, Role.ADVISER):
        people = PeoplePage(make_context(role))
        qtbot.addWidget(people)
        people.show()
        search(qtbot, people, "lefèvre")
        dialog = open_first_result(qtbot, people)
        assert (dialog.nir.text() == "") is (role is Role.PARTNER)
        dialog.close_button.click()
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    wait_listed(qtbot, view, 2)
    assert shown(view)[0] == (adviser.display_name, "Lecture du NIR en clair", "Personne",
                              "LEFÈVRE Éloïse", "")
    assert partner.display_name not in {line[0] for line in shown(view)}
    assert "1 84 12" not in view.search.model.data(view.search.model.index(0, 5))
