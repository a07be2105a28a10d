"""Database work off the GUI thread, in the manner of Anki's ``CollectionOp`` / ``QueryOp``.

Every operation runs on one worker thread (so database work is serialised), inside one unit of
work of the store for the signed-in actor. Its result comes back on the GUI thread; a write then
tells every screen what it changed — the kinds of records the unit of work recorded as it wrote
(``db.unit``), never a list the caller declares. Refusals (``GuichetError``) are shown as a
French message; anything else goes to the error dialog.

    ops.query(ctx, lambda unit: search.search_people(unit, text)) \
        .on_success(model.set_ids).run()
    ops.write(ctx, lambda unit: records.create_person(unit, data)) \
        .on_success(opened).with_progress("Enregistrement…", parent).run()

``ops.core_query`` hands its work a Core ``Connection`` instead of a unit, and
``ops.task`` nothing at all (work that opens the database itself): the start-up (schema check,
signing in) runs before the ORM is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from db.errors import GuichetError

if TYPE_CHECKING:  # the first window does without the ORM (cold-start budget)
    from db.unit import Unit

T = TypeVar("T")

_current = threading.local()


def report_progress(done: int, total: int, label: str = "") -> None:
    """Called from inside an operation's work: moves its progress bar, if it has one."""
    signals: _Signals | None = getattr(_current, "signals", None)
    if signals is not None:
        signals.progress.emit(done, total, label)


class _Signals(QObject):
    # Lives on the GUI thread; the worker emits, Qt queues the calls back to the GUI thread.
    finished = Signal(object, object)  # the result, the kinds of records written
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, unit: Callable[[], AbstractContextManager], work: Callable,
                 signals: _Signals):
        super().__init__()
        self._unit, self._work, self._signals = unit, work, signals

    def run(self) -> None:
        _current.signals = self._signals
        try:
            with self._unit() as opened:
                result = self._work(opened)
        except BaseException as error:
            self._signals.failed.emit(error)
        else:
            # Read once committed: a unit of work knows what it wrote.
            changes = getattr(opened, "changes", None)
            self._signals.finished.emit(result, changes.kinds if changes else frozenset())
        finally:
            _current.signals = None


class TaskManager(QObject):
    """One worker thread for all database work."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: set[_Signals] = set()

    def start(self, unit: Callable[[], AbstractContextManager], work: Callable,
              signals: _Signals) -> None:
        """Run ``work`` on the worker thread inside ``unit()`` (the store's session or
        connection), then deliver through ``signals``."""
        self._running.add(signals)  # keeps the signals alive until the result is delivered
        queued = Qt.ConnectionType.QueuedConnection
        signals.finished.connect(lambda _r, _c: self._running.discard(signals), queued)
        signals.failed.connect(lambda _e: self._running.discard(signals), queued)
        self._pool.start(_Runnable(unit, work, signals))

    def idle(self) -> bool:
        return not self._running

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)


class Op(Generic[T]):
    """One piece of database work, configured fluently and then ``run()``."""

    def __init__(self, ctx, work: Callable[[Any], T], *, publishes: bool = False,
                 unit: Literal["unit", "connection"] | None = "unit"):
        self._ctx, self._work, self._publishes, self._unit = ctx, work, publishes, unit
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None
        self._parent: QWidget | None = None
        self._owner: QObject | None = None

    def on_success(self, callback: Callable[[T], None]) -> Op[T]:
        self._on_success = callback
        owner = getattr(callback, "__self__", None)
        if self._owner is None and isinstance(owner, QObject):
            self._owner = owner  # a screen's own method: it owns the answer
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        """Replace the default handling (French message box / error dialog)."""
        self._on_failure = callback
        return self

    def owned_by(self, owner: QObject) -> Op[T]:
        """Deliver the result only if ``owner`` still exists (a screen closed meanwhile
        simply never hears back; a failure is still reported, without a parent)."""
        self._owner = owner
        return self

    def _owner_gone(self) -> bool:
        return self._owner is not None and not shiboken6.isValid(self._owner)

    def with_progress(self, label: str, parent: QWidget | None = None) -> Op[T]:
        self._progress_label, self._parent = label, parent
        return self

    def run(self) -> None:
        signals = _Signals()
        progress = None
        if self._progress_label is not None:
            progress = _Progress(self._progress_label, self._parent)
            signals.progress.connect(progress.report, Qt.ConnectionType.QueuedConnection)

        def finished(result: T, changes: frozenset[str]) -> None:
            if progress is not None:
                progress.close()
            if self._publishes and changes:
                self._ctx.changes.emit(set(changes))
            if self._on_success is not None and not self._owner_gone():
                self._on_success(result)

        def failed(error: BaseException) -> None:
            if progress is not None:
                progress.close()
            if self._owner_gone():
                self._ctx.report_error(error, None)
            elif self._on_failure is not None:
                self._on_failure(error)
            else:
                self._ctx.report_error(error, self._parent)

        signals.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        store, actor = self._ctx.store, self._ctx.actor
        opens = {"unit": lambda: store.unit(actor), "connection": store.connection}.get(
            self._unit, nullcontext)
        self._ctx.tasks.start(opens, self._work, signals)


class _Progress:
    """The progress dialog of one operation, built only once the work has lasted
    ``SHOW_AFTER_MS``: quick work (most saves, opening the database at start-up) never pays
    for building a dialog it would not show."""

    SHOW_AFTER_MS = 400

    def __init__(self, label: str, parent: QWidget | None):
        self._parent = parent
        self._dialog: QProgressDialog | None = None
        self._done, self._total, self._label = 0, 0, label
        self._closed = False
        QTimer.singleShot(self.SHOW_AFTER_MS, self._show)

    def report(self, done: int, total: int, label: str) -> None:
        self._done, self._total, self._label = done, total, label or self._label
        if self._dialog is not None:
            self._update()

    def close(self) -> None:
        self._closed = True
        if self._dialog is not None:
            self._dialog.close()

    def _show(self) -> None:
        if self._closed or (self._parent is not None and not shiboken6.isValid(self._parent)):
            return
        self._dialog = QProgressDialog(self._label, "", 0, 0, self._parent)
        self._dialog.setCancelButton(None)
        self._dialog.setWindowTitle("Guichet")
        self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self._update()
        self._dialog.show()

    def _update(self) -> None:
        self._dialog.setMaximum(self._total)
        self._dialog.setValue(self._done)
        self._dialog.setLabelText(self._label)


def query(ctx, work: Callable[[Unit], T]) -> Op[T]:
    """A read in a unit of work of the signed-in actor: no change is announced."""
    return Op(ctx, work)


def core_query(ctx, work: Callable[[Any], T]) -> Op[T]:
    """A read in SQLAlchemy Core: ``work`` gets a ``Connection``, and the ORM need not be
    loaded."""
    return Op(ctx, work, unit="connection")


def task(ctx, work: Callable[[None], T]) -> Op[T]:
    """Work on the worker thread that opens no unit of work (it gets None): checking or
    migrating the schema, which must look at a file before connecting to it."""
    return Op(ctx, work, unit=None)


def write(ctx, work: Callable[[Unit], T]) -> Op[T]:
    """A write through a ``db`` service; once committed, every screen hears what it
    changed."""
    return Op(ctx, work, publishes=True)


def is_refusal(error: BaseException) -> bool:
    return isinstance(error, GuichetError)
