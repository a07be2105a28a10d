"""The sender while Guichet is open: every minute, on the worker thread (``ops``), the
e-mails due go out through the office's server — a small batch at a time, so that the
screens' own database work never waits long behind it.

The same sender as ``guichet reminders send`` (``db.messages.sender``): two open Guichets and
the scheduled task may run at once, a message still goes once. It works as the system (the
audit trail names no one): nobody clicked.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from desktop import operations as ops
from desktop.context import AppContext

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000
BATCH = 20  # messages per minute at most: a batch holds the worker thread


def send_batch(store, limit: int = BATCH):
    """One batch of the e-mails due, through the configured server (None: none set)."""
    from db.messages import sender
    from db.messages import settings as message_settings
    from desktop.messages.secrets import with_password

    with store.unit(None) as unit:
        server = with_password(message_settings.server_of(unit))
    if server is None:
        return None
    return sender.send_due(store, server, limit=limit)


class BackgroundSender(QObject):
    """``sent(report)`` after each batch that did something."""

    sent = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._running = False
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        if self._running:
            return
        self._running = True
        store = self._ctx.store
        ops.task(self._ctx, lambda _none: send_batch(store)).on_success(self._done) \
            .on_failure(self._failed).owned_by(self).run()

    def _done(self, report) -> None:
        self._running = False
        if report is not None and (report.sent or report.failed or report.withdrawn
                                   or report.uncertain or report.retrying):
            self._ctx.changes.emit({"message"})  # Administration › Messages shows the news
            self.sent.emit(report)

    def _failed(self, error: BaseException) -> None:
        """Never a dialog for a job nobody started: the log, and the next minute."""
        self._running = False
        log.warning("background sending failed (%s)", error.__class__.__name__)
