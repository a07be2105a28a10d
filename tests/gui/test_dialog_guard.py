"""Editing dialogs ask « Abandonner les modifications ? » before throwing typed data away,
and open no larger than the screen, at the size the user last left them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit

from db.mediation.models import LetterKind
from db.mediation.rules import Step
from db.pathways.extract_import import parse_extract
from desktop.agenda.export import ExportPeriodDialog
from desktop.main_window import MainWindow
from desktop.mediation.dialogs import LetterDialog, StepDialog
from desktop.pathways.import_dialog import Extract, ImportDialog
from desktop.preparation.dialogs import DaySheetDialog
from desktop.preparation.dialogs import SettingsDialog as PreparationSettingsDialog
from desktop.settings import APP_NAME, Settings
from desktop.settings_dialog import SettingsDialog
from tests.db.test_pathway_import import PEOPLE, extract
from tests.gui.test_people import type_text
from widgets.dialog_layout import DiscardQuestion

WAIT = 10_000


@pytest.fixture
def window(qtbot, demo_context):
    def open_(login: str, area: str) -> tuple[MainWindow, object]:
        ctx = demo_context(login)
        shown = MainWindow(ctx)
        qtbot.addWidget(shown)
        shown.show()
        qtbot.waitExposed(shown)
        page = shown.show_area(area)
        qtbot.waitUntil(ctx.tasks.idle, timeout=WAIT)
        return shown, page

    return open_


def person_dialog(qtbot, window):
    _shown, page = window("conseiller01", "people")
    page.new_person()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=WAIT)
    return page.dialog, page.dialog.editors["last_name"]


def callback_dialog(qtbot, window):
    _shown, page = window("conseiller01", "callbacks")
    page.new_request()
    return page.dialog, page.dialog.reason


def intake_dialog(qtbot, window):
    _shown, page = window("mediateur01", "mediation")
    page.new_case()
    return page.intake, page.intake.contested_decision


def booking_dialog(qtbot, window):
    _shown, page = window("conseiller01", "agenda")
    dialog = page.book()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    return dialog, dialog.note


def plan_dialog(qtbot, window):
    _shown, page = window("conseiller01", "agenda")
    dialog = page.plan_session()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    dialog.capacity.setFocus()
    return dialog, dialog.capacity


def shown(qtbot, dialog):
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def day_sheet_dialog(qtbot, window):
    _shown, page = window("responsable01", "preparation")
    dialog = DaySheetDialog(date.today(), [("conseiller01", "Conseiller 01")], "conseiller01",
                            page)
    return shown(qtbot, dialog), dialog.day


def preparation_settings_dialog(qtbot, window):
    _shown, page = window("admin", "preparation")
    dialog = PreparationSettingsDialog(2, 3, page)
    dialog.attempts.setFocus()
    return shown(qtbot, dialog), dialog.attempts


def export_dialog(qtbot, window):
    _shown, page = window("conseiller01", "agenda")
    first = date.today()
    dialog = ExportPeriodDialog((first, first + timedelta(days=6)), page)
    return shown(qtbot, dialog), dialog.first_day


def import_dialog(qtbot, window):
    _shown, page = window("conseiller01", "pathways")
    qtbot.waitUntil(lambda: bool(page.kinds), timeout=WAIT)
    data = extract(PEOPLE)
    dialog = ImportDialog(page._ctx, Extract("ald.csv", data, parse_extract(data)),
                          page.kinds, parent=page)
    return shown(qtbot, dialog), dialog.month


def settings_dialog(qtbot, window):
    shown_window, _page = window("admin", "people")
    dialog = SettingsDialog(Settings(), shown_window.ctx, shown_window)
    qtbot.waitUntil(dialog.site_combo.isEnabled, timeout=WAIT)  # its sites listed
    return shown(qtbot, dialog), dialog.path_edit


def opened_case(qtbot, window):
    """The mediation page with the first case of its list open."""
    _shown, page = window("mediateur01", "mediation")
    model = page.cases.search.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT)
    case_id = model.key_at(model.index(0, 0))
    page.open_case(case_id)
    qtbot.waitUntil(lambda: page.case_view.record is not None
                    and page.case_view.record.id == case_id, timeout=WAIT)
    return page, page.case_view.record


def step_dialog(qtbot, window):
    """The step with the most to fill: waiting for someone."""
    page, record = opened_case(qtbot, window)
    dialog = StepDialog(Step.WAIT, record, page)
    dialog.prepare()
    return shown(qtbot, dialog), dialog.comment


def letter_dialog(qtbot, window):
    page, record = opened_case(qtbot, window)
    dialog = LetterDialog(page._ctx, record.id, [LetterKind.ACKNOWLEDGEMENT], page)
    dialog.prepare()
    return shown(qtbot, dialog), dialog.text


OPENERS = [person_dialog, callback_dialog, intake_dialog, booking_dialog, plan_dialog,
           day_sheet_dialog, preparation_settings_dialog, export_dialog, import_dialog,
           settings_dialog, step_dialog, letter_dialog]


def change(qtbot, field) -> None:
    """What a user does to a field: types in it (over what a line holds: a date field is
    full), or takes the next choice of a list."""
    field.setFocus()
    if isinstance(field, QComboBox):
        qtbot.keyClick(field, Qt.Key.Key_Down)
        return
    if isinstance(field, QLineEdit):
        field.selectAll()
    type_text(qtbot, field, "12")


@pytest.mark.parametrize("opener", OPENERS, ids=lambda opener: opener.__name__)
def test_closing_with_typed_data_asks_first(qtbot, window, opener, discard_questions,
                                             monkeypatch):
    dialog, field = opener(qtbot, window)
    dialog.reject()  # nothing typed: closes without a question
    assert not dialog.isVisible() and discard_questions == []

    dialog, field = opener(qtbot, window)
    change(qtbot, field)
    assert dialog.has_changes()
    monkeypatch.setattr(DiscardQuestion, "ask", classmethod(lambda _cls, _parent: False))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # « Continuer la saisie »: still there, with what was typed
    assert dialog.has_changes()
    dialog.close()
    assert dialog.isVisible() and dialog.has_changes()
    monkeypatch.setattr(DiscardQuestion, "ask", classmethod(lambda _cls, _parent: True))
    dialog.reject()
    assert not dialog.isVisible()


@pytest.mark.parametrize("opener", OPENERS, ids=lambda opener: opener.__name__)
def test_a_dialog_opens_within_the_screen(qtbot, window, opener):
    dialog, _field = opener(qtbot, window)
    qtbot.waitExposed(dialog)
    room = dialog.screen().availableGeometry()
    frame = dialog.frameGeometry()
    assert frame.width() <= room.width() and frame.height() <= room.height()


def test_a_dialog_reopens_at_the_size_it_was_left_at(qtbot, window):
    dialog, _field = person_dialog(qtbot, window)
    dialog.resize(640, 520)
    dialog.reject()
    assert QSettings(APP_NAME, APP_NAME).value("dialogs/person") == "640x520"
    again, _field = person_dialog(qtbot, window)
    assert (again.width(), again.height()) == (640, 520)


def test_the_question_keeps_typing_by_default():
    box, discard = DiscardQuestion.box(None)
    assert box.text() == "Abandonner les modifications ?"
    assert box.defaultButton() is not discard and box.escapeButton() is not discard
    assert isinstance(box, QDialog) and QApplication.instance() is not None
