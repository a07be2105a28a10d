"""The form with an error message below each field; the date field; the search field."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

from widgets.date_field import DateField
from widgets.form import Form
from widgets.search_field import SearchField


def test_errors_show_below_their_fields_and_the_first_faulty_one_gets_the_focus(qtbot):
    form = Form()
    qtbot.addWidget(form)
    for name, label in (("name", "&Nom"), ("hidden", "Caché"), ("phone", "&Téléphone")):
        form.add(name, label, QLineEdit())
    form.set_visible("hidden", False)
    form.show()
    qtbot.waitExposed(form)

    first = form.show_errors({"phone": "Numéro faux.", "hidden": "Invisible.", "other": "Autre."})

    assert first is form.field("phone")
    qtbot.waitUntil(lambda: form.field("phone").editor.hasFocus())
    assert form.field("phone").error_text() == "Numéro faux."
    assert form.field("phone").error.isVisible()
    assert form.field("phone").editor.accessibleDescription() == "Numéro faux."
    assert form.field("phone").editor.accessibleName() == "Téléphone"
    assert not form.field("name").error.isVisible()
    assert form.unplaced({"phone": "Numéro faux.", "hidden": "Invisible.", "other": "Autre."}) \
        == ["Invisible.", "Autre."]
    form.clear_errors()
    assert not form.field("phone").error.isVisible()


def test_a_dialog_grows_to_show_a_long_message_whole(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = Form(dialog)
    form.add("starts_at", "&Heure", QLineEdit())
    QVBoxLayout(dialog).addWidget(form)
    dialog.resize(320, form.sizeHint().height() + 20)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()

    form.show_errors({"starts_at": "« Agence de Grenoble » n'est pas ouvert le 30/11/2026 de "
                                   "11:00 à 13:00 : choisissez une heure dans ses horaires "
                                   "d'ouverture."})

    error = form.field("starts_at").error
    qtbot.waitUntil(lambda: error.height() >= error.heightForWidth(error.width()))
    assert dialog.height() > before and dialog.width() == 320


@pytest.mark.parametrize(("typed", "expected"), [
    ("", None), ("03/12/1984", date(1984, 12, 3)), ("3/2/1984", date(1984, 2, 3)),
    ("03121984", date(1984, 12, 3)),
])
def test_date_field_reads_french_dates(qtbot, typed, expected):
    field = DateField()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, typed)
    assert field.date() == expected


@pytest.mark.parametrize("typed", ["12/1984", "1984"])
def test_date_field_refuses_what_is_not_a_date(qtbot, typed):
    field = DateField()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, typed)
    with pytest.raises(ValueError, match="jj/mm/aaaa"):
        field.date()


def test_date_field_shows_a_date_and_rejects_letters(qtbot):
    field = DateField()
    qtbot.addWidget(field)
    field.set_date(date(2026, 11, 22))
    assert field.text() == "22/11/2026"
    field.clear()
    qtbot.keyClicks(field, "ab1")
    assert field.text() == "1"


def test_search_waits_for_a_pause_in_typing(qtbot):
    field = SearchField(delay_ms=100)
    qtbot.addWidget(field)
    asked: list[str] = []
    field.search_requested.connect(asked.append)
    with qtbot.waitSignal(field.search_requested, timeout=2000) as blocker:
        qtbot.keyClicks(field, "lef elo")
    assert blocker.args == ["lef elo"]
    assert asked == ["lef elo"]  # one search for the whole burst of keys


def test_enter_searches_at_once_and_down_leaves_the_field(qtbot):
    field = SearchField(delay_ms=10_000)
    qtbot.addWidget(field)
    asked: list[str] = []
    field.search_requested.connect(asked.append)
    qtbot.keyClicks(field, "06 12")
    with qtbot.waitSignal(field.accepted, timeout=1000):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert asked == ["06 12"]
    with qtbot.waitSignal(field.down_requested, timeout=1000):
        qtbot.keyClick(field, Qt.Key.Key_Down)
    field.search_again()
    assert asked == ["06 12", "06 12"]


@pytest.mark.parametrize("typed, message", [
    ("31/02/2026", "Le 31/02/2026 n'existe pas : ce mois compte 28 jours."),
    ("29/02/2028", None),
    ("31/04/2026", "Le 31/04/2026 n'existe pas : ce mois compte 30 jours."),
    ("00/05/2026", "Le 00/05/2026 n'existe pas : ce mois compte 31 jours."),
    ("12/13/2026", "Le mois « 13 » n'existe pas : il va de 01 à 12."),
    ("3/12", "Date invalide : saisissez-la sous la forme jj/mm/aaaa."),
])
def test_a_date_in_the_right_format_that_does_not_exist_is_said_so(qtbot, typed, message):
    field = DateField()
    qtbot.addWidget(field)
    field.setText(typed)
    if message is None:
        assert field.date() is not None
    else:
        with pytest.raises(ValueError, match=re.escape(message)):
            field.date()
