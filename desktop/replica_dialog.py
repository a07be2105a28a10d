"""« Phrase de passe de la permanence hors ligne »: asked at start-up when an encrypted
replica's key is not in this computer's keyring (``desktop.replica_keys``).

The dialog is given ``check(passphrase)``, run on the worker thread (SQLCipher's key
derivation takes a fraction of a second), and emits the cipher it returned. A passphrase that
does not open the file is said in the dialog, in red; nothing opens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop import operations as ops
from desktop import theme
from widgets.banner import Banner
from widgets.form import Form
from widgets.heading import Heading

TITLE = "Phrase de passe de la permanence hors ligne"
EMPTY = "Saisissez la phrase de passe de la permanence."


class PassphraseDialog(QDialog):
    """One passphrase field, « Ouvrir » and « Quitter ». ``ctx`` only needs ``tasks`` and
    ``report_error``: nobody is signed in yet."""

    unlocked = Signal(object)  # what ``check`` returned

    def __init__(self, ctx, check: Callable[[str], object], *, where: str,
                 trouble: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._check = ctx, check
        self.setWindowTitle(f"Guichet — {TITLE.lower()}")
        self.setWindowIcon(theme.app_icon())
        intro = QLabel(
            f"{where}\nCe fichier est chiffré et sa clé n'est pas dans le trousseau de ce "
            "poste : saisissez la phrase de passe choisie quand la permanence a été préparée."
            + (f"\n{trouble}" if trouble else ""), self)
        intro.setWordWrap(True)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form = Form(self)
        self.form.add("passphrase", "&Phrase de passe", self.passphrase_edit)
        self.banner = Banner(self)
        buttons = QDialogButtonBox(self)
        self.open_button = buttons.addButton("&Ouvrir", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setDefault(True)
        buttons.addButton("&Quitter", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(Heading(TITLE, self))
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.passphrase_edit.setFocus()

    def submit(self) -> None:
        passphrase = self.passphrase_edit.text()
        self.banner.say("")
        if not passphrase:
            self.form.show_errors({"passphrase": EMPTY})
            return
        self.form.clear_errors()
        self.open_button.setEnabled(False)
        self.banner.say("Vérification…")
        ops.task(self._ctx, lambda _none: self._check(passphrase)) \
            .on_success(self._accepted).on_failure(self._refused).owned_by(self).run()

    def _accepted(self, result: object) -> None:
        self.unlocked.emit(result)
        self.done(QDialog.DialogCode.Accepted)

    def _refused(self, error: BaseException) -> None:
        self.open_button.setEnabled(True)
        if not ops.is_refusal(error):
            self.banner.say("")
            self._ctx.report_error(error, self)
            return
        self.banner.say(str(error), error=True)
        self.passphrase_edit.clear()
        self.passphrase_edit.setFocus()
