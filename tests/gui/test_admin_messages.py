"""Administration › Messages, as an administrator uses it: the server and its password in
the keyring, templates previewed while typing and saved once they preview, the trial sent to
a real SMTP server, the list of what failed with « Renvoyer », the day's SMS and their file;
and on the agenda's and the people's side, « Prévenir la personne » and « Messages
acceptés »."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from db.agenda import booking
from db.agenda.models import AppointmentKind
from db.messages import sender
from db.messages.models import MessageKind, MessageSettings
from db.people.models import MessageChannel, Person
from db.roles import Role
from desktop.admin.message_list import SmsPrompt
from desktop.admin.page import AdminPage
from desktop.agenda.booking_dialog import BookingDialog
from desktop.messages import secrets
from desktop.people.dialog import PersonDialog
from tests.db import messages_setup
from tests.db.messages_setup import (
    consent,
    consenting_agenda,
    loopback,
    messages,
    working_day,
)
from tests.gui.test_people import type_text
from tests.widgets.accessibility import unnamed_focusable

smtp = messages_setup.smtp  # the loopback SMTP server, a fixture


@pytest.fixture
def setup(sqlite_store, gui_actors):
    return consenting_agenda(sqlite_store, gui_actors)


@pytest.fixture
def open_messages(qtbot, make_context):
    def open_(role: Role = Role.ADMIN):
        page = AdminPage(make_context(role))
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        qtbot.waitExposed(page)
        tab = page.messages
        page.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.settings.record is not None, timeout=10000)
        return page, tab

    return open_


def stored_settings(store) -> MessageSettings:
    with store.session() as session:
        return session.scalars(select(MessageSettings)).one()


def test_only_an_administrator_has_the_messages_tab(qtbot, make_context, setup):
    for role in (Role.MANAGER,):
        page = AdminPage(make_context(role))
        qtbot.addWidget(page)
        assert not hasattr(page, "messages")
        titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
        assert not any("Messa" in title for title in titles)


def test_the_server_is_saved_and_its_password_goes_to_the_keyring(
        qtbot, open_messages, setup, sqlite_store, memory_keyring):
    _page, tab = open_messages()
    section = tab.settings
    assert unnamed_focusable(tab) == []
    section.host.setText("smtp.cpam-isere.exemple.fr")
    section.port.setValue(587)
    section.user.setText("guichet")
    type_text(qtbot, section.password, "sécret-42")
    section.days.setValue(3)
    section.save_button.click()
    qtbot.waitUntil(lambda: stored_settings(sqlite_store).smtp_host != "", timeout=5000)
    row = stored_settings(sqlite_store)
    assert (row.smtp_host, row.smtp_user, row.reminder_days) == (
        "smtp.cpam-isere.exemple.fr", "guichet", 3)
    server = sender.SmtpServer("smtp.cpam-isere.exemple.fr", 587, row.smtp_security, "guichet")
    qtbot.waitUntil(lambda: secrets.has_password(server), timeout=5000)
    assert memory_keyring.passwords[("Guichet", secrets.account(server))] == "sécret-42"
    with sqlite_store.engine.connect() as connection:  # nowhere in the database
        dump = "\n".join(connection.connection.iterdump())
    assert "sécret-42" not in dump
    qtbot.waitUntil(lambda: "trousseau" in section.password.placeholderText(), timeout=5000)


def test_a_reminder_outside_its_hours_is_refused_beside_its_field(qtbot, open_messages, setup):
    _page, tab = open_messages()
    section = tab.settings
    section.test_recipient.setText("pas une adresse")
    section.save_button.click()
    field = section.form.field("test_recipient")
    qtbot.waitUntil(lambda: bool(field.error_text()), timeout=5000)
    assert "n'est pas valide" in field.error_text()


def test_a_template_previews_while_typed_and_saves_once_it_previews(
        qtbot, open_messages, setup, sqlite_store):
    _page, tab = open_messages()
    tab.setCurrentWidget(tab.templates)
    templates = tab.templates
    qtbot.waitUntil(lambda: templates.records.count() == 12, timeout=5000)
    templates.records.setCurrentRow(7)  # Rappel — SMS
    section = templates.section
    qtbot.waitUntil(lambda: "Rappel Assurance Maladie" in section.preview.toPlainText(),
                    timeout=5000)
    assert "/ 160 caractères GSM-7" in section.length.text()
    section.text.setPlainText("Rappel : {type} le {date_courte} à {heure}. {inconnu}")
    body = section.form.field("body")
    qtbot.waitUntil(lambda: "{inconnu}" in body.error_text(), timeout=5000)
    assert not section.save_button.isEnabled()
    section.text.setPlainText("Rappel : {type} le {date_courte} à {heure}, {lieu_court}.")
    qtbot.waitUntil(lambda: section.save_button.isEnabled(), timeout=5000)
    assert section.preview.toPlainText().startswith("Rappel : rendez-vous à l'accueil le ")
    section.save_button.click()
    qtbot.waitUntil(lambda: "Enregistré" in section.banner.text(), timeout=5000)
    from db.messages.compose import template_row

    with sqlite_store.session() as session:
        saved = template_row(session, MessageKind.REMINDER, MessageChannel.SMS)
        assert saved.body == "Rappel : {type} le {date_courte} à {heure}, {lieu_court}."


def test_the_trial_reaches_the_administrator_through_the_server(
        qtbot, open_messages, setup, smtp):
    _page, tab = open_messages()
    section = tab.settings
    section.host.setText("127.0.0.1")
    section.port.setValue(smtp.port)
    section.security.set_value(sender.SmtpSecurity.NONE)
    section.test_recipient.setText("admin@cpam-isere.exemple.fr")
    section.trial_button.click()
    qtbot.waitUntil(lambda: "Essai envoyé" in section.banner.text(), timeout=10000)
    (received,) = smtp.recorder.received
    assert received.recipients == ("admin@cpam-isere.exemple.fr",)
    assert received.subject.startswith("[Essai] Votre rendez-vous")
    assert b"METHOD:REQUEST" in received.calendar()


def test_the_failed_list_shows_the_servers_answer_and_resends(
        qtbot, open_messages, setup, sqlite_store, smtp, qtmodeltester):
    with sqlite_store.unit(setup.adviser) as unit:
        booking.book_appointment(unit, setup.request(setup.at(working_day(6), 10)))
    smtp.recorder.data_answers.append("550 5.1.1 Mailbox unavailable")
    sender.send_due(sqlite_store, loopback(smtp))
    _page, tab = open_messages()
    tab.setCurrentWidget(tab.sent)
    listing = tab.sent
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1, timeout=5000)
    qtmodeltester.check(listing.model)
    texts = [listing.model.item(0, c).text() for c in range(listing.model.columnCount())]
    assert "Confirmation" in texts and "Échec" in texts
    assert any(t.startswith("550 5.1.1") for t in texts)
    assert "(1)" in listing.group.currentText()
    listing.view.setCurrentIndex(listing.model.index(0, 0))
    assert listing.resend_button.isEnabled()
    listing.resend_button.click()
    qtbot.waitUntil(lambda: listing.model.rowCount() == 0, timeout=5000)
    assert sender.send_due(sqlite_store, loopback(smtp)).sent == 1


def test_the_days_sms_are_listed_and_written_to_their_file(
        qtbot, open_messages, setup, sqlite_store, tmp_path, monkeypatch):
    consent(sqlite_store, setup.adviser, setup.person_id, MessageChannel.SMS)
    with sqlite_store.unit(setup.adviser) as unit:
        booking.book_appointment(unit, setup.request(setup.at(working_day(6), 10)))
    _page, tab = open_messages()
    tab.setCurrentWidget(tab.sms)
    screen = tab.sms
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=5000)  # the confirmation
    assert screen.title.text().startswith("Rappels SMS du ")
    assert screen.model.item(0, 3).text() == "+33612345678"
    target = tmp_path / "sms.csv"
    monkeypatch.setattr(SmsPrompt, "save_path", classmethod(lambda cls, parent, name: str(
        target)))
    screen.export_button.click()
    qtbot.waitUntil(lambda: "écrits dans" in screen.banner.text(), timeout=5000)
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8")), delimiter=";"))
    assert len(rows) == 2 and rows[1][0] == "+33612345678"
    qtbot.waitUntil(lambda: screen.model.item(0, 5).text() != "—", timeout=5000)
    assert not screen.export_button.isEnabled()


def test_unticking_prevenir_books_without_a_confirmation(qtbot, make_context, setup,
                                                         sqlite_store):
    dialog = BookingDialog(make_context(Role.ADVISER), setup.person_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        dialog.show()
    assert dialog.notify.isChecked()
    dialog.notify.setChecked(False)
    dialog.choose_kind(AppointmentKind.PHYSICAL)
    with qtbot.waitSignal(dialog.slots_shown, timeout=10000):
        dialog.refresh_slots()
    dialog.choose_slot(0)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    kinds = [m.kind for m in messages(sqlite_store)]
    assert MessageKind.CONFIRMATION not in kinds


def test_the_persons_record_says_which_messages_they_accept(qtbot, make_context, setup,
                                                            sqlite_store):
    from db.people import records as people_records

    ctx = make_context(Role.ADVISER)
    with sqlite_store.unit(ctx.actor) as unit:
        record = people_records.get_person(unit, setup.person_id)
    dialog = PersonDialog(ctx, record)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.consent.value() is MessageChannel.EMAIL
    assert dialog.consent.since.text().startswith("accord du ")
    dialog.consent.choice.setCurrentIndex(dialog.consent.choice.findData(MessageChannel.SMS))
    assert "aujourd'hui" in dialog.consent.since.text()
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    with sqlite_store.session() as session:
        assert session.get(Person, setup.person_id).message_channel is MessageChannel.SMS
    # A landline takes no SMS: refused beside the field.
    with sqlite_store.unit(ctx.actor) as unit:
        record = people_records.get_person(unit, setup.person_id)
    dialog = PersonDialog(ctx, record)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["phone"].setText("04 76 12 34 56")
    dialog.save()
    field = dialog.form.field("message_channel")
    qtbot.waitUntil(lambda: "portable" in field.error_text(), timeout=5000)
    assert dialog.form.field("message_channel").label.buddy() is dialog.consent
