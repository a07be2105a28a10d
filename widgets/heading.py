"""Titles: one look for every page and record of the application."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

# A page's title, then a record's title inside a page.
_SCALE = {1: 1.4, 2: 1.3}


class Heading(QLabel):
    """A bold, larger title that wraps rather than widening its page."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, level: int = 1):
        super().__init__(text, parent)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * _SCALE[level])
        font.setBold(True)
        self.setFont(font)
        self.setWordWrap(True)
