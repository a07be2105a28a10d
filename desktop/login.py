"""Signing in: the login and password dialog, also the one that unlocks a locked workstation.

The dialog knows nothing of where passwords are checked: it is given ``check(login,
password)``, run on the worker thread, and emits what it returned. A refusal (a wrong
password, an account that must wait) is said in the dialog, in red; nothing opens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db.org.passwords import DEMO_PASSWORD
from desktop import operations as ops
from desktop import theme
from widgets.colours import error_color
from widgets.heading import Heading

# The demo's accounts worth trying first, one per role (README lists them all).
DEMO_LOGINS = ("conseiller01", "mediateur01", "responsable01", "partenaire01", "admin")


class SignInDialog(QDialog):
    """Login and password. ``locked_by`` (a person's name) makes it the dialog of a locked
    workstation: the login is theirs, and « Changer d'utilisateur » replaces « Quitter ».

    ``remember`` None hides the « keep the password in the keyring » box (an embedded
    database has no server password to keep). ``ctx`` only needs ``tasks`` and
    ``report_error``: nobody is signed in yet.
    """

    signed_in = Signal(object)  # what ``check`` returned
    switch_user = Signal()  # only when locked

    def __init__(self, ctx, check: Callable[[str, str], object], *, login: str = "",
                 where: str = "", demo: bool = False, remember: bool | None = None,
                 locked_by: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._check = ctx, check
        self.locked = bool(locked_by)
        self.setWindowTitle("Guichet — poste verrouillé" if self.locked else "Guichet — connexion")
        self.setWindowIcon(theme.app_icon())

        heading = Heading("Poste verrouillé" if self.locked else "Connexion à Guichet", self)
        intro = QLabel(self)
        intro.setWordWrap(True)
        if self.locked:
            intro.setText(f"Ce poste est verrouillé pour {locked_by}. Son contenu reste "
                          "masqué jusqu'à ce que cette personne saisisse son mot de passe.")
        else:
            intro.setText(where)

        self.login_edit = QLineEdit(login, self)
        self.login_edit.setAccessibleName("Identifiant")
        self.login_edit.setReadOnly(self.locked)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Mot de passe")
        form = QFormLayout()
        form.addRow("&Identifiant :", self.login_edit)
        form.addRow("&Mot de passe :", self.password_edit)

        self.remember_box = QCheckBox("Mémoriser le mot de passe dans le &trousseau du système",
                                      self)
        self.remember_box.setChecked(bool(remember))
        self.remember_box.setVisible(remember is not None)

        self.demo_note = QLabel(self)
        self.demo_note.setWordWrap(True)
        self.demo_note.setVisible(demo)
        if demo:
            self.demo_note.setText(
                "Base de démonstration : le mot de passe de tous les comptes est "
                f"« {DEMO_PASSWORD} ». Comptes : {', '.join(DEMO_LOGINS)}…")
            self.demo_note.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(self)
        self.sign_in_button = buttons.addButton(
            "&Déverrouiller" if self.locked else "&Se connecter",
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        if self.locked:
            other = buttons.addButton("&Changer d'utilisateur",
                                      QDialogButtonBox.ButtonRole.ActionRole)
            other.clicked.connect(self._switch_user)
        else:
            buttons.addButton("&Quitter", QDialogButtonBox.ButtonRole.RejectRole)
            buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.sign_in)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remember_box)
        layout.addWidget(self.demo_note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        (self.password_edit if login else self.login_edit).setFocus()

    @property
    def remember(self) -> bool:
        return self.remember_box.isVisible() and self.remember_box.isChecked()

    @property
    def password(self) -> str:
        return self.password_edit.text()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        color = error_color(self.palette()).name() if error else ""
        self.message.setStyleSheet(f"color: {color}" if color else "")

    def reject(self) -> None:
        if not self.locked:  # Escape does not unlock a workstation
            super().reject()

    # -- checking ------------------------------------------------------------------------
    def sign_in(self) -> None:
        login, password = self.login_edit.text().strip(), self.password
        if not login or not password:
            self.say("Saisissez votre identifiant et votre mot de passe.", error=True)
            (self.password_edit if login else self.login_edit).setFocus()
            return
        self.sign_in_button.setEnabled(False)
        self.say("Vérification…")
        ops.task(self._ctx, lambda _none: self._check(login, password)) \
            .on_success(self._accepted).on_failure(self._refused).owned_by(self).run()

    def _accepted(self, result: object) -> None:
        self.signed_in.emit(result)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, error: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        if not ops.is_refusal(error):
            self.say("")
            self._ctx.report_error(error, self)
            return
        self.say(str(error), error=True)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _switch_user(self) -> None:
        self.switch_user.emit()
        self.done(QDialog.DialogCode.Rejected)
