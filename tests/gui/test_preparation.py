"""The Préparations area, driven like a user would: the list by due day, the 360° form, a
conclusive call that cancels the visit and frees its slot, the PDFs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from db.agenda import booking, slots
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus
from db.preparation import rates as preparation_rates
from db.preparation.models import PreparationOutcome, PreparationTask
from db.preparation.tasks import TaskState
from db.roles import Role
from desktop.agenda.appointment_dialog import AppointmentDialog
from desktop.preparation.dialogs import DaySheetDialog, PdfPrompt
from desktop.preparation.form import PreparationDialog
from desktop.preparation.page import COLUMNS, RATE_MONTHS, PreparationPage
from tests.db.agenda_setup import make_agenda
from tests.desktop.test_mediation_pdf import read
from tests.gui.test_agenda import working_day
from widgets.banner import Banner
from widgets.colours import error_color

BOOKED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)  # Monday's visits were due on Thursday
MONDAY, TUESDAY = date(2026, 3, 16), date(2026, 3, 17)


@pytest.fixture
def agenda(sqlite_store, gui_actors):
    """A visit on Monday (late to prepare on Friday), one on Tuesday and a phone call."""
    setup = make_agenda(sqlite_store, gui_actors)
    with sqlite_store.unit(setup.adviser) as unit:
        for when, kind in ((setup.at(MONDAY, 9), AppointmentKind.PHYSICAL),
                           (setup.at(TUESDAY, 10), AppointmentKind.PHYSICAL),
                           (setup.at(TUESDAY, 11), AppointmentKind.PHONE)):
            booking.book_appointment(unit, setup.request(
                when, kind=kind, note="Vient avec sa fille."), now=BOOKED_AT)
    return setup


@pytest.fixture
def open_page(qtbot, make_context, agenda):
    def open_(role: Role = Role.ADVISER) -> PreparationPage:
        page = PreparationPage(make_context(role), clock=lambda: FRIDAY)
        qtbot.addWidget(page)
        page.resize(1200, 700)
        page.show()
        qtbot.waitExposed(page)
        qtbot.waitUntil(lambda: page.loaded_once and page.rates.rowCount() >= 0, timeout=10000)
        return page
    return open_


def cells(page: PreparationPage, row: int = 0) -> dict[str, str]:
    model = page.model
    return {title: model.data(model.index(row, column)) for column, title in enumerate(COLUMNS)}


def open_first(qtbot, page: PreparationPage) -> PreparationDialog:
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.record is not None,
                    timeout=5000)
    return page.dialog


def test_the_list_is_by_due_day_and_late_ones_stand_out(qtbot, qtmodeltester, open_page):
    page = open_page()
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.rates)
    assert page.model.rowCount() == 2  # the phone call needs no preparation
    first, second = cells(page, 0), cells(page, 1)
    assert first["État"] == "En retard de 1 jour" and first["Échéance"] == "12/03/2026"
    assert first["Rendez-vous"] == "lun. 16/03/2026 09:00"  # the site's time, not UTC
    assert second["État"] == "À appeler aujourd'hui"
    late = page.model.index(0, COLUMNS.index("Personne"))
    assert page.model.data(late, Qt.ItemDataRole.ForegroundRole) == error_color(
        QGuiApplication.palette())
    assert page.model.data(page.model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert page.count.text() == "2 préparations à faire, dont 1 en retard"
    assert not page.adviser.isVisible() and page.table.isColumnHidden(
        COLUMNS.index("Conseiller"))


def test_a_conclusive_call_cancels_the_visit_and_frees_the_slot(qtbot, open_page, agenda,
                                                                sqlite_store):
    page = open_page()
    dialog = open_first(qtbot, page)
    dialog.resize(900, 1000)
    qtbot.waitExposed(dialog)
    text = {name: label.text() for name, label in dialog.values.items()}
    assert "Attestation de salaire" in text["documents"]
    assert text["appointment"].startswith("lundi 16/03/2026 à 09:00")
    assert text["mediation"] == "Aucun dossier de médiation."
    assert dialog.attempt_hint.text() == "Appel 1 sur 3."

    dialog.conclusive.setChecked(True)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.call_form.field("note").error_text() != "", timeout=5000)
    dialog.note.setPlainText("Attestation reçue par e-mail : IJ versées.")
    with qtbot.waitSignal(dialog.loaded, timeout=5000), \
            qtbot.waitSignal(dialog.recorded, timeout=5000):
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.message_box.isVisible() and not dialog.call_box.isVisible()
    message = dialog.message.toPlainText()
    assert "n'avez pas besoin de vous déplacer" in message
    assert "Attestation reçue par e-mail : IJ versées." in message
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == message

    starts_at = agenda.at(MONDAY, 9)
    with sqlite_store.unit(agenda.adviser) as unit:
        appointment = unit.session.query(Appointment).filter_by(starts_at=starts_at).one()
        assert appointment.status is AppointmentStatus.RESOLVED_AT_PREPARATION
        task = unit.session.query(PreparationTask).filter_by(appointment_id=appointment.id).one()
        assert task.outcome is PreparationOutcome.CONCLUSIVE
        offered = slots.free_slots(unit, agenda.motive_id,
                                   AppointmentKind.PHYSICAL, [agenda.site_id], MONDAY, MONDAY,
                                   now=BOOKED_AT)
    assert starts_at in {s.starts_at for s in offered}
    # The list heard of the change: one preparation left.
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)


def test_unanswered_calls_up_to_the_last_keep_the_visit(qtbot, open_page):
    page = open_page()
    dialog = open_first(qtbot, page)
    for number in (1, 2, 3):
        assert dialog.attempt_hint.text().startswith(f"Appel {number} sur 3")
        with qtbot.waitSignal(dialog.loaded, timeout=5000):
            qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.call_box.isVisible()
    assert len(dialog.attempts.items()) == 3
    assert dialog.values["state"].text().startswith("Injoignable")
    assert "est confirmé" in dialog.message.toPlainText()


def test_a_manager_filters_by_adviser_and_site(qtbot, open_page, agenda):
    page = open_page(Role.MANAGER)
    assert page.adviser.isVisible() and page.site.isVisible()
    assert page.site.value() == agenda.site_id
    assert page.model.rowCount() == 2
    assert not page.table.isColumnHidden(COLUMNS.index("Conseiller"))
    page.state.set_value(TaskState.PREPARED)
    qtbot.waitUntil(lambda: page.count.text().startswith("Aucune préparation terminée"),
                    timeout=5000)


def test_the_day_sheet_button_writes_the_pdf(qtbot, open_page, monkeypatch, tmp_path):
    page = open_page()
    target = tmp_path / "journee.pdf"
    monkeypatch.setattr(DaySheetDialog, "ask", classmethod(
        lambda cls, parent, today, advisers, login: (MONDAY, login)))
    monkeypatch.setattr(PdfPrompt, "save_path", classmethod(
        lambda cls, parent, title, suggested: str(target)))
    qtbot.mouseClick(page.sheet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.banner.isVisible(), timeout=5000)
    text = read(target.read_bytes()).pages[0].extract_text()
    assert "Lundi 16/03/2026" in text and "DUPONT Marie" in text


def test_the_appointment_dialog_prints_the_letter_and_opens_the_preparation(
        qtbot, make_context, agenda, sqlite_store, monkeypatch, tmp_path):
    with sqlite_store.session() as session:
        appointment_id = session.query(Appointment.id).filter_by(
            starts_at=agenda.at(TUESDAY, 10)).scalar()
    coming = working_day(date.today() + timedelta(days=14))
    with sqlite_store.unit(agenda.adviser) as unit:
        coming_id = booking.book_appointment(unit, agenda.request(agenda.at(coming, 10)))
    letter_dialog = AppointmentDialog(make_context(Role.ADVISER), coming_id)
    qtbot.addWidget(letter_dialog)
    letter_dialog.show()
    qtbot.waitUntil(lambda: letter_dialog.detail is not None, timeout=5000)
    target = tmp_path / "lettre.pdf"
    monkeypatch.setattr(PdfPrompt, "save_path", classmethod(
        lambda cls, parent, title, suggested: str(target)))
    qtbot.mouseClick(letter_dialog.letter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: letter_dialog.banner.isVisible(), timeout=5000)
    text = " ".join(read(target.read_bytes()).pages[0].extract_text().split())
    assert "Confirmation de votre rendez-vous" in text and f"{coming:%d/%m/%Y}" in text
    opened = []
    monkeypatch.setattr(Banner, "open_url", classmethod(lambda _cls, url: opened.append(url)))
    assert ">Ouvrir</a>" in letter_dialog.banner.text()
    letter_dialog.banner.linkActivated.emit(QUrl.fromLocalFile(str(target)).toString())
    assert [url.toLocalFile() for url in opened] == [str(target)]  # the system's viewer

    dialog = AppointmentDialog(make_context(Role.ADVISER), appointment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=5000)
    assert not dialog.letter_button.isVisible()  # already past: no letter
    assert dialog.preparation_button.isVisible()
    qtbot.mouseClick(dialog.preparation_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, PreparationDialog) and w.record is not None
                                for w in dialog.findChildren(PreparationDialog)),
                    timeout=5000)


def test_the_rates_cover_the_three_months_the_summary_says(qtbot, open_page, monkeypatch):
    """13/03/2026: January to March — not December too, as counting back 62 days from the
    first of the month gave (four months under « Sur 3 mois »)."""
    asked = []
    real = preparation_rates.conclusive_rates

    def spy(unit, first, last, group):
        asked.append((first, last))
        return real(unit, first, last, group)

    monkeypatch.setattr(preparation_rates, "conclusive_rates", spy)
    page = open_page()
    page.reload_rates()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert asked[-1] == (date(2026, 1, 1), date(2026, 3, 1))
    assert RATE_MONTHS == 3
