"""A search line that waits for a pause in typing before asking for a search."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class SearchField(QLineEdit):
    """``search_requested(text)`` fires once typing pauses for ``delay_ms``.

    Enter fires at once (then ``accepted``); Down arrow asks to move into the results
    (``down_requested``), so the list is reachable without the mouse.
    """

    search_requested = Signal(str)
    accepted = Signal()
    down_requested = Signal()

    def __init__(self, parent: QWidget | None = None, delay_ms: int = 150):
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._last_requested: str | None = None
        self.textEdited.connect(lambda _text: self._timer.start())
        # The clear button changes the text without an edit signal.
        self.textChanged.connect(lambda text: text or self._timer.start())

    def flush(self) -> None:
        """Ask for the search of the current text now, unless it is already asked for."""
        self._timer.stop()
        text = self.text().strip()
        if text != self._last_requested:
            self._last_requested = text
            self.search_requested.emit(text)

    def search_again(self) -> None:
        """Ask for the current text even if it was already searched (the data changed)."""
        self._last_requested = None
        self.flush()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            self.accepted.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_requested.emit()
            return
        super().keyPressEvent(event)
