"""A message above a form or a record: what was refused, what to do next."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from widgets.form import error_color


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
        self.hide()

    def say(self, message: str, *, error: bool = False) -> None:
        """Show ``message`` (in red for an ``error``); an empty one hides the banner."""
        self.setStyleSheet(f"color: {error_color(self.palette()).name()};" if error else "")
        self.setText(message)
        self.setVisible(bool(message))
