"""« Exporter… » beside the lists, as a user does it: the file holds the rows and columns the
screen shows, read back with openpyxl and Python's csv."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from PySide6.QtCore import Qt

from db.callbacks import requests
from db.callbacks.requests import CallbackInput
from db.roles import Role
from desktop.callbacks.page import COLUMNS as CALLBACK_COLUMNS
from desktop.callbacks.page import CallbacksPage
from desktop.list_export import ExportPrompt
from desktop.people.search import COLUMNS as PEOPLE_COLUMNS
from tests.db.agenda_setup import make_agenda
from tests.gui.test_callbacks import FRIDAY_3PM
from tests.gui.test_people import add_person, search


@pytest.fixture
def export_to(monkeypatch, tmp_path):
    """``export_to("x.xlsx")``: the file the next « Exporter… » is answered with."""
    def answer(name: str):
        target = tmp_path / name
        monkeypatch.setattr(ExportPrompt, "save_path",
                            classmethod(lambda cls, parent, suggested: str(target)))
        return target

    return answer


def screen_rows(model) -> list[list[str]]:
    return [[model.data(model.index(row, column)) for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def as_shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}" if value.time() != datetime.min.time() \
            else f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def export(qtbot, button) -> None:
    with qtbot.waitSignal(button.exported, timeout=10000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_people_found_export_as_shown(qtbot, sqlite_store, gui_actors, make_context,
                                          export_to):
    from desktop.people.page import PeoplePage

    adviser = gui_actors[Role.ADVISER]
    add_person(sqlite_store, adviser)
    add_person(sqlite_store, adviser, last_name="=Lefort", first_name="Luc", phone="",
               nir="2 70 03 71 334 050 51", birth_date=date(1970, 3, 3))
    page = PeoplePage(make_context(Role.PARTNER))
    qtbot.addWidget(page)
    page.show()
    assert len(search(qtbot, page, "lef")) == 2
    target = export_to("personnes.xlsx")
    export(qtbot, page.export_button)
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == PEOPLE_COLUMNS
    shown = screen_rows(page.search.model)
    assert [[as_shown(v) for v in row] for row in rows[1:]] == [
        [text if text != "—" else "" for text in row] for row in shown]
    assert sheet.cell(2, 5).is_date  # the birth date, a date for the spreadsheet
    names = [row[0] for row in rows[1:]]
    assert "=LEFORT" in names and sheet.cell(names.index("=LEFORT") + 2, 1).data_type == "s"


def test_a_partner_exports_their_queue_without_the_hidden_column(
        qtbot, sqlite_store, gui_actors, make_context, export_to):
    setup = make_agenda(sqlite_store, gui_actors)
    partner = gui_actors[Role.PARTNER]
    with sqlite_store.unit(partner) as unit:
        requests.take_callback(unit, CallbackInput(site_id=setup.site_id,
                                                   person_id=setup.person_id,
                                                   reason="@SOMME(A1)"),
                               now=FRIDAY_3PM)
    page = CallbacksPage(make_context(Role.PARTNER), clock=lambda: FRIDAY_3PM)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loaded_once and page.model.rowCount() == 1, timeout=10000)
    target = export_to("rappels.csv")
    export(qtbot, page.export_button)
    table = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    visible = [c for i, c in enumerate(CALLBACK_COLUMNS) if not page.table.isColumnHidden(i)]
    assert "Prise par" not in visible and table[0] == visible
    shown = [text for i, text in enumerate(screen_rows(page.model)[0])
             if not page.table.isColumnHidden(i)]
    assert table[1] == [*shown[:-1], "'@SOMME(A1)"]  # a formula-looking text stays text


@pytest.mark.parametrize("role, area, first_header", [
    (Role.ADVISER, "agenda", "Date"), (Role.ADVISER, "preparation", "Échéance"),
    (Role.ADVISER, "pathways", "Parcours"), (Role.MEDIATOR, "mediation", "Référence"),
])
def test_every_area_exports_its_list(qtbot, make_context, export_to, role, area, first_header):
    from desktop.list_export import ExportButton
    from desktop.main_window import MainWindow

    window = MainWindow(make_context(role))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_area(area)
    qtbot.waitUntil(lambda: bool(page.findChildren(ExportButton)), timeout=10000)
    button = page.findChildren(ExportButton)[0]
    target = export_to(f"{area}.xlsx")
    export(qtbot, button)
    header = next(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert header[0] == first_header
