"""Scroll areas for content that may outgrow the screen (a form at 200 % scaling)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


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
