"""The top of a record opened from a list: the way back, its title, its state, a message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QPushButton, QWidget

from widgets.banner import Banner
from widgets.heading import Heading


class RecordHeader:
    """``back_button`` (« ← back_text », Échap by convention) beside ``title``, then the
    record's ``status`` (announced as ``status_name``) and its ``banner``. ``add_to(layout)``
    puts them in a record view's layout."""

    def __init__(self, parent: QWidget, back_text: str, status_name: str):
        self.back_button = QPushButton(back_text, parent)
        self.back_button.setToolTip("Revenir à la liste (Échap)")
        self.title = Heading(parent=parent, level=2)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel(parent)
        self.status.setAccessibleName(status_name)
        self.status.setWordWrap(True)
        self.banner = Banner(parent, framed=True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def add_to(self, layout: QLayout) -> None:
        head = QHBoxLayout()
        head.addWidget(self.back_button)
        head.addWidget(self.title, 1)
        layout.addLayout(head)
        layout.addWidget(self.status)
        layout.addWidget(self.banner)
