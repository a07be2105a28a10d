"""The workstation locks itself after an idle time (CNIL: workstations holding health data).

After ``lock_after_minutes`` (Administration › Comptes, 10 by default) without a key pressed
or the mouse used in Guichet, every window of the session is covered — what it showed is
hidden, titles included, and dialogs keep what was typed in them — and the sign-in dialog of
the locked workstation opens above them: the same person's password unlocks, « Changer
d'utilisateur » ends the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from db.org.access import Actor

if TYPE_CHECKING:  # the dialog with the first lock: not on the cold-start path
    from desktop.login import SignInDialog

# What counts as someone using the workstation.
_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.Shortcut,
})
LOCKED_TITLE = "Guichet — poste verrouillé"


class _Cover(QWidget):
    """Covers a window entirely (menus and status bar too) while the workstation is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window, self._title = window, window.windowTitle()
        self.setAutoFillBackground(True)
        self.setAccessibleName("Poste verrouillé")
        label = QLabel("Poste verrouillé", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        label.setFont(font)
        QVBoxLayout(self).addWidget(label)
        window.installEventFilter(self)
        window.setWindowTitle(LOCKED_TITLE)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._window.rect())
            self.raise_()
        elif watched is self._window and event.type() == QEvent.Type.ChildAdded:
            QTimer.singleShot(0, self.raise_)  # above anything the window adds later
        return False

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        self._window.setWindowTitle(self._title)
        self.deleteLater()


class IdleLock(QObject):
    """Watches the session's input and locks after the idle time. ``check(login, password)``
    (on the worker thread) checks the signed-in person's password again."""

    locked = Signal()
    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, ctx, actor: Actor, minutes: int, check: Callable[[str, str], object],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._ctx, self._actor, self._check = ctx, actor, check
        self._covers: list[_Cover] = []
        self.dialog: SignInDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(minutes * 60_000)
        self.timer.timeout.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.is_locked:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.is_locked:
            return
        from desktop.login import SignInDialog

        self.timer.stop()
        self._covers = [_Cover(window) for window in QApplication.topLevelWidgets()
                        if window.isVisible() and window.windowType() != Qt.WindowType.ToolTip]
        self.dialog = SignInDialog(self._ctx, self._check, login=self._actor.login,
                                   locked_by=self._actor.display_name)
        self.dialog.signed_in.connect(self._unlock)
        self.dialog.switch_user.connect(self.switch_user)
        # show(), not open(): open() makes it window-modal, and having no parent window it
        # would block nothing — the covered windows' shortcuts would still work.
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.show()
        self.locked.emit()

    def _unlock(self, _result: object) -> None:
        for cover in self._covers:
            cover.remove()
        self._covers = []
        self.dialog = None
        self.timer.start()
        self.unlocked.emit()

    def stop(self) -> None:
        """The session ends: stop watching, and let the covers go with their windows."""
        QApplication.instance().removeEventFilter(self)
        self.timer.stop()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
