"""The Agenda area driven like a user would: book, move, cancel, record an outcome, list,
export; every write checked in the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from db.agenda import booking
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, Channel
from db.org.models import Site, SiteKind, Staff
from db.roles import Role
from db.workdays import WorkingCalendar
from desktop.agenda.booking_dialog import BookingDialog, Sector
from desktop.agenda.common import TO_FILL, Prompts, local
from desktop.agenda.export import ExportPeriodDialog
from desktop.agenda.page import AgendaPage
from desktop.context import AppContext
from tests.db.agenda_setup import make_agenda
from tests.gui.test_people import type_text

PARIS = ZoneInfo("Europe/Paris")
WAIT = 10_000  # ms: generous, the machine is shared


@pytest.fixture
def setup(sqlite_store, gui_actors):
    return make_agenda(sqlite_store, gui_actors)


@pytest.fixture
def open_page(qtbot, make_context, setup):
    def open_(role: Role = Role.ADVISER) -> AgendaPage:
        page = AgendaPage(make_context(role))
        qtbot.addWidget(page)
        page.resize(1200, 800)
        with qtbot.waitSignal(page.period_shown, timeout=WAIT):
            page.show()
        return page

    return open_


def working_day(after: date, step: int = 1) -> date:
    """The first working day of the site's département from ``after`` on (or back)."""
    calendar, day = WorkingCalendar("38"), after
    while not calendar.is_working_day(day):
        day += timedelta(days=step)
    return day


def next_week_day() -> date:
    return working_day(date.today() + timedelta(days=7))


def book(store, setup, day: date, hour: int, minute: int = 0, *, now=None, **changes):
    with store.unit(setup.adviser) as unit:
        return booking.book_appointment(unit,
                                        setup.request(setup.at(day, hour, minute), **changes),
                                        now=now)


def appointments(store) -> list[Appointment]:
    with store.session() as session:
        return list(session.scalars(select(Appointment).order_by(Appointment.created_at)))


def show_day(qtbot, page: AgendaPage, day: date) -> None:
    if day in page.view.days():
        return
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.view.set_date(day)


def refreshed(qtbot, page: AgendaPage, action) -> None:
    """Run ``action`` (a write) and wait for the calendar to show the period again."""
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        action()


def choose(qtbot, dialog: BookingDialog, motive: str, kind: AppointmentKind) -> None:
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    dialog.choose_motive(motive)
    dialog.choose_kind(kind)
    with qtbot.waitSignal(dialog.slots_shown, timeout=WAIT):
        dialog.refresh_slots()


# -- booking ---------------------------------------------------------------------------------

def test_book_through_the_dialog_then_see_it_in_the_week(qtbot, open_page, setup,
                                                         sqlite_store):
    page = open_page()
    dialog = page.book()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    picker = dialog.picker
    with qtbot.waitSignal(picker.search.searched, timeout=WAIT):
        type_text(qtbot, picker.field, "dupont")
    qtbot.keyClick(picker.field, Qt.Key.Key_Return)  # into the results, first one selected
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "DUPONT Marie" in dialog.person_label.text(), timeout=WAIT)
    assert "06\u00a012\u00a034\u00a056\u00a078" in dialog.person_label.text()
    choose(qtbot, dialog, "IJ", AppointmentKind.PHYSICAL)
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == [
        "Téléphonique", "Physique"]  # only what the motive allows
    assert dialog.documents.text() == "Attestation de salaire, Arrêt de travail"
    slot = dialog.choose_slot(0)
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.PHONE_3646))
    type_text(qtbot, dialog.note, "Dossier complet")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    (appointment,) = appointments(sqlite_store)
    assert appointment.id == saved.args[0]
    assert (appointment.person_id, appointment.kind, appointment.channel, appointment.note) == (
        setup.person_id, AppointmentKind.PHYSICAL, Channel.PHONE_3646, "Dossier complet")
    assert appointment.starts_at == slot.starts_at
    show_day(qtbot, page, local(slot.starts_at, "Europe/Paris").date())
    qtbot.waitUntil(lambda: page.view.item_rect(appointment.id) is not None, timeout=WAIT)
    assert page.view.item_accessible_text(appointment.id).endswith(
        "DUPONT Marie, IJ · Physique")


def test_phone_booking_without_a_phone_number_is_refused_beside_the_kind(
        qtbot, make_context, setup, sqlite_store):
    dialog = BookingDialog(make_context(Role.ADVISER), setup.bare_person_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "MARTIN Luc" in dialog.person_label.text(), timeout=WAIT)
    assert not dialog.picker.isVisible()  # the person is known: no search
    choose(qtbot, dialog, "IJ", AppointmentKind.PHONE)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    kind = dialog.form.field("kind")
    qtbot.waitUntil(kind.error.isVisible, timeout=WAIT)
    assert kind.error_text().startswith(
        "Un rendez-vous téléphonique demande le numéro de téléphone de la personne")
    assert dialog.kind.accessibleDescription() == kind.error_text()
    assert dialog.isVisible() and appointments(sqlite_store) == []


def test_a_slot_taken_meanwhile_is_refused_without_double_booking(
        qtbot, make_context, setup, sqlite_store):
    dialog = BookingDialog(make_context(Role.PARTNER), setup.person_id)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(qtbot, dialog, "IJ", AppointmentKind.PHYSICAL)
    assert dialog.channel.currentData() == Channel.FRANCE_SERVICES  # a partner books
    slot = dialog.choose_slot(0)
    with sqlite_store.unit(setup.adviser) as unit:  # another adviser is quicker
        booking.book_appointment(unit, setup.request(
            slot.starts_at, person_id=setup.bare_person_id))
    with qtbot.waitSignal(dialog.slots_shown, timeout=WAIT):  # the list is refreshed
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    message = dialog.form.field("starts_at").error_text()
    assert message.startswith("Ce créneau vient d'être pris")
    assert dialog.banner.text() == message
    assert [a.person_id for a in appointments(sqlite_store)] == [setup.bare_person_id]
    assert dialog.slot_list.chosen().starts_at != slot.starts_at


def test_double_click_on_a_free_slot_offers_that_slot(qtbot, open_page, setup, sqlite_store):
    page = open_page()
    day = next_week_day()
    show_day(qtbot, page, day)
    column = page.view.column_rect(page.view.days().index(day))
    point = QPoint(round(column.center().x()), round(page.view.y_for(time(10, 0))) + 2)
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    dialog = page.dialog
    assert isinstance(dialog, BookingDialog)
    dialog.set_person(setup.person_id)
    choose(qtbot, dialog, "IJ", AppointmentKind.PHYSICAL)
    qtbot.waitUntil(lambda: dialog.slot_list.chosen() is not None, timeout=WAIT)
    assert dialog.slot_list.chosen().starts_at == setup.at(day, 10)
    assert dialog.slot_list.picker.current_day() == day
    assert dialog.slot_list.picker.summary.text().endswith("à 10:00 · Camille Conseiller01")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        dialog.save()
    assert [a.starts_at for a in appointments(sqlite_store)] == [setup.at(day, 10)]


# -- moving and cancelling -------------------------------------------------------------------

def drag(qtbot, page: AgendaPage, key, hours: int) -> None:
    view = page.view
    start = view.item_rect(key).center().toPoint()
    hour = view.y_for(time(10, 0)) - view.y_for(time(9, 0))
    target = QPoint(start.x(), round(start.y() + hours * hour))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), QPoint(start.x(), start.y() + 20))
    qtbot.mouseMove(view.viewport(), target)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target)


def test_drag_moves_the_appointment_and_links_the_original(
        qtbot, open_page, setup, sqlite_store, monkeypatch):
    day = next_week_day()
    original = book(sqlite_store, setup, day, 9)
    page = open_page()
    show_day(qtbot, page, day)
    questions = []
    monkeypatch.setattr(Prompts, "confirm", classmethod(
        lambda _cls, _parent, text: questions.append(text) or True))
    refreshed(qtbot, page, lambda: drag(qtbot, page, original, 1))
    assert questions == [f"Déplacer le rendez-vous de DUPONT Marie au "
                         f"{booking.french_moment(setup.at(day, 10), 'Europe/Paris')} ?"]
    old, new = appointments(sqlite_store)
    assert old.status is AppointmentStatus.RESCHEDULED
    assert (new.rescheduled_from_id, new.starts_at) == (original, setup.at(day, 10))
    assert page.view.item_rect(original) is None  # its successor is shown instead
    assert page.view.item_rect(new.id) is not None


def test_a_move_onto_a_taken_time_says_why_and_shows_the_agenda_again(
        qtbot, open_page, setup, sqlite_store, monkeypatch):
    day = next_week_day()
    first = book(sqlite_store, setup, day, 9)
    book(sqlite_store, setup, day, 10, person_id=setup.bare_person_id)
    page = open_page()
    show_day(qtbot, page, day)
    told = []
    monkeypatch.setattr(Prompts, "confirm", classmethod(lambda _cls, _parent, _text: True))
    monkeypatch.setattr(Prompts, "tell", classmethod(
        lambda _cls, _parent, text: told.append(text)))
    refreshed(qtbot, page, lambda: page.move_requested(
        first, datetime.combine(day, time(10)), None))
    assert told and told[0].startswith("Ce créneau vient d'être pris")
    assert [a.status for a in appointments(sqlite_store)] == [AppointmentStatus.BOOKED] * 2


def test_cancel_with_a_reason_strikes_the_item_through(qtbot, open_page, setup,
                                                       sqlite_store):
    day = next_week_day()
    appointment_id = book(sqlite_store, setup, day, 9)
    page = open_page()
    show_day(qtbot, page, day)
    page.view.focus_item(appointment_id)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)  # asks to cancel: the dialog opens there
    dialog = page.dialog
    qtbot.waitUntil(lambda: dialog.cancel_box.isVisible(), timeout=WAIT)
    assert dialog.values["contact"].text() == ("06\u00a012\u00a034\u00a056\u00a078 — "
                                               "marie.dupont@exemple.fr")
    assert "2 84 12" not in " ".join(label.text() for label in dialog.values.values())

    qtbot.mouseClick(dialog.confirm_cancel_button, Qt.MouseButton.LeftButton)  # no reason
    reason = dialog.cancel_form.field("reason")
    qtbot.waitUntil(reason.error.isVisible, timeout=WAIT)
    assert reason.error_text() == "Indiquez le motif de l'annulation."
    assert appointments(sqlite_store)[0].status is AppointmentStatus.BOOKED

    dialog.by_service.setChecked(True)
    type_text(qtbot, dialog.reason, "Conseiller en formation")
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        qtbot.mouseClick(dialog.confirm_cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.values["status"].text().startswith("Annulé"), timeout=WAIT)
    assert dialog.values["status"].text() == "Annulé par le service : Conseiller en formation"
    assert "Annulé par le service" in dialog.values["history"].text()
    assert not dialog.cancel_button.isVisible()
    assert ", annulé" in page.view.item_accessible_text(appointment_id)
    (appointment,) = appointments(sqlite_store)
    assert (appointment.status, appointment.cancel_reason) == (
        AppointmentStatus.CANCELLED, "Conseiller en formation")
    page.show_cancelled.setChecked(False)
    qtbot.waitUntil(lambda: page.view.item_rect(appointment_id) is None, timeout=WAIT)


def test_move_through_the_dialog_picks_a_free_slot(qtbot, open_page, setup, sqlite_store):
    day = next_week_day()
    appointment_id = book(sqlite_store, setup, day, 9)
    page = open_page()
    dialog = page.open_appointment(appointment_id)
    qtbot.waitUntil(lambda: dialog.move_button.isVisible(), timeout=WAIT)
    with qtbot.waitSignal(dialog.slot_list.shown, timeout=WAIT):
        qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    slot = dialog.slot_list.chosen()
    with qtbot.waitSignal(dialog.changed, timeout=WAIT) as changed:
        qtbot.mouseClick(dialog.confirm_move_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.origin_button.isVisible(), timeout=WAIT)
    assert dialog.detail.row.id == changed.args[0] != appointment_id
    assert dialog.detail.row.starts_at == slot.starts_at
    assert dialog.values["history"].text().split(" — ")[1].startswith("Déplacé depuis le")


# -- outcome, lists, export ------------------------------------------------------------------

def test_outcome_of_a_past_appointment_clears_it_from_to_fill(
        qtbot, open_page, setup, sqlite_store, qtmodeltester):
    day = working_day(date.today() - timedelta(days=7), step=-1)
    appointment_id = book(sqlite_store, setup, day, 9, now=setup.at(day, 0) - timedelta(days=1))
    page = open_page()
    qtbot.waitUntil(lambda: page.to_fill_table.model_.rowCount() == 1, timeout=WAIT)
    assert page.tabs.tabText(2) == "Passés à &renseigner (1)"
    qtmodeltester.check(page.to_fill_table.model_)
    show_day(qtbot, page, day)
    assert page.view.item_accessible_text(appointment_id).endswith(TO_FILL)

    page.to_fill_table.open_requested.emit(appointment_id)
    dialog = page.dialog
    qtbot.waitUntil(lambda: dialog.honoured_button.isVisible(), timeout=WAIT)
    assert not dialog.move_button.isVisible()
    assert dialog.values["status"].text() == f"Réservé — {TO_FILL}"
    qtbot.mouseClick(dialog.honoured_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.values["status"].text() == "Honoré", timeout=WAIT)
    qtbot.waitUntil(lambda: page.to_fill_table.model_.rowCount() == 0, timeout=WAIT)
    assert appointments(sqlite_store)[0].status is AppointmentStatus.HONOURED
    qtbot.waitUntil(lambda: TO_FILL not in page.view.item_accessible_text(appointment_id),
                    timeout=WAIT)


def test_the_list_filters_by_kind_and_status(qtbot, open_page, setup, sqlite_store,
                                             qtmodeltester):
    day = next_week_day()
    book(sqlite_store, setup, day, 9)
    phone = book(sqlite_store, setup, day, 10, kind=AppointmentKind.PHONE)
    page = open_page()
    qtbot.waitUntil(lambda: page.list is not None, timeout=WAIT)
    listing = page.list
    page.tabs.setCurrentWidget(listing)
    listing.first_day.set_date(day - timedelta(days=1))
    listing.last_day.set_date(day + timedelta(days=1))
    with qtbot.waitSignal(listing.listed, timeout=WAIT) as both:
        qtbot.mouseClick(listing.search_button, Qt.MouseButton.LeftButton)
    assert both.args == [2] and listing.count.text() == "2 rendez-vous"
    with qtbot.waitSignal(listing.listed, timeout=WAIT):
        listing.kind.setCurrentIndex(listing.kind.findData(AppointmentKind.PHONE))
    model = listing.table.model_
    assert model.keys() == [phone]
    assert [model.data(model.index(0, c)) for c in range(1, 8)] == [
        "10:00", "DUPONT Marie", "IJ", "Téléphonique", "Réservé", "Accueil",
        "Camille Conseiller01"]
    qtmodeltester.check(model)
    with qtbot.waitSignal(listing.listed, timeout=WAIT) as none:
        listing.status.setCurrentIndex(listing.status.findData(AppointmentStatus.CANCELLED))
    assert none.args == [0] and listing.count.text() == "Aucun rendez-vous."


def test_export_writes_an_ics_that_icalendar_reads(qtbot, open_page, setup, sqlite_store,
                                                   tmp_path, monkeypatch):
    day = next_week_day()
    appointment_id = book(sqlite_store, setup, day, 9)
    page = open_page()
    path = tmp_path / "agenda.ics"
    monkeypatch.setattr(ExportPeriodDialog, "ask", classmethod(
        lambda _cls, _parent, _shown: (day, day)))
    monkeypatch.setattr(Prompts, "save_path", classmethod(
        lambda _cls, _parent, _title, suggested: str(path)))
    with qtbot.waitSignal(page.exported, timeout=WAIT) as exported:
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert exported.args == [str(path), 1]
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "PUBLISH"
    assert str(event["SUMMARY"]) == "RDV à l'accueil — Mme D. — IJ"
    assert event.decoded("DTSTART") == setup.at(day, 9).astimezone(PARIS)
    assert b"2841276" not in path.read_bytes()

    invitation = tmp_path / "invitation.ics"
    monkeypatch.setattr(Prompts, "save_path", classmethod(
        lambda _cls, _parent, _title, suggested: str(invitation)))
    dialog = page.open_appointment(appointment_id)
    qtbot.waitUntil(lambda: dialog.invitation_button.isVisible(), timeout=WAIT)
    qtbot.mouseClick(dialog.invitation_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(invitation.exists, timeout=WAIT)
    request = icalendar.Calendar.from_ical(invitation.read_bytes())
    assert request["METHOD"] == "REQUEST"
    assert str(request.walk("VEVENT")[0]["ATTENDEE"]) == "mailto:marie.dupont@exemple.fr"
    assert str(request.walk("VEVENT")[0]["ORGANIZER"]) == (
        "mailto:accueil.test@cpam-isere.exemple.fr")


# -- views -----------------------------------------------------------------------------------

def test_site_day_has_a_column_per_adviser_and_closures(qtbot, open_page, setup,
                                                        sqlite_store):
    day = next_week_day()
    book(sqlite_store, setup, day, 9)
    page = open_page(Role.MANAGER)  # not an adviser: the site's day comes first
    assert page.mode() == "site"
    show_day(qtbot, page, day)
    assert [column.label for column in page.view.columns()] == ["Camille Conseiller01"]
    labels = {label for _rect, label in page.view.closed_rects()}
    assert labels == {"Fermé"}  # before opening, lunch, after closing
    assert len(page.view.closed_rects()) == 3


def test_a_stale_answer_is_dropped(qtbot, open_page, setup, sqlite_store):
    day = next_week_day()
    appointment_id = book(sqlite_store, setup, day, 9)
    page = open_page()
    with qtbot.waitSignal(page.period_shown, timeout=WAIT):
        page.view.set_date(day + timedelta(days=14))  # asked first…
        page.view.set_date(day)  # …overtaken by this one
    qtbot.waitUntil(page._ctx.tasks.idle, timeout=WAIT)
    assert day in page.view.days()
    assert page.view.item_rect(appointment_id) is not None


def test_booking_from_a_persons_record(qtbot, make_context, setup, sqlite_store):
    from db.people import records as people_records
    from desktop.people.dialog import PersonDialog

    ctx = make_context(Role.ADVISER)
    with sqlite_store.unit(ctx.actor) as unit:
        record = people_records.get_person(unit, setup.person_id)
    record_dialog = PersonDialog(ctx, record)
    qtbot.addWidget(record_dialog)
    record_dialog.show()
    section = record_dialog.appointments
    qtbot.waitUntil(lambda: section.count.text() == "Aucun rendez-vous.", timeout=WAIT)
    qtbot.mouseClick(section.book_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    choose(qtbot, dialog, "IJ", AppointmentKind.PHONE)
    with qtbot.waitSignal(dialog.saved, timeout=WAIT):
        dialog.save()
    qtbot.waitUntil(lambda: section.table.model_.rowCount() == 1, timeout=WAIT)
    assert section.table.model_.data(section.table.model_.index(0, 4)) == "Téléphonique"
    assert appointments(sqlite_store)[0].person_id == setup.person_id


def test_now_is_the_sites_local_time():
    moment = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert local(moment, "Europe/Paris") == datetime(2026, 7, 1, 12, 0)
    assert local(moment, "America/Cayenne") == datetime(2026, 7, 1, 7, 0)


def test_booking_searches_every_site_of_a_sector(qtbot, setup, sqlite_store, gui_actors):
    with sqlite_store.session() as session:
        session.get(Site, setup.site_id).sector = "Trièves"
        session.add(Site(name="France Services de Mens", kind=SiteKind.FRANCE_SERVICES,
                         sector="Trièves"))
        session.get(Staff, gui_actors[Role.PARTNER].id).sector = "Trièves"
    ctx = AppContext(sqlite_store, replace(gui_actors[Role.PARTNER], sector="Trièves"))
    dialog = BookingDialog(ctx, setup.person_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    assert "Tous les lieux du secteur « Trièves »" in [
        dialog.site.itemText(i) for i in range(dialog.site.count())]
    dialog.site.set_value(Sector("Trièves"))
    choose(qtbot, dialog, "IJ", AppointmentKind.PHONE)
    slot = dialog.choose_slot(0)
    assert slot.site_id == setup.site_id  # the only site of the sector with an adviser
    with qtbot.waitSignal(dialog.saved, timeout=WAIT) as saved:
        dialog.save()
    with sqlite_store.session() as session:
        assert session.get(Appointment, saved.args[0]).site_id == setup.site_id
    qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
    ctx.tasks.wait()
