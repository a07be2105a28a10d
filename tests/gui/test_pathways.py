"""The Parcours area driven like a user would: import an extract, work a line through its
attempts to a booked phone appointment, tick rebound offers, read the funnel; every write
checked in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from db.agenda.models import Appointment, AppointmentKind, Channel
from db.pathways import kinds as pathways_kinds
from db.pathways.models import AttemptResult, PathwayEntry, PathwayOutcome, PathwayStatus
from db.people import records as people_records
from db.people.models import Person
from db.roles import Role
from desktop.agenda.booking_dialog import BookingDialog
from desktop.pathways.import_dialog import ImportDialog
from desktop.pathways.page import PathwaysPage
from desktop.people.dialog import PersonDialog
from tests.db.agenda_setup import make_agenda
from tests.db.test_pathway_booking import ROUSSEAU
from tests.db.test_pathway_import import OCTOBER, PEOPLE, extract

WAIT = 10_000  # ms: generous, the machine is shared


@pytest.fixture
def setup(sqlite_store, gui_actors):
    """An agenda whose phone-or-physical motive (IJ) is the ALD kind's booking preset."""
    agenda = make_agenda(sqlite_store, gui_actors)
    with sqlite_store.unit(gui_actors[Role.ADMIN]) as unit:
        ald = pathways_kinds.kind_by_code(unit, "ald")
        pathways_kinds.update_kind(unit, ald.id, ald.version, ald.label,
                             active=True, motive_id=agenda.motive_id)
    return agenda


@pytest.fixture
def open_page(qtbot, make_context, setup):
    def open_(role: Role = Role.ADVISER) -> PathwaysPage:
        page = PathwaysPage(make_context(role))
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        qtbot.waitUntil(lambda: bool(page.kinds), timeout=WAIT)
        return page

    return open_


def count(store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def import_through_the_dialog(qtbot, page: PathwaysPage, monkeypatch, path: Path):
    """Click « Importer un fichier… » with the file chooser answering ``path``."""
    monkeypatch.setattr(ImportDialog, "choose_file", classmethod(lambda _cls, _p: str(path)))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, ImportDialog)
                    and page.dialog.isVisible(), timeout=WAIT)
    return page.dialog


def cells(model, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def open_entry(qtbot, page: PathwaysPage, name: str):
    worklist = page.worklist
    qtbot.waitUntil(lambda: name in cells(worklist.search.model, 0), timeout=WAIT)
    worklist.table.setFocus()
    worklist.table.selectRow(cells(worklist.search.model, 0).index(name))
    qtbot.keyClick(worklist.table, Qt.Key.Key_Return)
    view = page.entry_view
    qtbot.waitUntil(lambda: view.record is not None and view.person is not None
                    and view.person.name == name, timeout=WAIT)
    return view


def attempt(qtbot, view, result: AttemptResult) -> None:
    done = len(view.record.attempts) + 1
    view.result.set_value(result)
    qtbot.mouseClick(view.attempt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.record.attempts) == done, timeout=WAIT)


@pytest.fixture
def october_file(tmp_path) -> Path:
    path = tmp_path / "parcours_ald_2026-10.csv"
    path.write_bytes(extract([PEOPLE[0], PEOPLE[1], ROUSSEAU], encoding="cp1252"))
    return path


def test_an_extract_imported_into_another_month_closes_without_a_question(
        qtbot, open_page, monkeypatch, october_file, discard_questions):
    page = open_page()
    dialog = import_through_the_dialog(qtbot, page, monkeypatch, october_file)
    dialog.month.setCurrentIndex(dialog.month.currentIndex() + 1)
    assert dialog.has_changes()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    dialog.close()  # imported: nothing typed is lost
    assert not dialog.isVisible() and discard_questions == []


def test_from_an_imported_extract_to_a_booked_phone_appointment_in_the_funnel(
        qtbot, open_page, setup, sqlite_store, monkeypatch, october_file, qtmodeltester):
    page = open_page()
    dialog = import_through_the_dialog(qtbot, page, monkeypatch, october_file)
    assert "Windows-1252" in dialog.summary.text() and "point-virgule" in dialog.summary.text()
    assert cells(dialog.preview_model, 1)[0] == "2 70 03 ** *** *** 51"  # NIR masked
    assert (dialog.kind.value(), dialog.month.value()) == ("ald", OCTOBER)
    qtmodeltester.check(dialog.preview_model)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Nouvelles dans la liste de travail : 3" in dialog.report_label.text()
    assert count(sqlite_store, PathwayEntry) == 3
    dialog.close()

    # The page now shows that worklist: status chips with their counts.
    qtbot.waitUntil(lambda: page.worklist.search.model.rowCount() == 3, timeout=WAIT)
    assert (page.kind.value(), page.month.value()) == ("ald", OCTOBER)
    assert page.worklist.chips.texts() == ["Toutes (3)", "À contacter (3)"]
    qtmodeltester.check(page.worklist.search.model)

    view = open_entry(qtbot, page, "DURAND")
    assert view.person.masked_nir == "2 70 03 ** *** *** 51"
    assert not any(view.outcome_buttons[o].isVisible() for o in (
        PathwayOutcome.BOOKED, PathwayOutcome.DECLINED, PathwayOutcome.UNREACHABLE))
    attempt(qtbot, view, AttemptResult.NO_ANSWER)
    assert view.outcome_buttons[PathwayOutcome.UNREACHABLE].isVisible()
    attempt(qtbot, view, AttemptResult.REACHED)
    assert "Tentative 2" in view.attempts_list.text() and "Joint" in view.attempts_list.text()
    assert view.outcome_buttons[PathwayOutcome.BOOKED].isVisible()
    assert not view.outcome_buttons[PathwayOutcome.UNREACHABLE].isVisible()

    qtbot.mouseClick(view.outcome_buttons[PathwayOutcome.BOOKED], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(view.dialog, BookingDialog), timeout=WAIT)
    booking = view.dialog
    qtbot.waitUntil(lambda: booking.slot_list.count() > 0
                    and booking.slot_list.chosen() is not None, timeout=WAIT)
    assert booking.current_motive().code == "IJ"  # the pathway's preset
    assert booking.current_kind() is AppointmentKind.PHONE
    assert booking.channel.currentData() == Channel.PATHWAY
    with qtbot.waitSignal(booking.saved, timeout=WAIT) as saved:
        qtbot.mouseClick(booking.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: view.record.status is PathwayStatus.BOOKED, timeout=WAIT)
    assert view.record.appointment_id == saved.args[0]
    assert view.appointment_button.isVisible() and view.close_button.isVisible()
    with sqlite_store.session() as session:
        appointment = session.get(Appointment, saved.args[0])
        assert (appointment.channel, appointment.kind, appointment.person_id) == (
            Channel.PATHWAY, AppointmentKind.PHONE, view.record.person_id)

    page.tabs.setCurrentWidget(page.funnel)
    qtbot.waitUntil(lambda: page.funnel.funnel is not None
                    and page.funnel.funnel.booked == 1, timeout=WAIT)
    funnel = page.funnel.funnel
    assert (funnel.imported, funnel.reached, funnel.booked) == (3, 1, 1)
    assert ("RDV pris", 1) in [(bar.label, bar.value) for bar in page.funnel.chart.bars()]
    assert "RDV pris : 1 (33\u00a0%)" in page.funnel.chart.accessible_text()


def test_lines_imported_without_their_wrong_phone_have_a_chip_of_their_own(
        qtbot, open_page, tmp_path, monkeypatch):
    path = tmp_path / "parcours.csv"
    path.write_bytes(extract([PEOPLE[0], [*PEOPLE[1][:4], "07 00 00 00 00", *PEOPLE[1][5:]],
                              PEOPLE[2]]))
    page = open_page()
    dialog = import_through_the_dialog(qtbot, page, monkeypatch, path)
    assert "1 ligne avec un téléphone ou un e-mail non valide" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Ligne 3 : téléphone « 07 00 00 00 00 » non valide" in dialog.report_label.text()
    dialog.close()

    worklist = page.worklist
    qtbot.waitUntil(lambda: "Coordonnées à vérifier (1)" in worklist.chips.texts(),
                    timeout=WAIT)
    assert worklist.chips.texts() == ["Toutes (3)", "À contacter (3)",
                                      "Coordonnées à vérifier (1)"]
    qtbot.mouseClick(worklist.chips.button("contacts"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: worklist.search.model.rowCount() == 1, timeout=WAIT)
    assert (cells(worklist.search.model, 2), cells(worklist.search.model, 4)) == (
        ["1 82 04 ** *** *** 44"], ["⚠ à vérifier"])
    view = open_entry(qtbot, page, cells(worklist.search.model, 0)[0])
    texts = [label.text() for label in view.findChildren(QLabel)
             if label.accessibleName() == "Téléphone"]
    assert texts == [
        "aucun numéro connu — ⚠ coordonnées à vérifier : l'extrait donnait un téléphone ou "
        "un e-mail non valide"]


def test_a_faulty_file_is_previewed_with_its_line_numbers_and_writes_nothing(
        qtbot, open_page, sqlite_store, monkeypatch, tmp_path, qtmodeltester):
    bad = [PEOPLE[0], ["1 82 04 71 045 445 45", "Moreau", "Kévin", "31/02/1982", "", "", ""],
           PEOPLE[2]]
    path = tmp_path / "faux.csv"
    path.write_bytes(extract(bad))
    people_before = count(sqlite_store, Person)
    page = open_page()
    dialog = import_through_the_dialog(qtbot, page, monkeypatch, path)
    assert dialog.errors_box.isVisible()
    lines = cells(dialog.errors_model, 0)
    assert set(lines) == {"3"}  # the header is line 1
    assert any("Date de naissance impossible" in m for m in cells(dialog.errors_model, 1))
    assert not dialog.import_button.isEnabled()
    assert "en erreur" in dialog.summary.text()
    # The preview shows the readable people only, NIRs masked.
    assert cells(dialog.preview_model, 1) == ["2 70 03 ** *** *** 51", "1 53 10 ** *** *** 90"]
    assert not any("334 050" in text for text in cells(dialog.preview_model, 1))
    qtmodeltester.check(dialog.errors_model)
    dialog.run_import()  # even forced, a disabled import does nothing
    assert (count(sqlite_store, PathwayEntry), count(sqlite_store, Person)) == (
        0, people_before)


def test_offers_ticked_during_the_call_are_kept_on_the_person_record(
        qtbot, open_page, make_context, sqlite_store, monkeypatch, october_file,
        qtmodeltester):
    page = open_page()
    dialog = import_through_the_dialog(qtbot, page, monkeypatch, october_file)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        dialog.run_import()
    dialog.close()
    view = open_entry(qtbot, page, "ROUSSEAU")
    offers = view.offers
    qtbot.waitUntil(lambda: offers.model.rowCount() > 1, timeout=WAIT)
    qtmodeltester.check(offers.model)
    # A 51-year-old in the ALD pathway: the chronic illness's segment, not the first one.
    assert offers.segment.currentText() == "Personnes atteintes d'une maladie chronique"
    model = offers.model
    made, accepted = model.offer_at(0), model.offer_at(1)
    model.setData(model.index(0, 1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(1, 2), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.ticks == {made.id: False, accepted.id: True}  # accepted implies made
    qtbot.mouseClick(offers.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: offers.state.text().startswith("Enregistré"), timeout=WAIT)

    ctx = make_context(Role.ADVISER)
    with sqlite_store.unit(ctx.actor) as unit:
        record = people_records.get_person(unit, view.record.person_id)
    record_dialog = PersonDialog(ctx, record)
    qtbot.addWidget(record_dialog)
    section = record_dialog.pathways
    qtbot.waitUntil(lambda: made.label in section.offers.text(), timeout=WAIT)
    text = section.offers.text()
    assert f"{made.label} (" in text and "non acceptée" in text
    assert any(line.startswith(accepted.label) and line.count("acceptée") == 1
               and "non acceptée" not in line for line in text.splitlines())
    assert "octobre 2026 : À contacter" in section.entries.text()


def test_a_manager_gives_lines_to_an_adviser(qtbot, open_page, gui_actors, monkeypatch,
                                             october_file, sqlite_store):
    page = open_page(Role.MANAGER)
    dialog = import_through_the_dialog(qtbot, page, monkeypatch, october_file)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT):
        dialog.run_import()
    dialog.close()
    worklist = page.worklist
    qtbot.waitUntil(lambda: worklist.search.model.rowCount() == 3
                    and worklist.adviser.count() > 1, timeout=WAIT)
    worklist.table.selectAll()
    worklist.adviser.set_value(gui_actors[Role.ADVISER].id)
    qtbot.mouseClick(worklist.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "non attribuée" not in cells(worklist.search.model, 9),
                    timeout=WAIT)
    with sqlite_store.session() as session:
        assert set(session.scalars(select(PathwayEntry.assigned_to_id))) == {
            gui_actors[Role.ADVISER].id}
    worklist.scope.set_value("unassigned")
    qtbot.waitUntil(lambda: worklist.search.model.rowCount() == 0, timeout=WAIT)


def test_an_administrator_adds_a_kind_and_edits_an_offer(qtbot, open_page, sqlite_store,
                                                         qtmodeltester):
    page = open_page(Role.ADMIN)
    page.tabs.setCurrentWidget(page.settings)
    kinds = page.settings.kinds
    qtbot.waitUntil(lambda: kinds.model.rowCount() == 3, timeout=WAIT)
    qtmodeltester.check(kinds.model)
    kinds.code.setText("IJ")
    kinds.label.setText("Indemnités journalières")
    qtbot.mouseClick(kinds.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Indemnités journalières" in [
        page.kind.itemText(i) for i in range(page.kind.count())], timeout=WAIT)
    assert kinds.state.text() == "Type « ij » ajouté."

    kinds.code.setText("Mauvais code")
    qtbot.mouseClick(kinds.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kinds.form.field("code").error_text() != "", timeout=WAIT)

    offers = page.settings.offers
    qtbot.waitUntil(lambda: offers.model.rowCount() > 0, timeout=WAIT)
    offers.label.setText("Compte ameli (ouverture)")
    qtbot.mouseClick(offers.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Compte ameli (ouverture)" in cells(offers.model, 0),
                    timeout=WAIT)
