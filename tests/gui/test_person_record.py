"""A person's record as each role sees it: the mediation team's list of the person's cases,
opened in the Médiation area; the history in words; the appointments."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QGroupBox, QLabel
from sqlalchemy import func, select

from db.mediation.models import MediationCase
from db.people import records as people_records
from desktop.main_window import MainWindow
from desktop.people.dialog import PersonDialog

WAIT = 10_000


@pytest.fixture
def record(qtbot, demo_context):
    """``record(login)`` → (main window, the record of the demo person with most cases, the
    references of their cases)."""
    def open_(login: str) -> tuple[MainWindow, PersonDialog, set[str]]:
        ctx = demo_context(login)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        with ctx.store.unit(ctx.actor) as unit:
            person_id = unit.session.scalar(
                select(MediationCase.person_id).group_by(MediationCase.person_id)
                .order_by(func.count().desc(), MediationCase.person_id).limit(1))
            person = people_records.get_person(unit, person_id)
            references = set(unit.session.scalars(
                select(func.coalesce(MediationCase.reference,
                                     MediationCase.provisional_reference))
                .where(MediationCase.person_id == person_id)))
        dialog = PersonDialog(ctx, person, window.page("people"))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
        return window, dialog, references

    return open_


def test_the_mediation_team_sees_the_persons_cases_and_opens_one(qtbot, record):
    window, dialog, references = record("mediateur01")
    cases = dialog.cases
    assert {case.reference for case in cases.cases} == references
    table = cases.table
    assert table.item(0, 0).text() == cases.cases[0].reference
    assert cases.count.text().startswith(f"{len(references)} dossier")
    assert not table.horizontalScrollBar().isVisible()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "apparaîtront ici" not in texts  # no placeholder left

    cases.table.setCurrentCell(0, 0)
    cases.open_button.click()
    assert not dialog.isVisible()
    assert window.current_area() == "mediation"
    view = window.page("mediation").case_view
    qtbot.waitUntil(lambda: view.record is not None, timeout=WAIT)
    assert view.record.id == cases.cases[0].id


@pytest.mark.parametrize("login", ["conseiller01", "partenaire01", "responsable01"])
def test_other_roles_see_no_mediation_section(record, login):
    _window, dialog, _references = record(login)
    assert not hasattr(dialog, "cases")
    titles = [box.title() for box in dialog.findChildren(QGroupBox)]
    assert "Médiation" not in titles


def test_an_appointment_s_cell_cut_short_is_whole_in_its_tooltip(record):
    """The record is narrow: an adviser's long name may end in « … » in its column; the
    tooltip (and a screen reader) has it whole."""
    from PySide6.QtCore import Qt

    from desktop.agenda.person_section import PersonAppointments

    _window, dialog, _references = record("conseiller01")
    table = dialog.findChild(PersonAppointments).table
    model = table.model()
    assert model.rowCount() > 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            assert model.data(index, Qt.ItemDataRole.ToolTipRole) == model.data(index)
