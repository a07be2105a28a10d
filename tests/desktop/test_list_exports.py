"""Every list as a spreadsheet, read back with openpyxl and Python's csv: the screen's columns,
its rows, typed dates, formula-looking text kept as text. On both engines."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from db.agenda import appointments
from db.errors import PermissionDenied
from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.roles import Role
from desktop.documents import lists, spreadsheet
from tests.db.test_dashboard import october_activity

OCTOBER = lists.ListFilter(date(2026, 10, 1), date(2026, 10, 31))


def read_xlsx(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book.active


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def sheet_of(store, actor, name: str, wanted=OCTOBER) -> spreadsheet.Sheet:
    with store.unit(actor) as unit:
        return lists.list_sheet(unit, name, wanted)


def test_the_agenda_list_exports_its_rows_and_columns(store, actors):
    from desktop.agenda.common import COLUMNS

    october_activity(store, actors)
    manager = actors[Role.MANAGER]
    sheet = sheet_of(store, manager, "appointments")
    with store.unit(manager) as unit:
        starts, ends = OCTOBER.bounds()
        ids = appointments.find_appointments(unit, appointments.AppointmentFilter(starts, ends))
    page = read_xlsx(spreadsheet.to_xlsx(sheet))
    rows = list(page.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) - 1 == len(ids) == 8  # the moved one at its new time too
    assert page.freeze_panes == "A2" and page.title == "Rendez-vous"
    first = next(page.iter_rows(min_row=2, max_row=2))
    assert first[0].is_date and first[0].value == datetime(2026, 10, 12)
    assert first[0].number_format == "DD/MM/YYYY"
    assert first[1].value.strftime("%H:%M") == "09:00"  # the site's time, not UTC
    assert rows[1][2] == "DUPONT Marie" and rows[1][5] == "Honoré"
    assert page.column_dimensions["C"].width >= 20
    table = read_csv(spreadsheet.to_csv(sheet))
    assert table[0] == list(COLUMNS) and len(table) == 9
    assert table[1][:3] == ["12/10/2026", "09:00", "DUPONT Marie"]


def test_a_formula_looking_name_stays_text(store, actors):
    adviser = actors[Role.ADVISER]
    with store.unit(adviser) as unit:
        people_records.create_person(unit, PersonInput(
            kind=PersonKind.BENEFICIARY, last_name="=HYPERLINK(\"http://x\")", first_name="@Eve",
            birth_date=date(1990, 5, 6), nir="1 90 05 38 185 123 76"))
    sheet = sheet_of(store, adviser, "people", lists.ListFilter())
    cell = next(read_xlsx(spreadsheet.to_xlsx(sheet)).iter_rows(min_row=2, max_row=2))
    assert cell[0].data_type == "s" and cell[0].value.startswith("=HYPERLINK")
    assert cell[4].is_date and cell[4].value == datetime(1990, 5, 6)
    table = read_csv(spreadsheet.to_csv(sheet))
    assert table[1][0].startswith("'=HYPERLINK") and table[1][1] == "'@Eve"
    assert table[1][4] == "06/05/1990"


def test_each_list_has_its_screens_columns(store, actors):
    from desktop.callbacks.page import COLUMNS as CALLBACKS
    from desktop.mediation.case_list import COLUMNS as CASES
    from desktop.pathways.worklist import COLUMNS as WORKLIST
    from desktop.people.search import COLUMNS as PEOPLE
    from desktop.preparation.page import COLUMNS as PREPARATIONS

    october_activity(store, actors)
    expected = {"people": (Role.ADVISER, PEOPLE, 4), "callbacks": (Role.ADVISER, CALLBACKS, 4),
                "preparations": (Role.ADVISER, PREPARATIONS, 0),
                "worklist": (Role.ADVISER, ("Parcours", "Mois", *WORKLIST), 3),
                "cases": (Role.MEDIATOR, CASES, 4), "audit": (Role.ADMIN, None, None)}
    for name, (role, headers, count) in expected.items():
        sheet = sheet_of(store, actors[role], name)
        if headers is not None:
            assert sheet.headers == headers, name
            assert len(sheet.rows) == count, name
    journal = sheet_of(store, actors[Role.ADMIN], "audit", lists.ListFilter())  # written now
    assert journal.headers[0] == "Date et heure" and len(journal.rows) > 20
    assert all(isinstance(row[0], datetime) for row in journal.rows)


def test_the_people_list_masks_the_nir(store, actors):
    october_activity(store, actors)
    sheet = sheet_of(store, actors[Role.ADVISER], "people", lists.ListFilter())
    nirs = [row[3] for row in sheet.rows if row[3]]
    assert nirs and all("*" in nir for nir in nirs)


@pytest.mark.parametrize("name, role", [("cases", Role.ADVISER), ("audit", Role.MANAGER),
                                        ("worklist", Role.PARTNER),
                                        ("appointments", Role.MEDIATOR)])
def test_a_role_exports_only_what_its_screens_show(store, actors, name, role):
    with pytest.raises(PermissionDenied):
        sheet_of(store, actors[role], name)


def test_a_partner_exports_only_the_callbacks_they_left(store, actors):
    october_activity(store, actors)
    assert sheet_of(store, actors[Role.PARTNER], "callbacks").rows == []


def test_the_list_behind_each_dashboard_figure_exports_as_many_rows(store, actors):
    from db.dashboard import drill, figures
    from desktop.dashboard.drill import _COLUMNS as DRILL_HEADERS
    from desktop.documents.drill_lists import drill_sheet
    from tests.db.test_dashboard import NOW

    october_activity(store, actors)
    manager = actors[Role.MANAGER]
    with store.unit(manager) as unit:
        board = figures.dashboard(unit, date(2026, 10, 1), now=NOW)
        sources = set()
        for section in board.sections:
            for figure in section.all_figures():
                if not figure.count or figure.drill.source in sources or not section.lists:
                    continue  # a manager gets the mediation figures without their cases
                ids = drill.drill_ids(unit, figure.drill, now=NOW)
                sheet = drill_sheet(unit, figure.drill.source, ids, figure.label)
                assert len(sheet.rows) == figure.count, figure.label
                expected = DRILL_HEADERS.get(figure.drill.source)
                if expected is not None:
                    assert sheet.headers == expected
                else:  # appointments: the agenda's columns, without the advisers' names
                    assert "Conseiller" not in sheet.headers and sheet.headers[0] == "Date"
                sources.add(figure.drill.source)
    assert len(sources) == 4  # every source but the cases, the mediation team's
