"""A message above a form or a record: what was refused, what to do next, or where a file
was written, with « Ouvrir » to open it in the system's viewer (from where it prints)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QWidget

from widgets.colours import error_color


class Banner(QLabel):
    """Hidden while it has nothing to say; wraps; a screen reader announces it as
    « Message ». ``framed`` sets it apart from the fields below it."""

    def __init__(self, parent: QWidget | None = None, *, framed: bool = False):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("Message")
        if framed:
            self.setFrameShape(QLabel.Shape.StyledPanel)
            self.setMargin(8)
        self.linkActivated.connect(lambda link: self.open_url(QUrl(link)))
        self.hide()

    def say(self, message: str, *, error: bool = False) -> None:
        """Show ``message`` (in red for an ``error``); an empty one hides the banner."""
        self.setStyleSheet(f"color: {error_color(self.palette()).name()};" if error else "")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setText(message)
        self.setVisible(bool(message))

    def say_written(self, message: str, path: str) -> None:
        """``message`` about the file at ``path``, followed by « Ouvrir », a link Tab
        reaches and Enter follows."""
        self.setStyleSheet("")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        url = QUrl.fromLocalFile(path).toString()
        self.setText(f'{escape(message)} — <a href="{escape(url)}">Ouvrir</a>')
        self.show()

    @classmethod
    def open_url(cls, url: QUrl) -> None:
        """Open in the system's viewer; tests replace it."""
        QDesktopServices.openUrl(url)
