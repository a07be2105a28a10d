"""« Préparer une permanence hors ligne… »: signed in on the server, the adviser chooses the
permanence's sites (a France Services partner: their sector, whole), how many weeks to take,
and where the file goes; the account's password is typed again — the server checks it, and
it is the one that signs in on the laptop. The replica's key goes to the keyring, or, where
this computer has none, a passphrase typed twice encrypts it.

The build runs on the worker thread with a progress bar (``desktop.laptop.steps.build``);
``prepared(path)`` fires once the file is written, and the dialog closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import ValidationError
from db.org.sites import SiteSummary
from desktop import operations as ops
from desktop import theme
from desktop.context import AppContext
from desktop.laptop import steps
from desktop.settings import fit_dialog
from widgets.banner import Banner
from widgets.dialog_layout import GuardedDialog, lay_out_dialog, save_and_cancel
from widgets.form import Form
from widgets.heading import Heading

TITLE = "Préparer une permanence hors ligne"
FILTER = "Permanence Guichet (*.guichet);;Tous les fichiers (*)"
MIN_PASSPHRASE = 12
MISMATCH = "Les deux saisies ne sont pas identiques."


@dataclass(frozen=True)
class PrepareChoices:
    """What the dialog offers: the sites the account's role works at, and whether this
    computer's keyring can keep the key."""

    sites: list[SiteSummary]
    keyring_usable: bool


class PreparePrompt:
    """The file chooser (tests replace this class method)."""

    @classmethod
    def save_path(cls, parent: QWidget, suggested: str) -> str:
        path, _chosen = QFileDialog.getSaveFileName(parent, "Fichier de la permanence",
                                                    suggested, FILTER)
        return path


class PrepareDialog(GuardedDialog):
    prepared = Signal(Path)

    def __init__(self, ctx: AppContext, choices: PrepareChoices, *,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._choices = choices
        self._sector = ctx.actor.sector_scope
        self.setWindowTitle(f"Guichet — {TITLE.lower()}")
        self.setWindowIcon(theme.app_icon())
        self.banner = Banner(self, framed=True)
        self.form = Form(self)
        self._add_sites()
        self.weeks = QSpinBox(self)
        self.weeks.setRange(1, 12)
        self.weeks.setValue(4)
        self.weeks.setSuffix(" semaines")
        self.form.add("weeks", "&Période", self.weeks)
        self._add_file()
        self.password_edit = _secret(self)
        self.form.add("password", "&Votre mot de passe", self.password_edit)
        self._add_key()
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(Heading(TITLE, content))
        intro = QLabel("Guichet copie sur cet ordinateur, chiffré, ce que la permanence "
                       "demande : les agendas et créneaux libres des lieux choisis, les "
                       "personnes attendues et leurs demandes, vos lignes de parcours. Vous "
                       "y travaillez sans réseau, puis vous synchronisez au retour.", content)
        intro.setWordWrap(True)
        column.addWidget(intro)
        column.addWidget(self.form)
        column.addStretch()
        self.buttons, self.prepare_button = save_and_cancel(self, "&Préparer", self.submit)
        lay_out_dialog(self, self.banner, content, self.buttons, wrap=True)
        self.guard(self.form)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 95)
        fit_dialog(self, "prepare_permanence")
        self.password_edit.setFocus()

    # -- fields --------------------------------------------------------------------------
    def _add_sites(self) -> None:
        if self._sector is not None:  # a partner: the sector, whole
            names = ", ".join(site.name for site in self._choices.sites)
            label = QLabel(f"Secteur France Services « {self._sector} » : {names}", self)
            label.setWordWrap(True)
            self.form.add("site", "Lieux", label)
            self.site_list = None
            return
        self.site_list = QListWidget(self)
        for site in self._choices.sites:
            item = QListWidgetItem(site.name)
            item.setToolTip(f"{site.kind_label}, {site.city}" if site.city else site.kind_label)
            item.setData(Qt.ItemDataRole.UserRole, site.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if site.id == self._ctx.actor.site_id
                               and len(self._choices.sites) == 1 else Qt.CheckState.Unchecked)
            self.site_list.addItem(item)
        lines = min(max(len(self._choices.sites), 3), 8)
        self.site_list.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 12)
        self.form.add("site", "&Lieux de la permanence", self.site_list)

    def _add_file(self) -> None:
        box = QWidget(self)
        self.path_edit = QLineEdit(str(steps.default_path()), box)
        self.path_edit.setAccessibleName("Fichier de la permanence")
        self.choose_button = QPushButton("C&hoisir…", box)
        self.choose_button.setAccessibleName("Choisir le fichier de la permanence")
        self.choose_button.clicked.connect(self._choose_file)
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.path_edit, 1)
        line.addWidget(self.choose_button)
        self.form.add("output", "&Fichier", box)
        box.setFocusProxy(self.path_edit)

    def _add_key(self) -> None:
        self.passphrase_edit = self.confirm_edit = None
        if self._choices.keyring_usable:
            note = ("Le fichier est chiffré ; sa clé est gardée dans le trousseau de ce poste, "
                    "à votre nom : rien d'autre à retenir que votre mot de passe.")
        else:
            note = ("Ce poste n'a pas de trousseau de mots de passe : choisissez une phrase "
                    f"de passe ({MIN_PASSPHRASE} caractères ou plus) pour chiffrer le fichier. "
                    "Elle sera demandée à chaque ouverture de la permanence.")
            self.passphrase_edit = _secret(self)
            self.confirm_edit = _secret(self)
            self.form.add("passphrase", "Phrase de p&asse", self.passphrase_edit)
            self.form.add("confirm", "Phrase de passe (&confirmation)", self.confirm_edit)
        self.key_note = QLabel(note, self)
        self.key_note.setWordWrap(True)
        self.form.add("key", "Chiffrement", self.key_note)

    def _choose_file(self) -> None:
        path = PreparePrompt.save_path(self, self.path_edit.text())
        if path:
            self.path_edit.setText(path if path.endswith(steps.SUFFIX)
                                   else path + steps.SUFFIX)

    # -- reading and checking ------------------------------------------------------------
    def chosen_sites(self) -> tuple[str, ...]:
        if self.site_list is None:
            return ()
        return tuple(self.site_list.item(row).data(Qt.ItemDataRole.UserRole)
                     for row in range(self.site_list.count())
                     if self.site_list.item(row).checkState() == Qt.CheckState.Checked)

    def check(self, site: str) -> None:
        """Tick the site named ``site`` (what a click on its box does)."""
        for row in range(self.site_list.count()):
            item = self.site_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == site:
                item.setCheckState(Qt.CheckState.Checked)

    def _errors(self) -> dict[str, str]:
        errors = {}
        if self.site_list is not None and not self.chosen_sites():
            errors["site"] = "Cochez le ou les lieux d'accueil de la permanence."
        if not self.path_edit.text().strip():
            errors["output"] = "Choisissez où écrire la permanence sur cet ordinateur."
        if not self.password_edit.text():
            errors["password"] = ("Saisissez votre mot de passe : le serveur le vérifie, et "
                                  "c'est lui qui vous connectera hors ligne.")
        if self.passphrase_edit is not None:
            if len(self.passphrase_edit.text()) < MIN_PASSPHRASE:
                errors["passphrase"] = f"{MIN_PASSPHRASE} caractères ou plus."
            elif self.confirm_edit.text() != self.passphrase_edit.text():
                errors["confirm"] = MISMATCH
        return errors

    def permanence(self) -> steps.Permanence:
        return steps.Permanence(
            steps.address_without_account(self._ctx.store.url), self._ctx.actor.login,
            self.password_edit.text(), Path(self.path_edit.text().strip()).expanduser(),
            self.chosen_sites(), self._sector, self.weeks.value())

    # -- building ------------------------------------------------------------------------
    def submit(self) -> None:
        self.banner.say("")
        errors = self._errors()
        if errors:
            self.form.show_errors(errors)
            return
        self.form.clear_errors()
        permanence = self.permanence()
        passphrase = self.passphrase_edit.text() if self.passphrase_edit else None
        self.prepare_button.setEnabled(False)
        ops.task(self._ctx, lambda _none: steps.build(permanence, passphrase,
                                                      ops.report_progress)) \
            .on_success(self._built).on_failure(self._refused) \
            .with_progress("Préparation de la permanence…", self).owned_by(self).run()

    def _built(self, path: Path) -> None:
        self.prepare_button.setEnabled(True)
        self.prepared.emit(path)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.prepare_button.setEnabled(True)
        if isinstance(error, ValidationError) and "login" in error.field_errors:
            error = ValidationError({"password": error.field_errors["login"]})
        self._ctx.show_refusal(error, self.form, lambda text: self.banner.say(text, error=True),
                               self, unsaved="La permanence n'a pas été préparée.")
        self.password_edit.clear()


def _secret(parent: QWidget) -> QLineEdit:
    editor = QLineEdit(parent)
    editor.setEchoMode(QLineEdit.EchoMode.Password)
    return editor
