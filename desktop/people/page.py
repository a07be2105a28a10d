"""The people registry page: search as you type, the result list, and the person record."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.context import AppContext


class PeoplePage(QWidget):
    """The Personnes area of the main window."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._search = QLineEdit(self)
        self._search.setPlaceholderText("Nom, NIR ou téléphone")
        self._search.setAccessibleName("Rechercher une personne")
        layout = QVBoxLayout(self)
        layout.addWidget(self._search)
        layout.addWidget(QLabel("Tapez un nom, un NIR ou un numéro de téléphone.", self))
        layout.addStretch()

    def focus_search(self) -> None:
        self._search.setFocus()
        self._search.selectAll()

    def new_person(self) -> None:
        """Open an empty record to create a person."""
