"""How dialogs are laid out: a banner, content that may outgrow the screen (a form at 200 %
scaling) in a scroll area, and the buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def scrolling(content: QWidget, parent: QWidget, *, wrap: bool = False) -> QScrollArea:
    """``content`` in a frameless scroll area that resizes it to the width available. With
    ``wrap`` it never scrolls sideways: its lines wrap, a sideways bar would only hide their
    ends."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    if wrap:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    return scroll


def lay_out_dialog(dialog: QWidget, banner: QWidget, content: QWidget, buttons: QWidget, *,
                   wrap: bool = False) -> QScrollArea:
    """A dialog's usual layout: the banner on top, ``content`` scrolling in all the height
    left, the buttons at the bottom. Returns the scroll area."""
    scroll = scrolling(content, dialog, wrap=wrap)
    layout = QVBoxLayout(dialog)
    layout.addWidget(banner)
    layout.addWidget(scroll, 1)
    layout.addWidget(buttons)
    return scroll


def save_and_cancel(dialog: QDialog, save_text: str, save: Callable[[], None], *,
                    cancel_text: str = "Annuler") -> tuple[QDialogButtonBox, QPushButton]:
    """The buttons of a dialog that saves: ``save_text`` (the default button, so Enter in a
    field saves, but not Enter on another button) runs ``save``; ``cancel_text`` closes the
    dialog. Returns the box and the save button."""
    buttons = QDialogButtonBox(dialog)
    save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    save_button.setDefault(True)
    save_button.setAutoDefault(False)
    cancel = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    save_button.clicked.connect(save)
    cancel.clicked.connect(dialog.reject)
    return buttons, save_button
