"""A form knows whether the user changed it since it was filled, and a dialog asks before
throwing the changes away (through the ask() hook, no modal loop)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from widgets.choice_box import ChoiceBox
from widgets.date_field import DateField
from widgets.dialog_layout import DiscardQuestion, confirm_discard
from widgets.form import Form
from widgets.rows_editor import Column, RowsEditor
from widgets.slot_offer import FreeSlot
from widgets.slot_picker import SlotPicker


def filled_form(qtbot) -> Form:
    form = Form()
    qtbot.addWidget(form)
    editors = {"name": QLineEdit("DUPONT"), "note": QPlainTextEdit("Rappeler."),
               "kind": QComboBox(), "site": ChoiceBox(), "seats": QSpinBox(),
               "sms": QCheckBox("Rappel par SMS"), "day": QDateEdit(QDate(2026, 12, 15)),
               "birth": DateField()}
    editors["kind"].addItems(["Téléphone", "Physique"])
    editors["site"].set_choices([(1, "Grenoble"), (2, "Voiron")])
    for name, editor in editors.items():
        form.add(name, name.capitalize(), editor)
    form.field("birth").editor.set_date(date(1984, 12, 3))
    form.mark_clean()
    return form


@pytest.mark.parametrize(("name", "change"), [
    ("name", lambda e: e.setText("DURAND")),
    ("note", lambda e: e.setPlainText("Rappeler demain.")),
    ("kind", lambda e: e.setCurrentIndex(1)),
    ("site", lambda e: e.set_value(2)),
    ("seats", lambda e: e.setValue(3)),
    ("sms", lambda e: e.setChecked(True)),
    ("day", lambda e: e.setDate(QDate(2026, 12, 16))),
    ("birth", lambda e: e.set_date(date(1984, 12, 4))),
])
def test_each_kind_of_editor_makes_the_form_dirty(qtbot, name, change):
    form = filled_form(qtbot)
    assert not form.is_dirty()
    with qtbot.waitSignal(form.dirty_changed) as dirty:
        change(form.field(name).editor)
    assert dirty.args == [True]
    assert form.changed_fields() == [name]


def test_typing_back_what_was_there_is_clean_again(qtbot):
    form = filled_form(qtbot)
    editor = form.field("name").editor
    qtbot.keyClicks(editor, "X")
    assert form.is_dirty()
    with qtbot.waitSignal(form.dirty_changed) as clean:
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert clean.args == [False] and not form.is_dirty()
    qtbot.keyClicks(editor, "Y")
    form.mark_clean()  # after a save
    assert not form.is_dirty()


def test_a_form_never_marked_takes_its_values_when_first_shown(qtbot):
    form = Form()
    qtbot.addWidget(form)
    form.add("name", "Nom", QLineEdit())
    form.field("name").editor.setText("filled before showing")
    assert not form.is_dirty()
    form.show()
    qtbot.waitExposed(form)
    assert not form.is_dirty()
    form.field("name").editor.setText("typed")
    assert form.is_dirty()


def test_read_only_editors_and_a_combo_boxs_own_line_edit_do_not_count(qtbot):
    form = Form()
    qtbot.addWidget(form)
    shown = QLineEdit("calculé")
    shown.setReadOnly(True)
    editable = QComboBox()
    editable.setEditable(True)
    editable.addItems(["a", "b"])
    form.add("shown", "Calculé", shown)
    form.add("choice", "Choix", editable)
    form.mark_clean()
    shown.setText("recalculé")
    assert not form.is_dirty()
    editable.lineEdit().setText("c")
    assert form.changed_fields() == ["choice"]


def test_a_picker_and_a_table_of_rows_speak_for_themselves(qtbot):
    form = Form()
    qtbot.addWidget(form)
    picker = SlotPicker()
    start = datetime(2026, 12, 15, 9, tzinfo=UTC)
    picker.set_slots([FreeSlot(start, start + timedelta(minutes=30), 1, "Camille D.",
                               payload="nine")])
    rows = RowsEditor([Column("Début"), Column("Fin")])
    rows.set_values([(time(9), time(12))])
    form.add("slot", "Créneau", picker)
    form.add("hours", "Horaires", rows)
    form.mark_clean()

    picker.from_field.setText("16/12/2026")  # a filter is not the picker's value
    picker.from_field.clear()
    assert not form.is_dirty()
    with qtbot.waitSignal(form.dirty_changed):
        picker.grid.buttons()[0].click()
    assert form.changed_fields() == ["slot"]
    form.mark_clean()
    with qtbot.waitSignal(form.dirty_changed):
        rows.add_row()
    assert form.changed_fields() == ["hours"]


class EditDialog(QDialog):
    """A dialog as the application writes them: it asks before losing what was typed."""

    def __init__(self):
        super().__init__()
        self.form = Form(self)
        self.form.add("name", "&Nom", QLineEdit("DUPONT"))
        QVBoxLayout(self).addWidget(self.form)
        self.form.mark_clean()

    def reject(self) -> None:
        if self.form.is_dirty() and not confirm_discard(self):
            return
        super().reject()


class Answers:
    """Stands for the user: who was asked, and what to answer."""

    def __init__(self):
        self.asked: list = []
        self.discard = False


@pytest.fixture
def answers(monkeypatch) -> Answers:
    answers = Answers()

    def ask(cls, parent) -> bool:
        answers.asked.append(parent)
        return answers.discard

    monkeypatch.setattr(DiscardQuestion, "ask", classmethod(ask))
    return answers


def test_escape_on_a_changed_dialog_asks_and_keeps_it_open(qtbot, answers):
    dialog = EditDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.reject()
    assert answers.asked == [] and not dialog.isVisible()  # nothing changed: no question

    dialog.show()
    dialog.form.field("name").editor.setText("DURAND")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers.asked == [dialog] and dialog.isVisible()
    dialog.close()  # the window's close button goes through reject() too
    assert len(answers.asked) == 2 and dialog.isVisible()

    answers.discard = True
    with qtbot.waitSignal(dialog.rejected):
        dialog.close()
    assert not dialog.isVisible()


def test_the_question_defaults_to_going_on_typing(qtbot):
    box, discard = DiscardQuestion.box(None)
    qtbot.addWidget(box)
    assert box.text() == "Abandonner les modifications ?"
    assert sorted(button.text() for button in box.buttons()) == ["Abandonner",
                                                                 "Continuer la saisie"]
    assert box.defaultButton().text() == "Continuer la saisie"
    assert box.escapeButton() is box.defaultButton()
    assert box.buttonRole(discard) == QMessageBox.ButtonRole.DestructiveRole
