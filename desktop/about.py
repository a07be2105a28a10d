"""« À propos de Guichet »: the version, the database in use and its schema revision, and the
components shipped with Guichet with their licences (Qt's LGPL, the DejaVu fonts…).

The licence texts are package data (``resources/licenses``, ``resources/fonts``): they are in
the wheel and in the bundle, and a link of the list opens one.
"""

from __future__ import annotations

import platform
from html import escape
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db import schema
from desktop import operations as ops
from desktop import theme
from desktop.context import AppContext
from desktop.errors import guichet_version

LGPL3, LGPL21 = "licenses/LGPL-3.0.txt", "licenses/LGPL-2.1.txt"
DEJAVU = "fonts/LICENSE-DejaVu.txt"

# (component, distribution whose installed version is shown, licence, its text in resources/)
COMPONENTS: tuple[tuple[str, str | None, str, str | None], ...] = (
    ("Qt", None, "LGPL 3.0", LGPL3),
    ("PySide6 et Shiboken6", "PySide6-Essentials", "LGPL 3.0", LGPL3),
    ("Polices DejaVu Sans", None, "licence Bitstream Vera, ajouts DejaVu dans le domaine "
     "public", DEJAVU),
    ("Python", None, "PSF 2.0", None),
    ("SQLAlchemy", "SQLAlchemy", "MIT", None),
    ("Alembic", "alembic", "MIT", None),
    ("psycopg", "psycopg", "LGPL 3.0", LGPL3),
    ("python-stdnum", "python-stdnum", "LGPL 2.1 ou ultérieure", LGPL21),
    ("phonenumbers", "phonenumbers", "Apache 2.0", None),
    ("email-validator", "email-validator", "Unlicense (domaine public)", None),
    ("keyring", "keyring", "MIT", None),
    ("holidays", "holidays", "MIT", None),
    ("ReportLab", "reportlab", "BSD", None),
    ("Pillow", "pillow", "MIT-CMU", None),
    ("icalendar", "icalendar", "BSD", None),
    ("platformdirs", "platformdirs", "MIT", None),
)

QT_NOTICE = (
    "Qt et PySide6 sont utilisés sous la licence GNU LGPL version 3. Leurs bibliothèques sont "
    "des fichiers distincts du dossier d'installation de Guichet : vous pouvez les remplacer "
    "par une version modifiée. Leur code source est disponible auprès de The Qt Company "
    "(https://download.qt.io/official_releases/)."
)


def component_version(distribution: str | None, name: str) -> str:
    if name == "Qt":
        return qVersion()
    if name == "Python":
        return platform.python_version()
    try:
        return version(distribution) if distribution else ""
    except PackageNotFoundError:
        return "—"


def licence_text(path: str) -> str:
    return files("resources").joinpath(path).read_text(encoding="utf-8")


def components_html() -> str:
    rows = []
    for name, distribution, licence, text in COMPONENTS:
        shown = escape(licence)
        if text is not None:
            shown = f"<a href='licence:{text}'>{shown}</a>"
        rows.append(f"<tr><td style='padding: 2px 14px 2px 0'>{escape(name)}</td>"
                    f"<td style='padding: 2px 14px 2px 0'>"
                    f"{escape(component_version(distribution, name))}</td>"
                    f"<td style='padding: 2px 0'>{shown}</td></tr>")
    head = ("<tr><th align='left'>Composant</th><th align='left'>Version</th>"
            "<th align='left'>Licence</th></tr>")
    return f"<table>{head}{''.join(rows)}</table><p>{escape(QT_NOTICE)}</p>"


def describe_revision(revision: str | None) -> str:
    if revision is None:
        return "aucune (base vide)"
    if revision == schema.HEAD:
        return f"{revision} (la plus récente)"
    return revision


class AboutDialog(QDialog):
    """Opened from Aide › À propos de Guichet. The schema revision is read on the worker
    thread; « lecture… » is shown until it comes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("À propos de Guichet")
        logo = QLabel(self)
        logo.setPixmap(theme.app_icon().pixmap(64, 64))
        self.title = title = QLabel(f"<h2>Guichet {escape(guichet_version())}</h2>"
                       "<p>Rendez-vous, préparations, rappels, parcours attentionnés et "
                       "médiation pour l'accueil d'une caisse primaire d'assurance "
                       "maladie.</p>", self)
        title.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(title, 1)

        self.database_label = QLabel(ctx.store.describe(), self)
        self.revision_label = QLabel("lecture…", self)
        form = QFormLayout()
        form.addRow("Base de données :", self.database_label)
        form.addRow("Révision du schéma :", self.revision_label)
        form.addRow("Qt :", QLabel(f"{qVersion()} (PySide6 {pyside_version})", self))
        form.addRow("Python :", QLabel(platform.python_version(), self))
        for label in (self.database_label, self.revision_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)

        components_title = QLabel("<b>Composants inclus et leurs licences</b>", self)
        self.components = QTextBrowser(self)
        self.components.setAccessibleName("Composants inclus et leurs licences")
        self.components.setOpenLinks(False)
        self.components.setHtml(components_html())
        self.components.anchorClicked.connect(self._open_link)
        self.components.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(components_title)
        layout.addWidget(self.components, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        ops.task(ctx, lambda _none: ctx.store.schema_revision()) \
            .on_success(self._show_revision).owned_by(self).run()

    def _show_revision(self, revision: str | None) -> None:
        self.revision_label.setText(describe_revision(revision))

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == "licence":
            self.show_licence(url.path())

    def show_licence(self, path: str) -> QDialog:
        """The full text of one licence, in a window of its own."""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Licence — {path.rsplit('/', 1)[-1].removesuffix('.txt')}")
        text = QPlainTextEdit(licence_text(path), dialog)
        text.setReadOnly(True)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        text.setMinimumSize(text.fontMetrics().averageCharWidth() * 84,
                            text.fontMetrics().lineSpacing() * 30)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        dialog.open()
        return dialog
