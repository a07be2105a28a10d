"""The Rappels area, driven like a user would: take a request, read the queue, close it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog

from db.agenda.models import Appointment, Channel
from db.callbacks import requests
from db.callbacks.models import CallbackOutcome, CallbackRequest
from db.callbacks.requests import CallbackInput
from db.roles import Role
from desktop.callbacks.form import TakeCallbackDialog
from desktop.callbacks.handle import HandleCallbackDialog
from desktop.callbacks.page import COLUMNS, CallbacksPage
from desktop.callbacks.wording import delay_text, duration_text
from tests.db.agenda_setup import make_agenda
from tests.gui.test_people import type_text
from widgets.colours import error_color

FRIDAY = date(2026, 3, 13)
MONDAY = date(2026, 3, 16)


@pytest.fixture
def setup(sqlite_store, gui_actors):
    return make_agenda(sqlite_store, gui_actors)


@pytest.fixture
def open_page(qtbot, make_context):
    def open_(role: Role = Role.ADVISER, clock=None) -> CallbacksPage:
        page = CallbacksPage(make_context(role), clock=clock or (lambda: FRIDAY_3PM))
        qtbot.addWidget(page)
        page.resize(1100, 600)
        page.show()
        qtbot.waitExposed(page)
        qtbot.waitUntil(lambda: page.loaded_once, timeout=10000)
        return page

    return open_


def cells(page: CallbacksPage, row: int = 0) -> dict[str, str]:
    model = page.model
    return {title: model.data(model.index(row, column)) for column, title in enumerate(COLUMNS)}


def new_request_dialog(qtbot, page: CallbacksPage) -> TakeCallbackDialog:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, TakeCallbackDialog)
                    and page.dialog.isVisible(), timeout=5000)
    return page.dialog


def save(qtbot, dialog: TakeCallbackDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def request_count(store) -> int:
    with store.session() as session:
        return session.query(CallbackRequest).count()


def test_delays_in_words():
    assert duration_text(FRIDAY_3PM_SPAN := (MONDAY_6PM - FRIDAY_3PM)) == "3 j"
    assert FRIDAY_3PM_SPAN.days == 3
    assert delay_text(FRIDAY_3PM, MONDAY_6PM) == "En retard de 3 j"
    assert delay_text(MONDAY_6PM - _hours(3), MONDAY_6PM) == "En retard de 3 h"
    assert delay_text(MONDAY_6PM + _hours(3, 20), MONDAY_6PM) == "À rappeler dans 3 h 20"
    assert delay_text(MONDAY_6PM + _hours(0, 40), MONDAY_6PM) == "À rappeler dans 40 min"
    assert delay_text(MONDAY_6PM, MONDAY_6PM, closed=True) == "Traitée"


def _hours(hours: int, minutes: int = 0):
    return timedelta(hours=hours, minutes=minutes)


def _local(day: date, hour: int):
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour), ZoneInfo("Europe/Paris")).astimezone(UTC)


FRIDAY_3PM = _local(FRIDAY, 15)
MONDAY_6PM = _local(MONDAY, 18)


def test_a_request_taken_through_the_form_appears_in_the_queue_with_its_due_time(
        qtbot, setup, open_page, sqlite_store, qtmodeltester):
    page = open_page(clock=lambda: FRIDAY_3PM)
    assert page.count.text() == "Aucune demande de rappel en attente."
    dialog = new_request_dialog(qtbot, page)
    # Friday 15:00 → Monday 15:00: the weekend stops the clock.
    assert dialog.due.text() == ("À rappeler avant le lundi 16/03/2026 à 15:00 "
                                 "(24 heures ouvrées).")
    type_text(qtbot, dialog.contact_name, "Mme Roux")
    type_text(qtbot, dialog.contact_phone, "04 76 12 34 56")
    type_text(qtbot, dialog.reason, "Question sur un remboursement")
    assert dialog.motive.set_value(setup.motive_id)
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)

    assert cells(page) == {
        "Échéance": "16/03/2026 15:00", "État": "À rappeler dans 3 j", "Personne": "Mme Roux",
        "Téléphone": "04\u00a076\u00a012\u00a034\u00a056", "Motif": "IJ",
        "Lieu": "Agence de Grenoble",
        "Prise par": "Camille Conseiller01", "Demande": "Question sur un remboursement"}
    assert page.count.text() == "1 demande en attente"
    assert page.table.currentIndex().row() == 0  # the new request is selected
    qtmodeltester.check(page.model)


def test_missing_contact_details_are_explained_beside_their_fields_and_nothing_is_written(
        qtbot, setup, open_page, sqlite_store):
    page = open_page()
    dialog = new_request_dialog(qtbot, page)
    type_text(qtbot, dialog.contact_email, "pas-un-mail")
    save(qtbot, dialog)
    form = dialog.form
    qtbot.waitUntil(lambda: form.field("contact_phone").error_text() != "", timeout=5000)
    assert form.field("contact_name").error_text() == "Indiquez le nom de la personne à rappeler."
    assert form.field("contact_phone").error_text() == "Indiquez le numéro où rappeler."
    assert form.field("contact_email").error_text() != ""
    assert dialog.banner.text().startswith("La demande n'a pas été enregistrée")
    assert dialog.isVisible() and request_count(sqlite_store) == 0


def test_a_person_picked_from_the_registry_needs_no_name(qtbot, setup, open_page,
                                                        sqlite_store):
    page = open_page(clock=lambda: FRIDAY_3PM)
    dialog = new_request_dialog(qtbot, page)
    picker = dialog.picker
    with qtbot.waitSignal(picker.search.searched, timeout=5000):
        type_text(qtbot, picker.field, "dupont")
    qtbot.keyClick(picker.field, Qt.Key.Key_Down)
    with qtbot.waitSignal(picker.chosen, timeout=5000):
        qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    assert picker.summary.text() == "DUPONT Marie — 06\u00a012\u00a034\u00a056\u00a078"
    assert not dialog.form.is_shown("contact_name")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert cells(page)["Personne"] == "DUPONT Marie"
    with sqlite_store.session() as session:
        (request,) = session.query(CallbackRequest).all()
        assert request.person_id == setup.person_id


def take(store, actor, site_id, when, **values) -> object:
    values = {"contact_name": "Mme Roux", "contact_phone": "04 76 12 34 56", **values}
    with store.unit(actor) as unit:
        return requests.take_callback(unit, CallbackInput(site_id=site_id, **values),
                                       now=when)


def test_an_overdue_request_is_red_and_says_so(qtbot, setup, open_page, sqlite_store):
    take(sqlite_store, setup.adviser, setup.site_id, FRIDAY_3PM)
    take(sqlite_store, setup.adviser, setup.site_id, _local(MONDAY, 17),
         contact_name="M. Blanc")
    page = open_page(clock=lambda: MONDAY_6PM)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert cells(page, 0)["État"] == "En retard de 3 h"
    assert cells(page, 1)["État"] == "À rappeler dans 23 h"
    red = page.model.data(page.model.index(0, 1), Qt.ItemDataRole.ForegroundRole)
    assert QColor(red) == error_color(page.palette())
    assert page.model.data(page.model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is None
    assert page.count.text() == "2 demandes en attente, dont 1 en retard"


def open_first(qtbot, page: CallbacksPage) -> HandleCallbackDialog:
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(page.dialog, HandleCallbackDialog)
                    and page.dialog.isVisible(), timeout=5000)
    return page.dialog


def test_an_outcome_takes_the_request_out_of_the_queue(qtbot, setup, open_page, sqlite_store):
    callback_id = take(sqlite_store, setup.adviser, setup.site_id, FRIDAY_3PM)
    page = open_page(clock=lambda: MONDAY_6PM)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    dialog = open_first(qtbot, page)
    assert dialog.values["Échéance"].text() == (
        "À rappeler avant le lundi 16/03/2026 à 15:00 — En retard de 3 h")
    qtbot.mouseClick(dialog.outcome_buttons[CallbackOutcome.UNREACHABLE],
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert page.dialog is None
    with sqlite_store.session() as session:
        request = session.get(CallbackRequest, callback_id)
        assert request.outcome is CallbackOutcome.UNREACHABLE
        assert request.handled_by_id == setup.adviser.id


def test_a_request_changed_meanwhile_is_reloaded_not_overwritten(
        qtbot, setup, open_page, sqlite_store, monkeypatch):
    callback_id = take(sqlite_store, setup.adviser, setup.site_id, FRIDAY_3PM)
    page = open_page(clock=lambda: MONDAY_6PM)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    dialog = open_first(qtbot, page)
    with sqlite_store.unit(setup.admin) as unit:  # a colleague closes it first
        requests.close_callback(unit, callback_id, 1, CallbackOutcome.SETTLED)
    warnings = []
    monkeypatch.setattr("desktop.callbacks.handle.QMessageBox.warning",
                        lambda _parent, _title, text: warnings.append(text))
    qtbot.mouseClick(dialog.outcome_buttons[CallbackOutcome.WITHDRAWN],
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert warnings and "Quelqu'un d'autre a modifié cette demande de rappel" in warnings[0]
    with sqlite_store.session() as session:
        assert session.get(CallbackRequest, callback_id).outcome is CallbackOutcome.SETTLED


def test_a_partner_takes_a_request_and_sees_only_their_own(qtbot, setup, open_page,
                                                           sqlite_store, gui_actors):
    take(sqlite_store, setup.adviser, setup.site_id, FRIDAY_3PM, contact_name="M. Blanc")
    page = open_page(Role.PARTNER, clock=lambda: FRIDAY_3PM)
    assert page.model.rowCount() == 0 and not page.filter.isVisibleTo(page)
    assert page.table.isColumnHidden(COLUMNS.index("Prise par"))
    dialog = new_request_dialog(qtbot, page)
    assert not dialog.site.isEnabled()  # their own counter
    type_text(qtbot, dialog.contact_name, "Mme Roux")
    type_text(qtbot, dialog.contact_phone, "04 76 12 34 56")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert cells(page)["Personne"] == "Mme Roux"
    handle = open_first(qtbot, page)
    assert not any(button.isVisible() for button in handle.outcome_buttons.values())
    assert handle.note.text() == "Un conseiller de la CPAM rappellera la personne."
    with sqlite_store.session() as session:
        taken = session.query(CallbackRequest).filter_by(taken_by_id=gui_actors[Role.PARTNER].id)
        assert taken.count() == 1


def test_filters_mine_and_by_site(qtbot, setup, open_page, sqlite_store, gui_actors):
    take(sqlite_store, gui_actors[Role.PARTNER], setup.site_id, FRIDAY_3PM)
    take(sqlite_store, setup.adviser, setup.site_id, FRIDAY_3PM, contact_name="M. Blanc")
    page = open_page(clock=lambda: FRIDAY_3PM)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert page.filter.currentText() == "Mon lieu : Agence de Grenoble"
    assert page.filter.set_value(("mine", None))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert cells(page)["Personne"] == "M. Blanc"


def test_the_main_window_opens_the_queue(qtbot, make_context):
    from desktop.main_window import MainWindow

    window = MainWindow(make_context(Role.PARTNER))
    qtbot.addWidget(window)
    assert isinstance(window.show_area("callbacks"), CallbacksPage)


class FakeBookingDialog(QDialog):
    """Stands for the agenda's BookingDialog: same constructor, ``saved`` signal and ``write``
    parameter, with the slot chosen by the test instead of from a list."""

    saved = Signal(object)
    opened: ClassVar[list] = []

    def __init__(self, ctx, person_id=None, *, channel=None, motive_code=None, write=None,
                 parent=None):
        super().__init__(parent)
        self.ctx, self.person_id, self.channel, self.motive_code = (ctx, person_id, channel,
                                                                    motive_code)
        self.write = write
        FakeBookingDialog.opened.append(self)

    def save(self, request) -> None:
        from desktop import operations as ops

        write = self.write
        ops.write(self.ctx, lambda unit: write(unit, request)) \
            .on_success(self.saved.emit).on_failure(pytest.fail).run()


def test_a_call_back_turned_into_an_appointment_in_one_step(
        qtbot, setup, open_page, sqlite_store, monkeypatch):
    monkeypatch.setattr("desktop.callbacks.booking.BookingDialog", FakeBookingDialog)
    callback_id = take(sqlite_store, setup.adviser, setup.site_id, FRIDAY_3PM,
                       contact_name="", person_id=setup.person_id, motive_id=setup.motive_id)
    page = open_page(clock=lambda: MONDAY_6PM)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    dialog = open_first(qtbot, page)
    qtbot.mouseClick(dialog.book_button, Qt.MouseButton.LeftButton)
    booking_dialog = FakeBookingDialog.opened[-1]
    assert (booking_dialog.person_id, booking_dialog.channel, booking_dialog.motive_code) == (
        setup.person_id, Channel.CALLBACK, "IJ")
    # The agenda's dialog books with whatever channel it shows: the request's write insists.
    today = date.today()
    next_week_monday = today + timedelta(days=7 - today.weekday() + 7)
    booking_dialog.save(setup.request(setup.at(next_week_monday, 9),
                                      channel=Channel.RECEPTION))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    with sqlite_store.session() as session:
        request = session.get(CallbackRequest, callback_id)
        assert request.outcome is CallbackOutcome.APPOINTMENT
        assert session.get(Appointment, request.appointment_id).channel is Channel.CALLBACK
