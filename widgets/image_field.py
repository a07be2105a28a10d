"""A field holding an image file (a letterhead's logo): its preview, « Choisir… » and
« Retirer ». Which file, and whether it will do, is the caller's business: the field asks
for one with ``browse_requested`` and shows what ``set_image`` gives it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class ImageField(QWidget):
    """``browse_requested()`` on « Choisir… »; ``changed()`` when the image is set or
    removed. Reached by Tab and by its label's shortcut through « Choisir… »."""

    browse_requested = Signal()
    changed = Signal()

    def __init__(self, choose_text: str, remove_text: str, empty_text: str, *,
                 preview: tuple[int, int] = (180, 64), parent: QWidget | None = None):
        super().__init__(parent)
        self._data: bytes | None = None
        self._empty_text = empty_text
        self._editable = True
        self.preview = QLabel(self)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)  # the empty text, in the preview's width
        self._preview_size = QSize(*preview)
        self.preview.setMinimumSize(self._preview_size)
        self.choose_button = QPushButton(choose_text, self)
        self.remove_button = QPushButton(remove_text, self)
        self.choose_button.clicked.connect(self.browse_requested)
        self.remove_button.clicked.connect(lambda: self.set_image(None))
        self.setFocusProxy(self.choose_button)
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        layout.addStretch()
        self._show()

    def image(self) -> bytes | None:
        return self._data

    def set_image(self, data: bytes | None) -> None:
        """Show ``data`` (an image file's bytes; None or b"": no image)."""
        data = data or None
        if data == self._data:
            return
        self._data = data
        self._show()
        self.changed.emit()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.choose_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and self._data is not None)

    # -- for widgets.dirty ------------------------------------------------------------------
    def dirty_value(self) -> bytes | None:
        return self._data

    def dirty_signals(self):
        return [self.changed]

    def _show(self) -> None:
        pixmap = QPixmap()
        if self._data is None or not pixmap.loadFromData(self._data):
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self._empty_text)
            self.preview.setAccessibleName(self._empty_text)
        else:
            ratio = self.devicePixelRatioF()
            scaled = pixmap.scaled(self._preview_size * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            scaled.setDevicePixelRatio(ratio)
            self.preview.setPixmap(scaled)
            self.preview.setAccessibleName(f"Aperçu ({pixmap.width()} × {pixmap.height()} "
                                           "pixels)")
        self.remove_button.setEnabled(self._editable and self._data is not None)
