"""The accessibility checks themselves, then the widgets of this package under them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tests.widgets.accessibility import accessible_name, unnamed_focusable, weak_contrasts
from widgets.calendar_view import CalendarMode, CalendarToolbar, CalendarView, contrast
from widgets.slot_offer import FreeSlot, SlotDay
from widgets.slot_picker import SlotPicker


def test_names_come_from_the_name_a_buddy_label_or_the_widgets_own_text(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    form = QFormLayout(root)
    named = QLineEdit()
    named.setAccessibleName("Nom de naissance")
    labelled, nested_holder = QLineEdit(), QWidget()
    nested = QLineEdit(nested_holder)
    QVBoxLayout(nested_holder).addWidget(nested)
    for text, editor in (("Nom", named), ("&Prénom", labelled), ("Ville", nested_holder)):
        label = QLabel(text)
        label.setBuddy(editor if editor is not nested_holder else nested)
        form.addRow(label, editor)
    button, check = QPushButton("&Valider"), QCheckBox("Rappeler")
    icon_only, unnamed_edit, unnamed_combo = QToolButton(), QLineEdit(), QComboBox()
    unnamed_combo.addItems(["Indifférent", "Camille"])  # a value is not a name
    spin = QSpinBox()
    spin.setAccessibleName("Durée")
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "Calendrier")
    for widget in (button, check, icon_only, unnamed_edit, unnamed_combo, spin, tabs):
        form.addRow(widget)
    hidden = QLineEdit()
    form.addRow(hidden)
    hidden.hide()

    assert accessible_name(labelled) == "Prénom" and accessible_name(nested) == "Ville"
    assert accessible_name(button) == "Valider" and accessible_name(named) == "Nom de naissance"
    assert unnamed_focusable(root) == [
        "QToolButton in QWidget", "QLineEdit in QWidget", "QComboBox in QWidget"]


def test_weak_palette_pairs_are_listed():
    palette = QPalette(QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#aaaaaa"))
    weak = weak_contrasts(palette)
    assert "Active PlaceholderText on Base: 2.3:1" in weak
    assert not any(entry.startswith("Active Text on Base") for entry in weak)


def slots() -> list[FreeSlot]:
    start = datetime(2026, 12, 15, 8, tzinfo=UTC)
    return [FreeSlot(start + timedelta(hours=hour), start + timedelta(hours=hour, minutes=30),
                     adviser, name, "Agence", (adviser, hour))
            for hour in range(8) for adviser, name in ((1, "Camille D."), (2, "Karim B."))]


@pytest.mark.parametrize("dark", [False, True])
def test_the_picker_names_every_control_and_reads_in_both_palettes(qtbot, dark):
    picker = SlotPicker()
    qtbot.addWidget(picker)
    picker.setPalette(theme_palette(dark))
    picker.set_slots(slots(), [SlotDay(date(2026, 12, 15)), SlotDay(date(2026, 12, 25),
                                                                     "Jour férié : Noël")])
    picker.grid.buttons()[2].click()
    picker.show()
    assert unnamed_focusable(picker) == []
    assert picker.next_button.accessibleDescription() == "Raccourci\u00a0: F8"
    # the grey of a closed day is the picker's own colour: readable on the list
    closed = picker.model.index(1).data(Qt.ItemDataRole.ForegroundRole)
    base = picker.day_list.palette().color(QPalette.ColorRole.Base)
    assert contrast(closed, base) >= 4.5


@pytest.mark.parametrize("mode", list(CalendarMode))
def test_the_calendar_and_its_toolbar_name_every_control(qtbot, mode):
    host = QWidget()
    qtbot.addWidget(host)
    view = CalendarView(host)
    CalendarToolbar(view, host, modes=tuple(CalendarMode))
    view.set_mode(mode)
    assert unnamed_focusable(host) == []


# Like the application's light and dark themes (desktop.theme), which widget tests do not
# import: role, light, dark.
THEMES = [("Window", "#eef1f5", "#23272e"), ("WindowText", "#1b1f24", "#e6e9ee"),
          ("Base", "#ffffff", "#1a1d22"), ("AlternateBase", "#f5f7fa", "#262a31"),
          ("Text", "#1b1f24", "#e6e9ee"), ("Button", "#e4e8ee", "#2f343c"),
          ("ButtonText", "#1b1f24", "#e6e9ee"), ("Highlight", "#1f5fa8", "#3370c4"),
          ("HighlightedText", "#ffffff", "#ffffff"), ("PlaceholderText", "#5f6b7a", "#9aa4b2"),
          ("ToolTipBase", "#ffffe1", "#2f343c"), ("ToolTipText", "#1b1f24", "#e6e9ee"),
          ("Link", "#1a5296", "#8cbcf5"), ("LinkVisited", "#5b3a94", "#c3a6f0")]


def theme_palette(dark: bool) -> QPalette:
    palette = QPalette()
    for role, light, dark_colour in THEMES:
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(dark_colour if dark else light))
    return palette
