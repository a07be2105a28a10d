"""The slot picker: days with their counts, a day's times by morning and afternoon, the
filters, « Prochain créneau libre », the keyboard, time zones and speed."""

from __future__ import annotations

import statistics
import time as clock_time
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QVBoxLayout

from widgets.slot_offer import DayPart, FreeSlot, SlotDay, SlotOffer
from widgets.slot_picker import SlotPicker

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 12, 14)
CAMILLE, KARIM = "camille", "karim"
LABELS = {CAMILLE: "Camille D.", KARIM: "Karim B."}


def slot(day_offset: int, hour: int, minute: int = 0, who: str = CAMILLE, *,
         zone: str | None = None, place: str = "Agence de Grenoble") -> FreeSlot:
    start = datetime.combine(MONDAY + timedelta(days=day_offset), time(hour, minute),
                             ZoneInfo(zone) if zone else PARIS)
    return FreeSlot(start, start + timedelta(minutes=30), who, LABELS[who], place,
                    payload=(who, day_offset, hour, minute), time_zone=zone)


def week() -> list[SlotDay]:
    return [SlotDay(MONDAY + timedelta(days=offset),
                    "Fermé" if offset in (5, 6) else "Jour férié : Noël" if offset == 4 else "")
            for offset in range(7)]


SLOTS = [slot(0, 9), slot(0, 9, who=KARIM), slot(0, 11, 30), slot(0, 14, who=KARIM),
         slot(1, 16), slot(2, 10), slot(2, 13), slot(2, 15, 30, who=KARIM),
         slot(4, 10)]  # the last one falls on a holiday: not offered


@pytest.fixture
def picker(qtbot) -> SlotPicker:
    widget = SlotPicker()
    qtbot.addWidget(widget)
    widget.set_slots(SLOTS, week())
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def texts(picker: SlotPicker) -> list[str]:
    return [button.text() for button in picker.grid.buttons()]


def test_days_say_what_they_offer(picker, qtmodeltester):
    qtmodeltester.check(picker.model)
    shown = [picker.model.index(row).data() for row in range(picker.model.rowCount())]
    assert shown == ["lun. 14/12 — 3 créneaux", "mar. 15/12 — 1 créneau",
                     "mer. 16/12 — 3 créneaux", "jeu. 17/12 — aucun créneau",
                     "ven. 18/12 — Jour férié : Noël", "sam. 19/12 — Fermé",
                     "dim. 20/12 — Fermé"]
    assert picker.model.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == \
        "mardi 15 décembre 2026, 1 créneau"


def test_a_day_shows_its_times_by_morning_and_afternoon(picker):
    assert picker.current_day() == MONDAY
    assert picker.day_title.text() == "Lundi 14 décembre 2026 — 3 créneaux"
    assert texts(picker) == ["09:00", "11:30", "14:00"]
    parts = [choice.part for choice in picker.grid.choices()]
    assert parts == [DayPart.MORNING, DayPart.MORNING, DayPart.AFTERNOON]
    # 09:00 is free for both: one button, proposing the first column, naming the other
    nine = picker.grid.buttons()[0]
    assert nine.accessibleName() == \
        "09:00, Camille D., Agence de Grenoble (libres aussi\u00a0: Karim B.)"


def test_a_closed_day_offers_nothing(qtbot, picker):
    with qtbot.waitSignal(picker.current_changed) as changed:
        picker.grid.buttons()[0].click()
    assert changed.args == [(CAMILLE, 0, 9, 0)]
    with qtbot.waitSignal(picker.current_changed) as cleared:
        picker.set_current_day(MONDAY + timedelta(days=4))
    assert cleared.args == [None]  # a time chosen on another day is not kept
    assert picker.grid.buttons() == []
    assert picker.day_title.text() == "Vendredi 18 décembre 2026 — Jour férié : Noël"
    assert picker.selected_payload() is None
    assert picker.summary.text() == "Aucun créneau choisi."


def test_the_afternoon_filter_hides_the_morning(picker):
    picker.part_filter.set_value(DayPart.AFTERNOON)
    assert texts(picker) == ["14:00"]
    assert picker.model.index(0).data() == "lun. 14/12 — 1 créneau"
    assert picker.model.index(1).data() == "mar. 15/12 — 1 créneau"
    picker.part_filter.set_value(DayPart.MORNING)
    assert texts(picker) == ["09:00", "11:30"]
    assert picker.model.index(1).data() == "mar. 15/12 — aucun créneau"


def test_the_column_filter_keeps_one_column(picker):
    assert picker.column_filter.currentText() == "Indifférent"
    assert [picker.column_filter.itemText(i) for i in range(3)] == \
        ["Indifférent", "Camille D.", "Karim B."]
    picker.column_filter.set_value(KARIM)
    assert texts(picker) == ["09:00", "14:00"]
    picker.grid.buttons()[0].click()
    assert picker.selected_payload() == (KARIM, 0, 9, 0)
    assert picker.summary.text() == ("Créneau choisi\u00a0: lundi 14 décembre 2026 à 09:00 · "
                                     "Karim B. · Agence de Grenoble")


def test_next_free_picks_the_earliest_match_from_the_date_given(qtbot, picker):
    qtbot.keyClicks(picker.from_field, "15/12/2026")
    assert picker.model.index(0).data() == "mar. 15/12 — 1 créneau"  # earlier days hidden
    picker.part_filter.set_value(DayPart.AFTERNOON)
    picker.column_filter.set_value(KARIM)
    with qtbot.waitSignal(picker.current_changed) as changed:
        qtbot.mouseClick(picker.next_button, Qt.MouseButton.LeftButton)
    assert changed.args == [(KARIM, 2, 15, 30)]  # not Monday's 14:00: before the date
    assert picker.current_day() == MONDAY + timedelta(days=2)
    assert QApplication.focusWidget() is picker.grid.buttons()[0]
    assert picker.grid.buttons()[0].text() == "✓ 15:30"

    picker.column_filter.set_value(None)
    with qtbot.waitSignal(picker.current_changed) as by_key:
        qtbot.keyClick(picker.day_list, Qt.Key.Key_F8)
    assert by_key.args == [(CAMILLE, 1, 16, 0)]


def test_next_free_says_when_nothing_matches_or_the_date_is_wrong(qtbot, picker):
    qtbot.keyClicks(picker.from_field, "19/12/2026")
    assert not picker.choose_next_free()
    assert picker.message.text() == "Aucun créneau libre ne correspond à ces critères."
    picker.from_field.clear()
    qtbot.keyClicks(picker.from_field, "31/02/2026")
    assert not picker.choose_next_free()
    assert picker.from_error.text() == "Le 31/02/2026 n'existe pas : ce mois compte 28 jours."
    assert picker.from_field.accessibleDescription() == picker.from_error.text()


def test_tab_goes_from_the_days_to_the_times_to_the_filters(qtbot, picker):
    picker.activateWindow()
    picker.day_list.setFocus()
    qtbot.waitUntil(picker.day_list.hasFocus)
    order = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [picker.grid.buttons()[0], picker.column_filter, picker.part_filter,
                     picker.from_field, picker.next_button, picker.day_list]


def test_arrows_move_in_the_grid_and_enter_chooses(qtbot, picker):
    picker.set_current_day(MONDAY + timedelta(days=2))  # 10:00 | 13:00 15:30
    ten, one, half_past_three = picker.grid.buttons()
    ten.setFocus()
    with qtbot.waitSignal(picker.current_changed) as moved:
        qtbot.keyClick(ten, Qt.Key.Key_Right)
    assert moved.args == [(CAMILLE, 2, 13, 0)] and one.hasFocus()
    qtbot.keyClick(one, Qt.Key.Key_Right)
    qtbot.keyClick(half_past_three, Qt.Key.Key_Up)  # the row above, the nearest column
    assert picker.selected_payload() == (CAMILLE, 2, 10, 0) and ten.hasFocus()
    qtbot.keyClick(ten, Qt.Key.Key_Down)
    assert picker.selected_payload() == (CAMILLE, 2, 13, 0)
    with qtbot.waitSignal(picker.chosen) as chosen:
        qtbot.keyClick(one, Qt.Key.Key_Return)
    assert chosen.args == [(CAMILLE, 2, 13, 0)]
    qtbot.keyClick(one, Qt.Key.Key_End)
    assert half_past_three.hasFocus() and half_past_three.text() == "✓ 15:30"
    assert one.text() == "13:00"
    with qtbot.waitSignal(picker.chosen) as clicked:
        qtbot.mouseDClick(ten, Qt.MouseButton.LeftButton)
    assert clicked.args == [(CAMILLE, 2, 10, 0)]


def test_enter_on_a_day_goes_to_its_times_not_to_the_dialogs_button(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    picker = SlotPicker(dialog)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    buttons.accepted.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(picker)
    layout.addWidget(buttons)
    picker.set_slots(SLOTS, week())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    picker.day_list.setFocus()
    qtbot.waitUntil(picker.day_list.hasFocus)
    qtbot.keyClick(picker.day_list, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert QApplication.focusWidget() is picker.grid.buttons()[0]


def test_slots_are_shown_in_their_own_time_zone():
    # 08:30 in Réunion is 05:30 in Paris; 12:30 in Cayenne is 16:30 in Paris.
    offer = SlotOffer([slot(0, 8, 30, zone="Indian/Reunion", place="Saint-Denis"),
                       slot(0, 12, 30, who=KARIM, zone="America/Cayenne", place="Cayenne"),
                       slot(0, 23, 30, zone="Indian/Reunion", place="Saint-Denis")])
    choices = offer.choices(MONDAY)
    assert [(c.local_start.time(), c.part) for c in choices] == [
        (time(8, 30), DayPart.MORNING), (time(12, 30), DayPart.MORNING),
        (time(23, 30), DayPart.AFTERNOON)]
    assert [entry.day for entry in offer.days] == [MONDAY]
    day, first = offer.next_free()
    assert (day, first.place) == (MONDAY, "Saint-Denis")


def test_a_refresh_keeps_the_day_and_the_chosen_slot(picker):
    picker.set_current_day(MONDAY + timedelta(days=2))
    picker.grid.buttons()[1].click()
    picker.set_slots([*SLOTS, slot(2, 8)], week())
    assert picker.current_day() == MONDAY + timedelta(days=2)
    assert picker.selected_payload() == (CAMILLE, 2, 13, 0)
    assert texts(picker)[0] == "08:00"


def test_a_given_slot_is_selected_even_behind_another_column(picker):
    assert picker.select_payload((KARIM, 0, 9, 0))  # 09:00 proposes Camille first
    assert picker.column_filter.value() == KARIM
    assert picker.selected_payload() == (KARIM, 0, 9, 0)
    assert not picker.select_payload(("nobody", 0, 0, 0))


def test_thousands_of_slots_stay_instant(qtbot, picker):
    advisers = {f"a{n}": f"Conseiller {n}" for n in range(12)}
    LABELS.update(advisers)
    many = [slot(day, 8 + minute // 60, minute % 60, who)
            for day in range(28) for who in advisers for minute in range(0, 9 * 60, 15)
            if (day + minute // 15) % 3 == 0 and (MONDAY + timedelta(days=day)).weekday() < 5]
    days = [SlotDay(MONDAY + timedelta(days=offset)) for offset in range(28)]
    assert len(many) > 2000

    def seconds(action) -> float:
        began = clock_time.perf_counter()
        action()
        return clock_time.perf_counter() - began

    # generous bounds for loaded machines; here about 20, 10 and 10 ms
    assert statistics.median(seconds(lambda: picker.set_slots(many, days))
                             for _ in range(3)) < 0.2
    assert statistics.median(seconds(lambda: picker.column_filter.set_value(
        next(iter(advisers)))) for _ in range(3)) < 0.1
    assert statistics.median(seconds(lambda day=day: picker.set_current_day(
        MONDAY + timedelta(days=day))) for day in (1, 2, 3)) < 0.1


def test_the_day_shown_stays_when_the_range_grows(qtbot):
    # An empty offer of one day (no motive chosen yet), then the whole range: the day shown
    # is still the current row of the list, not a row lost in the model's reset.
    widget = SlotPicker()
    qtbot.addWidget(widget)
    widget.set_slots([], [SlotDay(MONDAY)])
    widget.set_slots(SLOTS, week())
    assert widget.current_day() == MONDAY
    assert widget.day_list.currentIndex().row() == 0
    assert texts(widget) == ["09:00", "11:30", "14:00"]
