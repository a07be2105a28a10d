"""The « Parcours » section of a person's record: their pathways and the rebound offers made."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.pathways import offers as pathways_offers
from db.pathways import worklists
from db.pathways.offers import PersonOfferRow
from db.pathways.worklists import PersonEntryRow
from desktop import operations as ops
from desktop.context import AppContext
from desktop.pathways.common import moment

# Writes after which the section reads again.
SECTION_CHANGES = {"pathway_entry", "pathway_import", "person_offer"}


def entry_line(row: PersonEntryRow) -> str:
    attempts = f", {row.attempts} tentative{'s' if row.attempts > 1 else ''}" \
        if row.attempts else ""
    return f"{row.title} : {row.status_label}{attempts}"


def offer_line(row: PersonOfferRow) -> str:
    """« Mon espace santé (Maladie chronique) — proposée le 12/10/2026 14:05 par Camille
    Martin, acceptée — ALD, octobre 2026 »."""
    answer = "acceptée" if row.accepted else "non acceptée"
    by = f" par {row.made_by}" if row.made_by else ""
    return (f"{row.offer_label} ({row.segment_label}) — proposée le {moment(row.made_at)}{by}, "
            f"{answer}" + (f" — {row.pathway_label}" if row.pathway_label else ""))


class PersonPathways(QWidget):
    def __init__(self, ctx: AppContext, person_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._person_id = ctx, person_id
        self.entries = QLabel("Chargement…", self)
        self.entries.setAccessibleName("Parcours de la personne")
        self.offers = QLabel(self)
        self.offers.setAccessibleName("Offres sur rebond faites à la personne")
        for label in (self.entries, self.offers):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.entries)
        layout.addWidget(self.offers)
        ctx.changes.connect(lambda kinds: kinds & SECTION_CHANGES and self.load())
        self.load()

    def load(self) -> None:
        person_id = self._person_id

        def work(unit):
            return (worklists.entries_for_person(unit, person_id),
                    pathways_offers.offers_for_person(unit, person_id))

        ops.query(self._ctx, work).on_success(lambda answer: self._show(*answer)) \
            .owned_by(self).run()

    def _show(self, entries: list[PersonEntryRow], offers: list[PersonOfferRow]) -> None:
        self.entries.setText("\n".join(entry_line(row) for row in entries)
                             or "Aucun parcours.")
        self.offers.setText("Offres sur rebond :\n" + "\n".join(offer_line(r) for r in offers)
                            if offers else "Aucune offre sur rebond proposée.")
