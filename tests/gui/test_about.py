"""« À propos de Guichet »: the version, the database and its schema revision, the licences."""

from __future__ import annotations

from importlib.metadata import version

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QPlainTextEdit

from db import schema
from desktop.about import COMPONENTS, AboutDialog
from desktop.main_window import MainWindow


def text_of(licence: QDialog) -> str:
    return licence.findChild(QPlainTextEdit).toPlainText()


def test_the_help_menu_opens_about_with_the_version_database_and_revision(qtbot, make_context):
    ctx = make_context()
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    [action] = [a for a in window._menu_actions() if a.text() == "À &propos de Guichet"]
    action.trigger()
    [dialog] = window.findChildren(AboutDialog)
    assert dialog.isVisible()
    assert f"Guichet {version('guichet')}" in dialog.title.text()
    assert dialog.database_label.text() == ctx.store.describe()
    qtbot.waitUntil(lambda: dialog.revision_label.text() == f"{schema.HEAD} (la plus récente)")
    dialog.close()


def test_about_lists_the_components_with_their_versions_and_licences(qtbot, make_context):
    dialog = AboutDialog(make_context())
    qtbot.addWidget(dialog)
    listed = dialog.components.toPlainText()
    for name, _distribution, licence, _text in COMPONENTS:
        assert name in listed and licence in listed
    assert "—" not in listed, "a component's version is unknown: its metadata is missing"
    qtbot.waitUntil(lambda: dialog.revision_label.text() != "lecture…")


def test_a_licence_link_opens_its_full_text(qtbot, make_context, monkeypatch):
    dialog = AboutDialog(make_context())
    qtbot.addWidget(dialog)
    opened: list[str] = []
    monkeypatch.setattr(dialog, "show_licence", opened.append)
    dialog.components.anchorClicked.emit(QUrl("licence:licenses/LGPL-3.0.txt"))
    assert opened == ["licenses/LGPL-3.0.txt"]
    monkeypatch.undo()
    texts = {text for _name, _distribution, _licence, text in COMPONENTS if text is not None}
    assert all(text_of(dialog.show_licence(text)) for text in texts)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text_of(
        dialog.show_licence("licenses/LGPL-3.0.txt"))
    assert "Bitstream Vera" in text_of(dialog.show_licence("fonts/LICENSE-DejaVu.txt"))
    qtbot.waitUntil(lambda: dialog.revision_label.text() != "lecture…")
