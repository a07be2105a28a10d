"""Never a silent crash: the dialog, its report, the log — and nothing about a person."""

from __future__ import annotations

import logging
import sqlite3
import sys

import pytest
from PySide6.QtGui import QGuiApplication
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from desktop import errors

NIR = "1 84 12 76 451 089 46"


def raise_and_catch(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


@pytest.fixture
def shown(monkeypatch):
    """Dialogs that would be shown, without blocking: exec() records and returns."""
    dialogs: list[errors.ErrorDialog] = []

    def fake_exec(dialog):
        dialogs.append(dialog)
        return 0

    monkeypatch.setattr(errors.ErrorDialog, "exec", fake_exec)
    return dialogs


def test_dialog_shows_a_french_explanation_and_a_report(qtbot, shown):
    errors.show_unexpected_error(raise_and_catch(ZeroDivisionError("division by zero")))
    dialog = shown[0]
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Guichet — erreur inattendue"
    report = dialog.details.toPlainText()
    assert report.startswith("Rapport d'erreur Guichet\nVersion de Guichet : ")
    for part in ("Python : ", "Qt : ", "Système : ", "Date : ", "Traceback",
                 "test_errors.py", "ZeroDivisionError: division by zero"):
        assert part in report


def test_copy_button_puts_the_report_on_the_clipboard(qtbot, shown):
    errors.show_unexpected_error(raise_and_catch(RuntimeError("boom")))
    dialog = shown[0]
    qtbot.addWidget(dialog)
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report
    assert dialog.copy_button.text() == "Rapport copié ✓"


def test_the_report_goes_to_the_log(shown, caplog):
    with caplog.at_level(logging.ERROR, logger="desktop.errors"):
        errors.show_unexpected_error(raise_and_catch(KeyError("x")))
    assert "Rapport d'erreur Guichet" in caplog.text
    assert "Traceback" in caplog.text


def test_no_nir_and_no_quoted_value_in_the_report():
    error = raise_and_catch(ValueError(f"invalid literal for int(): 'Dupont' {NIR}"))
    report = errors.build_report(error)
    assert "Dupont" not in report and "451" not in report
    assert "ValueError: invalid literal for int(): '…' [NIR masqué]" in report


def test_database_errors_keep_only_their_class_names(sqlite_store):
    with pytest.raises(Exception) as caught, sqlite_store.engine.connect() as connection:
        connection.execute(text("SELECT * FROM person WHERE nir = :nir AND nope"),
                           {"nir": "184127645108946"})
    report = errors.build_report(caught.value)
    assert "184127645108946" not in report
    assert "[SQL:" not in report and "[parameters:" not in report
    assert "sqlalchemy.exc.OperationalError (OperationalError)" in report


def test_chained_errors_are_all_reported():
    try:
        try:
            raise sqlite3.IntegrityError("UNIQUE constraint failed: person.nir 184127645108946")
        except sqlite3.IntegrityError as low:
            raise IntegrityError("INSERT …", {"nir": "184127645108946"}, low) from low
    except IntegrityError as error:
        report = errors.build_report(error)
    assert "184127645108946" not in report
    assert "sqlite3.IntegrityError" in report
    assert "Puis, en traitant cette erreur" in report


def test_excepthook_shows_the_dialog(shown, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    errors.install_excepthook()
    error = raise_and_catch(LookupError("perdu"))
    sys.excepthook(type(error), error, error.__traceback__)
    assert "LookupError: perdu" in shown[0].report


def test_an_error_while_the_dialog_is_open_is_only_logged(shown, caplog, monkeypatch):
    def nested_exec(dialog):
        shown.append(dialog)
        errors.show_unexpected_error(raise_and_catch(RuntimeError("second")))
        return 0

    monkeypatch.setattr(errors.ErrorDialog, "exec", nested_exec)
    with caplog.at_level(logging.ERROR, logger="desktop.errors"):
        errors.show_unexpected_error(raise_and_catch(RuntimeError("first")))
    assert len(shown) == 1
    assert "RuntimeError: second" in caplog.text
