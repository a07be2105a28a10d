"""Rebound offers during a pathway call: the person's segment, its offers, two ticks each.

The ticks of the whole call (every segment looked at) are kept together and saved at once
with ``pathways_offers.record_offers``, which takes the whole set: an offer un-ticked is
withdrawn. « Acceptée » implies « proposée »: ticking it ticks both, un-ticking « proposée »
un-ticks both.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.pathways import offers as pathways_offers
from db.pathways.offers import OfferView, SegmentView
from desktop import operations as ops
from desktop.context import AppContext
from widgets.choice_box import ChoiceBox
from widgets.id_list_model import fix_row_height

Index = QModelIndex | QPersistentModelIndex
OFFER, MADE, ACCEPTED = 0, 1, 2


class OffersModel(QAbstractTableModel):
    """The offers of one segment with two tick columns; ``ticks`` spans every segment."""

    ticks_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._offers: list[OfferView] = []
        self.ticks: dict[uuid.UUID, bool] = {}  # offer made → accepted
        self.read_only = False

    def set_offers(self, offers: list[OfferView]) -> None:
        self.beginResetModel()
        self._offers = list(offers)
        self.endResetModel()

    def set_ticks(self, ticks: dict[uuid.UUID, bool]) -> None:
        self.ticks = dict(ticks)
        if self._offers:
            self.dataChanged.emit(self.index(0, MADE), self.index(len(self._offers) - 1,
                                                                  ACCEPTED))

    def offer_at(self, row: int) -> OfferView:
        return self._offers[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._offers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < 3):
            return ("Offre", "Proposée", "Acceptée")[section]
        return None

    def _state(self, offer: OfferView, column: int) -> bool:
        if column == MADE:
            return offer.id in self.ticks
        return self.ticks.get(offer.id, False)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._offers):
            return None
        offer, column = self._offers[index.row()], index.column()
        if column == OFFER:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return offer.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return offer.description or None
            return None
        ticked = self._state(offer, column)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole:
            what = "proposée" if column == MADE else "acceptée"
            return f"{offer.label} {what} : {'oui' if ticked else 'non'}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != OFFER and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.CheckStateRole or not index.isValid()
                or index.column() == OFFER or self.read_only):
            return False
        self.tick(index.row(), index.column(),
                  Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def tick(self, row: int, column: int, on: bool) -> None:
        offer_id = self._offers[row].id
        if column == MADE:
            if on:
                self.ticks.setdefault(offer_id, False)
            else:
                self.ticks.pop(offer_id, None)
        elif on:
            self.ticks[offer_id] = True
        elif offer_id in self.ticks:
            self.ticks[offer_id] = False
        self.dataChanged.emit(self.index(row, MADE), self.index(row, ACCEPTED))
        self.ticks_changed.emit()


class OffersBox(QGroupBox):
    """The segment chooser, its offers and « Enregistrer les offres ». ``saved()``."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("Offres sur rebond", parent)
        self._ctx = ctx
        self._segments: list[SegmentView] = []
        self.entry_id: uuid.UUID | None = None
        self.model = OffersModel(self)
        self.segment = ChoiceBox(self)
        self.segment.setAccessibleName("Segment de la personne")
        self.segment.currentIndexChanged.connect(lambda _i: self._show_segment())
        segment_label = QLabel("Se&gment :", self)
        segment_label.setBuddy(self.segment)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Offres du segment")
        self.table.setToolTip("Espace coche la case choisie ; Tab quitte la liste.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        fix_row_height(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(OFFER, QHeaderView.ResizeMode.Stretch)
        for column in (MADE, ACCEPTED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 5)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Offres enregistrées")
        self.save_button = QPushButton("Enregistrer les o&ffres", self)
        self.save_button.clicked.connect(self.save)
        self.model.ticks_changed.connect(lambda: self.state.setText(
            "Modifications à enregistrer."))
        line = QHBoxLayout()
        line.addWidget(segment_label)
        line.addWidget(self.segment, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(line)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def load(self, entry_id: uuid.UUID, read_only: bool) -> None:
        """The segments and what this call already ticked."""
        self.entry_id = entry_id
        self.model.read_only = read_only
        self.save_button.setVisible(not read_only)

        def work(unit):
            return (pathways_offers.list_segments(unit),
                    pathways_offers.offers_for_entry(unit, entry_id),
                    pathways_offers.suggested_segment(unit, entry_id))

        ops.query(self._ctx, work).on_success(lambda answer: self._loaded(*answer)) \
            .owned_by(self).run()

    def _loaded(self, segments: list[SegmentView], ticks: dict[uuid.UUID, bool],
                suggested: uuid.UUID | None = None) -> None:
        self._segments = segments
        # Open on the segment of the offers already made, if any: the adviser chose it;
        # else on the one the person's situation and age point to.
        ticked = next((s.id for s in segments if any(o.id in ticks for o in s.offers)), None)
        self.segment.set_choices([(s.id, s.label) for s in segments])
        if ticked or suggested:
            self.segment.set_value(ticked or suggested)
        self.model.set_ticks(ticks)
        self._show_segment()
        made = len(ticks)
        self.state.setText(f"{made} offre{'s' if made > 1 else ''} proposée"
                           f"{'s' if made > 1 else ''} lors de cet appel." if made else
                           "Aucune offre proposée lors de cet appel.")

    def _show_segment(self) -> None:
        chosen = self.segment.value()
        segment = next((s for s in self._segments if s.id == chosen), None)
        self.model.set_offers(segment.offers if segment else [])

    def save(self) -> None:
        if self.entry_id is None or self.model.read_only:
            return
        entry_id, ticks = self.entry_id, dict(self.model.ticks)
        ops.write(self._ctx, lambda unit: pathways_offers.record_offers(
            unit, entry_id, ticks)) \
            .on_success(lambda _r: self._saved(len(ticks))).with_progress(
                "Enregistrement…", self).owned_by(self).run()

    def _saved(self, made: int) -> None:
        self.state.setText(f"Enregistré : {made} offre{'s' if made > 1 else ''} proposée"
                           f"{'s' if made > 1 else ''}.")
        self.saved.emit()
