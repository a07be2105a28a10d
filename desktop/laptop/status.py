"""The permanence's line in the status bar, when signed in on an offline laptop's replica:
« Hors ligne — permanence de Mens — 3 modifications à envoyer · 1 conflit », with
« Synchroniser » beside it and, while any remains, « Conflits à résoudre ».

It is read again on the worker thread after each write (the context's ``changes``) and after
each sync, so that it says what the next sync will send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from db.sync import laptop
from db.wording import count
from desktop import operations as ops
from desktop.context import AppContext

log = logging.getLogger(__name__)


class ReplicaStatus(QWidget):
    """``standing`` is the last read (None until the first answer); ``sync_requested`` and
    ``conflicts_requested`` are its buttons'."""

    sync_requested = Signal()
    conflicts_requested = Signal()
    refreshed = Signal(object)  # the Standing just shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.standing: laptop.Standing | None = None
        self._waiting: list[Callable[[laptop.Standing], None]] = []
        self.label = QLabel("Hors ligne — permanence…", self)
        self.label.setAccessibleName("État de la permanence hors ligne")
        self.label.setToolTip(ctx.store.describe())
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_button = QPushButton("S&ynchroniser", self)
        self.sync_button.setAccessibleName("Synchroniser avec le serveur")
        self.sync_button.setToolTip("Envoyer les modifications au serveur et recevoir les "
                                    "siennes (Ctrl+Maj+S)")
        self.sync_button.clicked.connect(self.sync_requested)
        self.conflicts_button = QPushButton("Conflits à résoudre", self)
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        self.conflicts_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.conflicts_button)
        layout.addWidget(self.sync_button)
        ctx.changes.connect(lambda _kinds: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        store = self._ctx.store
        ops.task(self._ctx, lambda _none: laptop.standing(store)) \
            .on_success(self._show).on_failure(self._unknown).owned_by(self).run()

    def when_known(self, then: Callable[[laptop.Standing], None]) -> None:
        """``then(standing)`` now if the line was read, else once it is."""
        if self.standing is not None:
            then(self.standing)
        else:
            self._waiting.append(then)
            self.refresh()

    def _show(self, standing: laptop.Standing) -> None:
        self.standing = standing
        self.label.setText(standing.status)
        self.conflicts_button.setVisible(standing.conflicts > 0)
        self.conflicts_button.setText(f"{count(standing.conflicts, 'conflit')} à résoudre")
        self.conflicts_button.setAccessibleName(
            f"Voir les {count(standing.conflicts, 'conflit')} à résoudre")
        self.refreshed.emit(standing)
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            then(standing)

    def _unknown(self, error: BaseException) -> None:
        log.warning("the permanence's standing could not be read: %s", type(error).__name__)
        self.label.setText("Hors ligne — l'état de la permanence n'a pas pu être lu")
