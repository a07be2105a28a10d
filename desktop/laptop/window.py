"""The offline laptop in the main window (issue 13): its entries in the Fichier menu and, on
a replica, the permanence's line in the status bar.

- Signed in on the server: « Préparer une permanence hors ligne… ».
- Signed in on a replica: « Synchroniser » (Ctrl+Maj+S, and the status bar's button),
  « Conflits à résoudre… », « Rendre la permanence… ».

A sync asks the account's server password (``ServerPasswordDialog``), runs on the worker
thread with a progress bar, says what it did (« 37 envoyées, 112 reçues, 2 conflits ») and
tells every screen that anything may have changed, so that each reloads.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from desktop import operations as ops
from desktop.laptop import steps

SYNC_SHORTCUT = "Ctrl+Shift+S"


class LaptopPrompt:
    """The questions and answers of the laptop's actions (tests replace these class
    methods instead of clicking in modal boxes)."""

    @classmethod
    def offer_to_open(cls, parent: QWidget, path: Path) -> bool:
        box = QMessageBox(QMessageBox.Icon.Information, "Guichet",
                          f"La permanence hors ligne est prête : {path}", parent=parent)
        box.setInformativeText(
            "L'ouvrir maintenant ? Guichet se ferme et se rouvre sur la permanence ; vous "
            "vous y connectez avec votre mot de passe, sans réseau.\n\nPour l'ouvrir plus "
            f"tard sur cet ordinateur : guichet --db \"{path}\"")
        opening = box.addButton("&Ouvrir la permanence", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Plus &tard", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is opening

    @classmethod
    def summary(cls, parent: QWidget, report) -> bool:
        """The sync's summary; True to open « Conflits à résoudre »."""
        box = QMessageBox(QMessageBox.Icon.Information, "Guichet",
                          f"Synchronisation terminée : {report}.", parent=parent)
        showing = None
        if report.conflicts:
            box.setInformativeText("Le bureau n'a pas tout pris tel quel : rien n'est perdu, "
                                   "choisissez quelle version garder.")
            showing = box.addButton("&Voir les conflits", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Fermer", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return showing is not None and box.clickedButton() is showing

    @classmethod
    def confirm_give_back(cls, parent: QWidget) -> bool:
        answer = QMessageBox.question(
            parent, "Rendre la permanence",
            "Rendre la permanence ?\n\nGuichet synchronise une dernière fois, puis efface de "
            "cet ordinateur le fichier de la permanence, ses copies automatiques et sa clé, "
            "et se ferme. S'il reste des conflits, rien n'est effacé.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget, message: str) -> None:
        QMessageBox.warning(parent, "Guichet", message)


def every_kind() -> set[str]:
    """Every kind of record a sync may have brought: what the screens reload."""
    from db.sync.tables import synced_tables

    return {target.name for target in synced_tables()}


class LaptopActions(QObject):
    """The laptop's actions of one main window (``status``: the replica's status line,
    None on the server)."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.window, self.ctx = window, window.ctx
        self.status = None
        self.conflicts_dialog = None
        menu.addSeparator()
        if self.ctx.store.is_replica:
            from desktop.laptop.status import ReplicaStatus

            self.status = ReplicaStatus(self.ctx, window)
            self.status.sync_requested.connect(self.sync)
            self.status.conflicts_requested.connect(self.show_conflicts)
            self.sync_action = self._add(menu, "S&ynchroniser", self.sync, SYNC_SHORTCUT)
            self.conflicts_action = self._add(menu, "Con&flits à résoudre…",
                                              self.show_conflicts)
            self.give_back_action = self._add(menu, "Rendre la &permanence…", self.give_back)
        else:
            self.prepare_action = self._add(menu, "Préparer une permanence &hors ligne…",
                                            self.prepare)

    def _add(self, menu: QMenu, text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- on the server ---------------------------------------------------------------------
    def prepare(self):
        """Open « Préparer une permanence hors ligne… » once its choices are known."""
        from db.org.sites import list_sites
        from desktop.laptop.prepare_dialog import PrepareChoices

        ops.query(self.ctx, lambda unit: PrepareChoices(list_sites(unit),
                                                        steps.keyring_usable())) \
            .on_success(self._open_prepare).owned_by(self.window).run()

    def _open_prepare(self, choices) -> None:
        from desktop.laptop.prepare_dialog import PrepareDialog

        dialog = PrepareDialog(self.ctx, choices, parent=self.window)
        dialog.prepared.connect(self._prepared)
        dialog.open()
        self.prepare_dialog = dialog

    def _prepared(self, path: Path) -> None:
        if LaptopPrompt.offer_to_open(self.window, path):
            self.window.reopen_requested.emit(str(path))

    # -- on a replica ------------------------------------------------------------------------
    def _ask_password(self, title: str, intro: str, accept: str, then) -> None:
        """The server password dialog, once the status line knows the account."""
        self.status.when_known(lambda standing: self._password_dialog(
            standing, title, intro, accept, then))

    def _password_dialog(self, standing, title: str, intro: str, accept: str, then) -> None:
        from desktop.laptop.password import ServerPasswordDialog

        store = self.ctx.store
        dialog = ServerPasswordDialog(
            self.ctx, lambda password: steps.synced(store, password, ops.report_progress),
            title=title, intro=f"{intro}\nServeur : {steps.describe_server(standing.server)}",
            login=standing.login, accept_label=accept, progress="Synchronisation…",
            parent=self.window)
        dialog.done_with.connect(then)
        dialog.open()
        self.password_dialog = dialog

    def sync(self) -> None:
        self._ask_password(
            "Synchroniser", "Guichet envoie au serveur les modifications faites sur cet "
            "ordinateur, puis reçoit celles du bureau. Votre mot de passe est celui de votre "
            "compte sur le serveur (s'il y a été changé, c'est le nouveau).",
            "&Synchroniser", self._synced)

    def _synced(self, report) -> None:
        self._refresh_everything()
        if LaptopPrompt.summary(self.window, report):
            self.show_conflicts()

    def _refresh_everything(self) -> None:
        """Every screen reloads (the status line with them: it follows ``changes``)."""
        self.ctx.changes.emit(every_kind())

    def show_conflicts(self) -> None:
        from desktop.laptop.conflicts_dialog import ConflictsDialog

        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.raise_()
            self.conflicts_dialog.activateWindow()
            self.conflicts_dialog.load()
            return
        self.conflicts_dialog = ConflictsDialog(self.ctx, self.window)
        self.conflicts_dialog.open()

    def give_back(self) -> None:
        if not LaptopPrompt.confirm_give_back(self.window):
            return
        self._ask_password(
            "Rendre la permanence", "Une dernière synchronisation, puis la permanence est "
            "effacée de cet ordinateur.", "&Synchroniser et rendre", self._last_synced)

    def _last_synced(self, report) -> None:
        self._refresh_everything()
        if report.conflicts:
            LaptopPrompt.tell(self.window, f"Synchronisation terminée : {report}. La "
                              "permanence n'est pas rendue : résolvez d'abord ses conflits "
                              "(Fichier › Conflits à résoudre), puis rendez-la.")
            self.show_conflicts()
            return
        path = self.ctx.store.sqlite_path
        self.window.given_back.emit(
            f"Synchronisation terminée : {report}.\n\nPermanence rendue : le fichier "
            f"{path.name}, ses copies automatiques et sa clé sont effacés de cet "
            "ordinateur. Guichet se ferme ; au bureau, connectez-vous au serveur.")
