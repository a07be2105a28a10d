"""« Anonymiser… » on a person's record (administrators): what will change, asked first;
the reason when it cannot be done now; then the anonymisation and, on the embedded database,
the wiping of what the file still held (``db.lifecycle.erasure``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from db.lifecycle.erasure import ErasurePreview
from desktop import operations as ops
from desktop.context import AppContext


class AnonymisePrompt:
    """The questions asked (tests replace these class methods)."""

    @classmethod
    def confirm(cls, parent: QWidget, preview: ErasurePreview) -> bool:
        changes = "\n".join(f"• {line}" for line in preview.changes)
        answer = QMessageBox.question(
            parent, "Anonymiser la personne",
            f"Anonymiser {preview.name} ?\n\n{changes}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget, message: str) -> None:
        QMessageBox.information(parent, "Anonymiser la personne", message)


def anonymise_person(ctx: AppContext, parent: QWidget, person_id: uuid.UUID,
                     done: Callable[[], None]) -> None:
    """Preview, ask, anonymise; ``done()`` once written and wiped."""
    from db.lifecycle import erasure

    def asked(preview: ErasurePreview) -> None:
        if preview.refusal:
            AnonymisePrompt.tell(parent, f"L'anonymisation n'est pas possible maintenant : "
                                         f"{preview.refusal}")
            return
        if not AnonymisePrompt.confirm(parent, preview):
            return
        ops.write(ctx, lambda unit: erasure.anonymise(unit, person_id, preview.version)) \
            .on_success(lambda _none: wipe()) \
            .on_failure(lambda error: AnonymisePrompt.tell(parent, str(error))
                        if ops.is_refusal(error) else ctx.report_error(error, parent)) \
            .with_progress("Anonymisation…", parent).owned_by(parent).run()

    def wipe() -> None:
        ops.task(ctx, lambda _none: erasure.wipe_traces(ctx.store)) \
            .on_success(lambda _none: done()).owned_by(parent).run()

    ops.query(ctx, lambda unit: erasure.preview(unit, person_id)).on_success(asked) \
        .owned_by(parent).run()
