"""What every screen of a signed-in session shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from db.errors import ConflictError, GuichetError, ValidationError
from db.org.access import Actor
from db.store import Store
from desktop.operations import TaskManager

if TYPE_CHECKING:  # the first screen shows neither (cold start)
    from widgets.banner import Banner
    from widgets.form import Form


class AppContext(QObject):
    """The store, the signed-in actor and the worker thread, plus the change bus.

    ``changes`` carries the kinds of records a write touched (``{"person"}``…): screens
    showing those refresh themselves.
    """

    changes = Signal(set)
    # A screen asks the main window to show an area's page on something of its own:
    # ("mediation", case_id) from a person's record. The page's ``show_target`` does it.
    open_requested = Signal(str, object)

    def __init__(self, store: Store, actor: Actor, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.tasks = TaskManager(self)

    def show_refusal(self, error: BaseException, form: Form, say: Callable[[str], None],
                     parent: QWidget | None = None, *, unsaved: str = "") -> bool:
        """A service's answer to a write, where the user looks: field messages beside their
        fields (``unsaved`` and the others through ``say``), any other refusal through
        ``say``, the unexpected in its dialog. True for a refusal that may come from a
        change made meanwhile, so the caller shows the record again."""
        if isinstance(error, ValidationError):
            form.show_errors(error.field_errors)
            lines = [unsaved] if unsaved else []
            lines += form.unplaced(error.field_errors)
            if lines:
                say("\n".join(lines))
            return False
        if isinstance(error, GuichetError):
            say(str(error))
            return True
        self.report_error(error, parent)
        return False

    def show_record_refusal(self, error: BaseException, banner: Banner,
                            parent: QWidget | None = None) -> bool:
        """A service's answer to an action on a record shown without a form: a refusal in
        red in the banner, the unexpected in its dialog. True when the record changed
        meanwhile, so the caller shows it again."""
        if not isinstance(error, GuichetError):
            self.report_error(error, parent)
            return False
        if isinstance(error, ValidationError):
            banner.say("Rien n'a été enregistré : " + " ".join(error.field_errors.values()),
                       error=True)
        else:
            banner.say(str(error), error=True)
        return isinstance(error, ConflictError)

    def report_error(self, error: BaseException, parent: QWidget | None = None) -> None:
        """A refusal gets its French message; anything else the unexpected-error dialog."""
        if isinstance(error, GuichetError):
            QMessageBox.warning(parent, "Guichet", str(error))
        else:
            from desktop.errors import show_unexpected_error

            show_unexpected_error(error, parent)
