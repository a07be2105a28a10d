"""What every screen of a signed-in session shares."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from db.errors import GuichetError
from db.services.access import Actor
from db.store import Store
from desktop.operations import TaskManager


class AppContext(QObject):
    """The store, the signed-in actor and the worker thread, plus the change bus.

    ``changes`` carries the kinds of records a write touched (``{"person"}``…): screens
    showing those refresh themselves.
    """

    changes = Signal(set)

    def __init__(self, store: Store, actor: Actor, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.tasks = TaskManager(self)

    def report_error(self, error: BaseException, parent: QWidget | None = None) -> None:
        """A refusal gets its French message; anything else the unexpected-error dialog."""
        if isinstance(error, GuichetError):
            QMessageBox.warning(parent, "Guichet", str(error))
        else:
            from desktop.errors import show_unexpected_error

            show_unexpected_error(error, parent)
