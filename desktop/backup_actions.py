"""Fichier › Sauvegarder… and Restaurer… (administrators): a consistent copy of the database
while others work, and putting a copy back, checked first (``db.lifecycle.backup``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from desktop import operations as ops
from desktop.context import AppContext

FILTER = "Sauvegarde Guichet (*.sqlite3);;Tous les fichiers (*)"
# A server's database is the owner's to dump and restore: an account may read only its share.
ON_A_SERVER = ("La base est sur un serveur PostgreSQL : sa sauvegarde et sa restauration se "
               "font par son propriétaire, avec « guichet backup » et « guichet restore » ou "
               "pg_dump (voir le README). Un compte n'en lit qu'une partie.")


class BackupPrompt:
    """The questions asked (tests replace these class methods)."""

    @classmethod
    def save_path(cls, parent: QWidget, suggested: str) -> str:
        path, _chosen = QFileDialog.getSaveFileName(parent, "Sauvegarder la base", suggested,
                                                    FILTER)
        return path

    @classmethod
    def open_path(cls, parent: QWidget) -> str:
        path, _chosen = QFileDialog.getOpenFileName(parent, "Restaurer une sauvegarde", "",
                                                    FILTER)
        return path

    @classmethod
    def confirm_restore(cls, parent: QWidget, path: str) -> bool:
        answer = QMessageBox.question(
            parent, "Restaurer une sauvegarde",
            f"Remplacer la base par la sauvegarde « {Path(path).name} » ?\n\nLe fichier est "
            "vérifié d'abord ; la base actuelle est gardée à côté. Chacun devra ensuite se "
            "reconnecter.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget, message: str) -> None:
        QMessageBox.information(parent, "Guichet", message)


def _status(window: QMainWindow, message: str) -> None:
    window.statusBar().showMessage(message, 15_000)


def back_up(ctx: AppContext, window: QMainWindow) -> None:
    from db.lifecycle import backup

    if not ctx.store.is_sqlite:
        BackupPrompt.tell(window, ON_A_SERVER)
        return
    path = BackupPrompt.save_path(window, f"guichet-{date.today():%Y-%m-%d}.sqlite3")
    if not path:
        return
    ops.task(ctx, lambda _none: backup.backup(ctx.store, Path(path))) \
        .on_success(lambda _path: _status(window, f"Sauvegarde écrite dans {path}")) \
        .on_failure(lambda error: BackupPrompt.tell(window, str(error))
                    if ops.is_refusal(error) else ctx.report_error(error, window)) \
        .with_progress("Sauvegarde de la base…", window).owned_by(window).run()


def restore(ctx: AppContext, window: QMainWindow, then_sign_in_again) -> None:
    """Restore a backup, then everyone signs in again on the restored database."""
    from db.lifecycle import backup

    if not ctx.store.is_sqlite:
        BackupPrompt.tell(window, ON_A_SERVER)
        return
    path = BackupPrompt.open_path(window)
    if not path or not BackupPrompt.confirm_restore(window, path):
        return

    def restored(result: backup.Restored) -> None:
        aside = f" La base remplacée est gardée dans {result.kept_aside}." \
            if result.kept_aside else ""
        BackupPrompt.tell(window, f"Sauvegarde restaurée (schéma {result.revision}"
                                  f"{', mis à jour' if result.migrated else ''}).{aside} "
                                  "Reconnectez-vous.")
        then_sign_in_again()

    ops.task(ctx, lambda _none: backup.restore(ctx.store, Path(path))) \
        .on_success(restored) \
        .on_failure(lambda error: BackupPrompt.tell(window, f"Rien n'a été remplacé : {error}")
                    if ops.is_refusal(error) else ctx.report_error(error, window)) \
        .with_progress("Vérification et restauration de la sauvegarde…", window) \
        .owned_by(window).run()
