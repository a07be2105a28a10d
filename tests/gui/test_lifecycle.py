"""The data lifecycle's screens, driven as an administrator does: durations, the purge shown
then done, the journal exported, a person anonymised, a backup made and restored."""

from __future__ import annotations

from datetime import UTC, datetime

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db.agenda import booking
from db.agenda.models import Appointment
from db.lifecycle import retention
from db.lifecycle.backup import check_sqlite_backup
from db.people import records as people_records
from db.people.models import Person
from db.roles import Role
from db.schema import HEAD
from desktop.admin.lifecycle import PurgePrompt
from desktop.backup_actions import BackupPrompt
from desktop.people.erasure import AnonymisePrompt
from tests.db.test_dashboard import october_activity
from tests.gui.test_list_export import export_to  # noqa: F401 (a fixture)


def appointment_count(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Appointment))


@pytest.fixture
def data_tab(qtbot, make_context):
    from desktop.admin.page import AdminPage

    page = AdminPage(make_context(Role.ADMIN))
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    page.tabs.setCurrentWidget(page.data)
    tab = page.data
    qtbot.waitUntil(lambda: tab.retention.record is not None, timeout=10000)
    yield tab  # the page lives as long as the test


def test_durations_then_the_purge_shown_then_done(qtbot, sqlite_store, gui_actors, data_tab,
                                                  monkeypatch):
    october_activity(sqlite_store, gui_actors)
    before = appointment_count(sqlite_store)
    section = data_tab.retention
    assert section.never.isChecked()  # mediation files: no duration until one is written
    assert section.spins["messages_months"].value() == 3  # the message queue
    section.spins["appointments_months"].setValue(1)
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.banner.text() == "Enregistré.", timeout=5000)
    with sqlite_store.unit(gui_actors[Role.ADMIN]) as unit:
        assert retention.get_retention(unit).data.appointments_months == 1

    purge = data_tab.purge
    qtbot.mouseClick(purge.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: purge.plan is not None, timeout=5000)
    assert "Rendez-vous passés et ateliers (plus de 1 mois après leur date" in \
        purge.summary.text()
    assert "File des messages aux personnes (envoyés, en échec ou retirés\u00a0: plus de 3 " \
        "mois après leur date d'envoi, avant le " in purge.summary.text()
    assert purge.plan.count("appointments") == before and purge.purge_button.isEnabled()
    assert appointment_count(sqlite_store) == before  # looking writes nothing
    asked = []
    monkeypatch.setattr(PurgePrompt, "confirm",
                        classmethod(lambda cls, parent, plan: asked.append(plan) or True))
    qtbot.mouseClick(purge.purge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: purge.summary.text().startswith("Purge faite"), timeout=10000)
    assert asked and appointment_count(sqlite_store) == 0


def test_the_audit_journal_is_read_and_exported(qtbot, sqlite_store, gui_actors, data_tab,
                                               export_to):  # noqa: F811
    with sqlite_store.unit(gui_actors[Role.ADMIN]) as unit:  # two audited changes
        for months in (18, 24):
            record = retention.get_retention(unit)
            retention.save_retention(unit, retention.Retention(appointments_months=months),
                                     record.version)
    journal = data_tab.journal
    qtbot.mouseClick(journal.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: journal.model.rowCount() == 2, timeout=5000)
    assert journal.count.text() == "2 évènements"
    model = journal.model
    assert model.data(model.index(0, 1)) == "Camille Admin" and \
        model.data(model.index(0, 2)) == "update"
    target = export_to("journal.xlsx")
    with qtbot.waitSignal(journal.export_button.exported, timeout=10000):
        qtbot.mouseClick(journal.export_button, Qt.MouseButton.LeftButton)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date et heure", "Compte", "Action") and len(rows) == 3
    assert [row[2] for row in rows[1:]] == ["update", "update"]


def open_record(qtbot, ctx, person_id):
    from desktop.people.dialog import PersonDialog

    with ctx.store.unit(ctx.actor) as unit:
        record = people_records.get_person(unit, person_id)
    dialog = PersonDialog(ctx, record)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_an_administrator_anonymises_a_person_after_reading_what_changes(
        qtbot, sqlite_store, gui_actors, make_context, monkeypatch):
    from tests.db.agenda_setup import make_agenda

    setup = make_agenda(sqlite_store, gui_actors)
    ctx = make_context(Role.ADMIN)
    told, asked = [], []
    monkeypatch.setattr(AnonymisePrompt, "tell", classmethod(lambda c, p, m: told.append(m)))
    monkeypatch.setattr(AnonymisePrompt, "confirm",
                        classmethod(lambda c, p, preview: asked.append(preview) or True))
    with sqlite_store.unit(setup.adviser) as unit:  # Marie Dupont is expected next month
        booking.book_appointment(unit, setup.request(datetime(2027, 1, 11, 9, 0, tzinfo=UTC)),
                                 now=datetime(2026, 12, 1, tzinfo=UTC))
    dialog = open_record(qtbot, ctx, setup.person_id)
    assert dialog.anonymise_button.isVisible()
    qtbot.mouseClick(dialog.anonymise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert "a un rendez-vous à venir" in told[0] and not asked

    dialog = open_record(qtbot, ctx, setup.bare_person_id)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.anonymise_button, Qt.MouseButton.LeftButton)
    assert any("NIR" in line for line in asked[0].changes)
    with sqlite_store.session() as session:
        assert session.get(Person, setup.bare_person_id).last_name == "ANONYME"
    reopened = open_record(qtbot, ctx, setup.bare_person_id)
    assert not reopened.save_button.isVisible() and not reopened.anonymise_button.isVisible()
    assert not open_record(qtbot, make_context(Role.ADVISER),
                           setup.person_id).anonymise_button.isVisible()


def test_a_backup_made_and_restored_from_the_file_menu(qtbot, sqlite_store, gui_actors,
                                                       make_context, monkeypatch, tmp_path):
    from desktop.main_window import MainWindow

    window = MainWindow(make_context(Role.ADMIN))
    qtbot.addWidget(window)
    target = tmp_path / "copie.sqlite3"
    told = []
    monkeypatch.setattr(BackupPrompt, "save_path", classmethod(lambda c, p, s: str(target)))
    monkeypatch.setattr(BackupPrompt, "open_path", classmethod(lambda c, p: str(target)))
    monkeypatch.setattr(BackupPrompt, "confirm_restore", classmethod(lambda c, p, f: True))
    monkeypatch.setattr(BackupPrompt, "tell", classmethod(lambda c, p, m: told.append(m)))
    window.back_up()
    qtbot.waitUntil(target.exists, timeout=10000)
    assert check_sqlite_backup(target) == HEAD
    with qtbot.waitSignal(window.switch_user_requested, timeout=10000):
        window.restore()
    assert told and told[0].startswith(f"Sauvegarde restaurée (schéma {HEAD})")
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Sauvegarder…" in texts and "Res&taurer…" in texts
    adviser_window = MainWindow(make_context(Role.ADVISER))
    qtbot.addWidget(adviser_window)
    assert "&Sauvegarder…" not in [
        a.text() for a in adviser_window.menuBar().actions()[0].menu().actions()]


def test_the_days_copy_is_made_behind_the_first_screen(qtbot, sqlite_store, make_context):
    from desktop.app import daily_backup

    daily_backup(make_context(Role.ADVISER))
    folder = sqlite_store.sqlite_path.parent / "sauvegardes"
    qtbot.waitUntil(lambda: any(folder.glob("guichet-auto-*.sqlite3")), timeout=10000)
    (copy,) = folder.glob("guichet-auto-*.sqlite3")
    assert check_sqlite_backup(copy) == HEAD


def test_every_field_of_the_data_tab_has_a_name(data_tab):
    from tests.widgets.accessibility import unnamed_focusable

    assert unnamed_focusable(data_tab) == []
