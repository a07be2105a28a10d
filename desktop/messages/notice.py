"""« Prévenir la personne »: the checkbox of the agenda's dialogs whose value travels with
the write it goes with (``db.messages.queue.notify_person``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QCheckBox, QWidget

from db.messages.queue import notify_person

T = TypeVar("T")


def notice_box(parent: QWidget | None = None) -> QCheckBox:
    box = QCheckBox("Pré&venir la personne (e-mail ou SMS, selon son accord)", parent)
    box.setChecked(True)
    box.setToolTip("Décochez pour ne pas envoyer de message pour ce changement ; le rappel "
                   "avant le rendez-vous reste envoyé. Le motif d'une annulation figure dans "
                   "le message : pas de détail médical.")
    return box


def told(work: Callable[..., T], box: QCheckBox) -> Callable[..., T]:
    """``work(unit, …)`` with the person told of the change, or not, as ``box`` says now."""
    wanted = box.isChecked()

    def work_with_notice(unit, *args):
        notify_person(unit, wanted)
        return work(unit, *args)

    return work_with_notice
