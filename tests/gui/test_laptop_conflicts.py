"""« Conflits à résoudre » against a real server (issue 13): reached from the status bar and
the Fichier menu, each conflict in words with both versions side by side; « Garder la
version du bureau », « Reprendre ma version » (journaled, sent by the next sync), and a
refused booking booked again on the nearest free slot with the booking dialog.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db import validation
from db.replica.models import replica_op
from db.sync import laptop
from db.sync.tables import table
from desktop.agenda.booking_dialog import BookingDialog
from desktop.laptop.conflicts_dialog import KEEP_COLUMN, NONE_LEFT, ConflictsDialog
from tests.db.office_setup import office  # noqa: F401
from tests.db.replica_conflicts_setup import (
    OFFICE_CITY,
    actor,
    colliding_booking,
    office_value,
    phone_conflict,
)
from tests.gui.laptop_setup import (  # noqa: F401
    WAIT,
    laptop_window,
    permanence,
    prompts,
    sync_with,
)
from tests.widgets.accessibility import unnamed_focusable

pytestmark = pytest.mark.postgres


def open_conflicts(qtbot, window, count: int) -> ConflictsDialog:
    """The status bar's « N conflits à résoudre », once it shows them."""
    window.laptop.status.refresh()
    button = window.laptop.status.conflicts_button
    qtbot.waitUntil(lambda: button.isVisible() and button.text().startswith(f"{count} "),
                    timeout=WAIT)
    button.click()
    dialog = window.laptop.conflicts_dialog
    qtbot.waitUntil(lambda: len(dialog.views) == count, timeout=WAIT)
    return dialog


def cells(dialog: ConflictsDialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [tuple(table.item(row, column).text() for column in range(3)
                  if not table.isColumnHidden(column)) for row in range(table.rowCount())]


def test_both_versions_side_by_side_and_the_laptop_s_taken_again(
        qtbot, office, permanence, laptop_window, prompts):  # noqa: F811
    replica, server = permanence
    person_id, office_phone, laptop_phone = phone_conflict(office, replica, server,
                                                           actor(replica))
    window = laptop_window
    dialog = open_conflicts(qtbot, window, 1)
    assert window.laptop.status.label.text().endswith(" · 1 conflit")
    assert unnamed_focusable(dialog) == []
    assert dialog.what.text().startswith("Personne — ")
    assert dialog.reason.text() == "Modifié aussi au bureau."
    assert "par " in dialog.made.text()
    assert cells(dialog) == [("Téléphone", validation.format_phone(laptop_phone),
                              validation.format_phone(office_phone))]
    assert dialog.keep_laptop_button.isVisible() and not dialog.rebook_button.isVisible()
    with qtbot.waitSignal(window.ctx.changes, timeout=WAIT):
        dialog.keep_laptop_button.click()
    qtbot.waitUntil(lambda: dialog.views == [], timeout=WAIT)
    assert dialog.pages.currentWidget() is dialog.empty and dialog.empty.text() == NONE_LEFT
    assert "partira au bureau" in dialog.banner.text()
    with replica.engine.connect() as connection:
        [fields] = connection.execute(select(replica_op.c.fields).where(
            replica_op.c.table_name == "person", replica_op.c.pushed_at.is_(None))).scalars()
    assert fields["phone"] == [office_phone, laptop_phone]
    qtbot.waitUntil(lambda: window.laptop.status.label.text().endswith(
        "— 1 modification à envoyer"), timeout=WAIT)
    assert not window.laptop.status.conflicts_button.isVisible()
    dialog.close()
    sync_with(qtbot, window)
    assert office_value(office, "SELECT phone FROM person WHERE id = %s",
                        person_id) == laptop_phone


def test_a_record_changed_on_both_sides_is_combined_field_by_field(
        qtbot, office, permanence, laptop_window):  # noqa: F811
    replica, server = permanence
    person_id, _office_phone, laptop_phone = phone_conflict(
        office, replica, server, actor(replica), with_city=True)
    dialog = open_conflicts(qtbot, laptop_window, 1)
    keep = KEEP_COLUMN
    assert dialog.isVisible()
    assert not dialog.table.isColumnHidden(keep) and dialog.combine_button.isVisible()
    assert dialog.table.horizontalHeaderItem(keep).text() == "À garder"
    assert unnamed_focusable(dialog) == []
    phone, city = (dialog.table.cellWidget(row, keep) for row in range(2))
    assert [phone.itemText(i) for i in range(phone.count())] == ["Ma version",
                                                                 "Version du bureau"]
    city.setCurrentIndex(city.findData("server"))
    assert dialog.choices() == {"phone": "laptop", "city": "server"}
    dialog.combine_button.click()
    qtbot.waitUntil(lambda: dialog.views == [], timeout=WAIT)
    assert "Vos choix sont gardés" in dialog.banner.text()
    person = table("person")
    with replica.engine.connect() as connection:
        assert connection.execute(select(person.c.phone, person.c.city).where(
            person.c.id == person_id)).one() == (laptop_phone, OFFICE_CITY)
    assert laptop.pending_changes(replica) == 1  # the phone, sent by the next sync


def test_a_single_field_conflict_has_nothing_to_combine(
        qtbot, office, permanence, laptop_window):  # noqa: F811
    replica, server = permanence
    phone_conflict(office, replica, server, actor(replica))
    dialog = open_conflicts(qtbot, laptop_window, 1)
    assert dialog.table.isColumnHidden(KEEP_COLUMN) and not dialog.combine_button.isVisible()


def test_keeping_the_office_s_version_from_the_file_menu(
        qtbot, office, permanence, laptop_window):  # noqa: F811
    replica, server = permanence
    person_id, office_phone, _laptop = phone_conflict(office, replica, server, actor(replica))
    window = laptop_window
    window.laptop.conflicts_action.trigger()
    dialog = window.laptop.conflicts_dialog
    qtbot.waitUntil(lambda: len(dialog.views) == 1, timeout=WAIT)
    dialog.keep_server_button.click()
    qtbot.waitUntil(lambda: dialog.views == [], timeout=WAIT)
    assert "version du bureau est gardée" in dialog.banner.text()
    assert laptop.pending_changes(replica) == 0 and laptop.open_conflicts(replica) == 0
    person = table("person")
    with replica.engine.connect() as connection:
        assert connection.execute(select(person.c.phone).where(
            person.c.id == person_id)).scalar_one() == office_phone


def test_a_refused_booking_names_whom_to_call_and_is_booked_again_on_a_free_slot(
        qtbot, office, permanence, laptop_window):  # noqa: F811
    replica, server = permanence
    request = colliding_booking(office, replica, server, actor(replica))
    window = laptop_window
    dialog = open_conflicts(qtbot, window, 1)
    assert dialog.what.text().startswith("Rendez-vous — ")
    assert "pris au bureau" in dialog.reason.text()
    assert dialog.call_back.text().startswith("Personne à rappeler : ")
    assert dialog.table.isColumnHidden(2)  # the office has no version of it
    labels = dict(cells(dialog))
    assert labels["Canal"] == "France Services" and labels["Type"] == "Physique"
    assert labels["Note"] == request.note
    assert dialog.with_it.isVisible() and not dialog.keep_laptop_button.isVisible()
    assert dialog.rebook_button.isVisible() and unnamed_focusable(dialog) == []
    dialog.rebook_button.click()
    booking = dialog._booking
    assert isinstance(booking, BookingDialog)
    qtbot.waitSignal(booking.slots_shown, timeout=WAIT).wait()
    qtbot.waitUntil(lambda: booking.slot_list.chosen() is not None, timeout=WAIT)
    assert booking.site.value() == request.site_id
    assert booking.note.toPlainText() == request.note
    chosen = booking.slot_list.chosen()
    assert chosen.starts_at != request.starts_at or chosen.adviser_id != request.adviser_id
    with qtbot.waitSignal(booking.saved, timeout=WAIT):
        booking.save()
    qtbot.waitUntil(lambda: dialog.views == [], timeout=WAIT)
    assert "Rendez-vous repris" in dialog.banner.text()
    assert laptop.conflicts(replica) == []  # its preparation and messages resolved with it
    assert laptop.pending_changes(replica) >= 1
