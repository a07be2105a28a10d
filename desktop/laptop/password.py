"""The account's server password, asked in the sign-in dialog's manner before the laptop
talks to the server (« Synchroniser », « Rendre la permanence »).

The dialog is given ``work(password)``, run on the worker thread with a progress bar (the
whole sync: the password is checked by the server first); it emits what it returned and
closes. A refusal — a wrong password, the server out of reach — is said in the dialog, in red,
and it stays open to try again; nothing is lost meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import operations as ops
from desktop import theme
from widgets.colours import error_color
from widgets.heading import Heading

EMPTY = "Saisissez le mot de passe de votre compte sur le serveur."


class ServerPasswordDialog(QDialog):
    """Login (shown, not editable) and password; ``accept_label`` runs ``work``."""

    done_with = Signal(object)  # what ``work`` returned

    def __init__(self, ctx, work: Callable[[str], object], *, title: str, intro: str,
                 login: str, accept_label: str, progress: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._work, self._progress = ctx, work, progress
        self._running = False
        self.setWindowTitle(f"Guichet — {title.lower()}")
        self.setWindowIcon(theme.app_icon())
        text = QLabel(intro, self)
        text.setWordWrap(True)
        self.login_edit = QLineEdit(login, self)
        self.login_edit.setReadOnly(True)
        self.login_edit.setAccessibleName("Identifiant")
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Mot de passe sur le serveur")
        form = QFormLayout()
        form.addRow("&Identifiant :", self.login_edit)
        form.addRow("&Mot de passe :", self.password_edit)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.accept_button = self.buttons.addButton(accept_label,
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setDefault(True)
        self.cancel_button = self.buttons.addButton("&Annuler",
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(Heading(title, self))
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.password_edit.setFocus()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        color = error_color(self.palette()).name() if error else ""
        self.message.setStyleSheet(f"color: {color}" if color else "")

    def reject(self) -> None:
        if not self._running:  # the sync goes on to its end: it is not cut from here
            super().reject()

    def submit(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.say(EMPTY, error=True)
            self.password_edit.setFocus()
            return
        self._set_running(True)
        self.say("Connexion au serveur…")
        ops.task(self._ctx, lambda _none: self._work(password)) \
            .on_success(self._finished).on_failure(self._refused) \
            .with_progress(self._progress, self).owned_by(self).run()

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.accept_button.setEnabled(not running)
        self.cancel_button.setEnabled(not running)

    def _finished(self, result: object) -> None:
        self._set_running(False)
        self.done_with.emit(result)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, error: BaseException) -> None:
        self._set_running(False)
        if not ops.is_refusal(error):
            self.say("")
            self._ctx.report_error(error, self)
            return
        self.say(str(error), error=True)
        self.password_edit.clear()
        self.password_edit.setFocus()
