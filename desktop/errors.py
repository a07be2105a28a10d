"""Never a silent crash: unexpected errors get a French dialog, a report to copy, a log entry.

The report helps a developer without exposing anyone: NIR-shaped numbers are masked, quoted
values in exception messages (where Python puts the data it choked on) are left out, and
database errors keep only their class names — SQLAlchemy messages carry SQL parameters.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import traceback
from datetime import datetime
from types import TracebackType

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.logs import _NIR_PATTERN, log_dir

log = logging.getLogger(__name__)

INTRO = (
    "Une erreur inattendue s'est produite. Vos données enregistrées ne sont pas perdues : "
    "l'opération en cours n'a pas abouti et rien n'a été écrit à moitié."
)
ADVICE = (
    "Vous pouvez continuer à travailler. Si l'erreur se reproduit, copiez le rapport "
    "ci-dessous et transmettez-le au support informatique avec ce que vous faisiez."
)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def guichet_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("guichet")
    except PackageNotFoundError:
        return "inconnue"


def _is_database_error(error: BaseException) -> bool:
    # Only look at SQLAlchemy if it is loaded; and DBAPI errors (sqlite3, SQLCipher's,
    # psycopg) echo values.
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.SQLAlchemyError):
        return True
    return type(error).__module__.split(".")[0] in ("sqlite3", "sqlcipher3", "psycopg",
                                                    "psycopg2")


def describe_exception(error: BaseException) -> str:
    """``Class: message`` with nothing that could identify a person."""
    name = f"{type(error).__module__}.{type(error).__qualname__}"
    if _is_database_error(error):
        original = getattr(error, "orig", None)
        return name + (f" ({type(original).__qualname__})" if original is not None else "")
    message = _NIR_PATTERN.sub("[NIR masqué]", str(error))
    message = _QUOTED.sub("'…'", message)
    return f"{name}: {message}" if message else name


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes, oldest first, as Python prints them."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return list(reversed(chain))


def format_traceback(error: BaseException) -> str:
    parts = []
    for index, item in enumerate(_chain(error)):
        if index:
            parts.append("\nPuis, en traitant cette erreur :\n")
        frames = traceback.extract_tb(item.__traceback__)
        parts.append("Traceback (most recent call last):\n")
        parts.extend(frames.format())
        parts.append(describe_exception(item) + "\n")
    return "".join(parts)


def build_report(error: BaseException, when: datetime | None = None) -> str:
    when = when or datetime.now().astimezone()
    return "\n".join([
        "Rapport d'erreur Guichet",
        f"Version de Guichet : {guichet_version()}",
        f"Python : {platform.python_version()} — Qt : {qVersion()}",
        f"Système : {platform.platform()}",
        f"Date : {when.strftime('%d/%m/%Y %H:%M:%S %z')}",
        f"Journal : {log_dir() / 'guichet.log'}",
        "",
        # source lines too: a NIR has no business in code, but if one were there…
        _NIR_PATTERN.sub("[NIR masqué]", format_traceback(error)),
    ])


class ErrorDialog(QDialog):
    """The French dialog: what happened, what to do, and the report with a copy button."""

    def __init__(self, report: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Guichet — erreur inattendue")
        self.setMinimumWidth(560)

        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        font = intro.font()
        font.setBold(True)
        intro.setFont(font)
        advice = QLabel(ADVICE, self)
        advice.setWordWrap(True)

        self.details = QPlainTextEdit(report, self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setAccessibleName("Rapport d'erreur")
        details_label = QLabel("&Rapport d'erreur :", self)
        details_label.setBuddy(self.details)

        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copier le rapport", self)
        self.copy_button.setAccessibleName("Copier le rapport")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("&Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(advice)
        layout.addWidget(details_label)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        close.setFocus()

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Rapport copié ✓")


_showing = False


def show_unexpected_error(error: BaseException, parent: QWidget | None = None) -> None:
    """Log the error's report and show it; an error inside the dialog is only logged."""
    global _showing
    report = build_report(error)
    log.error("Erreur inattendue\n%s", report)
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        dialog = ErrorDialog(report, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()
    finally:
        _showing = False


def _excepthook(kind: type[BaseException], error: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    if error.__traceback__ is None:
        error = error.with_traceback(tb)
    show_unexpected_error(error, QApplication.activeWindow())


def install_excepthook() -> None:
    """Route exceptions that escape a Qt slot or callback to the dialog and the log."""
    sys.excepthook = _excepthook
