"""Choosing a password: at the first sign-in after a one-time password, from the File menu,
and the first administrator's account of an empty database.

Each dialog is given the work it performs (run on the worker thread) and emits what it
returned; the rules themselves are the core's (``db.org.passwords``), whose French message
shows below the field.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from db.org.passwords import MIN_LENGTH
from desktop import operations as ops
from desktop import theme
from widgets.banner import Banner
from widgets.form import Form
from widgets.heading import Heading

RULES = (f"Au moins {MIN_LENGTH} caractères, ni votre identifiant ni votre nom, et pas un mot "
         "qu'on essaie en premier. Une phrase de quelques mots se retient bien : « le café "
         "de la gare ouvre à 7 h ».")
MISMATCH = "Les deux saisies ne sont pas identiques."


def _password_editor(parent: QWidget) -> QLineEdit:
    editor = QLineEdit(parent)
    editor.setEchoMode(QLineEdit.EchoMode.Password)
    return editor


class _PasswordDialog(QDialog):
    """A heading, a form ending with the password typed twice, a banner and two buttons;
    ``done_with`` is emitted with what the work returned."""

    done_with = Signal(object)

    def __init__(self, ctx, title: str, intro: str, accept_label: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(f"Guichet — {title.lower()}")
        self.setWindowIcon(theme.app_icon())
        self.form = Form(self)
        self.banner = Banner(self)
        text = QLabel(f"{intro}\n{RULES}", self)
        text.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.accept_button = self.buttons.addButton(accept_label,
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setDefault(True)
        self.buttons.addButton("&Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(Heading(title, self))
        layout.addWidget(text)
        layout.addWidget(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 75)

    def _add_password_fields(self) -> None:
        self.password_edit = _password_editor(self)
        self.confirm_edit = _password_editor(self)
        self.form.add("password", "&Mot de passe", self.password_edit)
        self.form.add("confirm", "Mot de passe (&confirmation)", self.confirm_edit)

    @property
    def password(self) -> str:
        return self.password_edit.text()

    def _work(self) -> Callable[[], object]:
        """What to run, on the worker thread, for the values typed."""
        raise NotImplementedError

    def _submit(self) -> None:
        self.form.clear_errors()
        self.banner.say("")
        if self.password_edit.text() != self.confirm_edit.text():
            self.form.show_errors({"confirm": MISMATCH})
            return
        work = self._work()
        self.accept_button.setEnabled(False)
        ops.task(self._ctx, lambda _none: work()).on_success(self._finished) \
            .on_failure(self._refused).owned_by(self).run()

    def _finished(self, result: object) -> None:
        self.done_with.emit(result)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.accept_button.setEnabled(True)
        self._ctx.show_refusal(error, self.form, lambda text: self.banner.say(text, error=True),
                               self)


class ChangePasswordDialog(_PasswordDialog):
    """The person chooses their password: ``save(password)`` records it."""

    def __init__(self, ctx, save: Callable[[str], object], *, intro: str,
                 parent: QWidget | None = None):
        super().__init__(ctx, "Choisir votre mot de passe", intro, "&Enregistrer", parent)
        self._save = save
        self._add_password_fields()
        self.password_edit.setFocus()

    def _work(self) -> Callable[[], object]:
        password = self.password
        return lambda: self._save(password)


class FirstAdminDialog(_PasswordDialog):
    """An empty database: the first administrator's account. ``create(login, first name,
    last name, password)`` makes it."""

    def __init__(self, ctx, create: Callable[[str, str, str, str], object], *, where: str,
                 parent: QWidget | None = None):
        super().__init__(
            ctx, "Premier administrateur",
            f"{where}\nCette base ne contient encore aucun compte. Créez celui de son premier "
            "administrateur : il créera ensuite les comptes des autres personnes "
            "(Administration › Comptes).", "&Créer le compte", parent)
        self._create = create
        self.login_edit = QLineEdit(self)
        self.first_name_edit = QLineEdit(self)
        self.last_name_edit = QLineEdit(self)
        self.form.add("login", "&Identifiant", self.login_edit)
        self.form.add("first_name", "&Prénom", self.first_name_edit)
        self.form.add("last_name", "&Nom", self.last_name_edit)
        self._add_password_fields()
        self.login_edit.setFocus()

    def _work(self) -> Callable[[], object]:
        values = (self.login_edit.text(), self.first_name_edit.text(),
                  self.last_name_edit.text(), self.password)
        return lambda: self._create(*values)
