"""« Réglages » of the Parcours area, for administrators: pathway kinds, segments and offers.

Each editor is a table of what exists and, below it, a form for the chosen line; a new one is
added from the same form. Every change goes through its service; a refusal shows beside its
field, and the table is read again after each write.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from db.agenda import setup as agenda_setup
from db.errors import GuichetError, ValidationError
from db.pathways import kinds as pathways_kinds
from db.pathways import offers as pathways_offers
from db.pathways.kinds import KindView
from db.pathways.models import Offer, PathwayKind
from db.pathways.offers import OfferView, SegmentView
from desktop import operations as ops
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from desktop.pathways.common import fill_rows, rows_table
from widgets.choice_box import ChoiceBox
from widgets.form import Form


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


class _Editor(QGroupBox):
    """A table, a form and a state line; writes through ``ops.write`` then reloads."""

    written = Signal()

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self._ctx = ctx
        self.form = Form(self)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(f"{title} : message")

    def write(self, work, done: str) -> None:
        ops.write(self._ctx, work) \
            .on_success(lambda _r: self._written(done)).on_failure(self._refused) \
            .owned_by(self).run()

    def _written(self, done: str) -> None:
        self.form.clear_errors()
        self.state.setText(done)
        self.load()
        self.written.emit()

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, GuichetError):
            self._ctx.report_error(error, self)
            return
        if isinstance(error, ValidationError):
            self.form.show_errors(error.field_errors)
            others = self.form.unplaced(error.field_errors)
            self.state.setText("Rien n'a été enregistré." + "".join(f" {m}" for m in others))
        else:
            self.state.setText(str(error))
            self.load()

    def load(self) -> None:
        raise NotImplementedError


class KindsEditor(_Editor):
    """Pathway kinds: label, active, the motive preset of booking; new kinds by code."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Types de parcours", parent)
        self.kinds: list[KindView] = []
        self._motives: dict = {}
        self.model = QStandardItemModel(self)
        self.table = rows_table(self.model, "Types de parcours")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self.code = QLineEdit()
        self.code.setPlaceholderText("pour un nouveau type : ij, naissance…")
        self.form.add("code", "&Code", self.code)
        self.label = QLineEdit()
        self.form.add("label", "&Libellé", self.label)
        limit_to_columns(self.form, PathwayKind, ("code", "label"))
        self.active = QCheckBox("proposé à l'import et dans les listes")
        self.form.add("active", "Ac&tif", self.active)
        self.motive = ChoiceBox()
        self.form.add("motive_id", "&Motif du rendez-vous", self.motive)
        self.save_button = QPushButton("&Enregistrer le type", self)
        self.save_button.clicked.connect(self.save)
        self.add_button = QPushButton("&Ajouter un type", self)
        self.add_button.clicked.connect(self.add)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.form)
        layout.addLayout(buttons)

    def load(self) -> None:
        def work(unit):
            return (pathways_kinds.list_kinds(unit, include_inactive=True),
                    agenda_setup.list_motives(unit))

        ops.query(self._ctx, work).on_success(lambda answer: self._loaded(*answer)) \
            .owned_by(self).run()

    def _loaded(self, kinds: list[KindView], motives) -> None:
        chosen = self.current()
        self.kinds = kinds
        self._motives = {m.id: m.label for m in motives}
        self.motive.set_choices(self._motives.items(), empty="Aucun (à choisir à chaque fois)")
        fill_rows(self.model, ["Code", "Libellé", "Actif", "Motif du rendez-vous"],
              [[k.code, k.label, _yes_no(k.active), self._motives.get(k.motive_id, "—")]
               for k in kinds])
        ids = [k.id for k in kinds]
        row = ids.index(chosen.id) if chosen and chosen.id in ids else 0
        if kinds:
            self.table.selectRow(row)
        self._chosen()

    def current(self) -> KindView | None:
        row = self.table.currentIndex().row()
        return self.kinds[row] if 0 <= row < len(self.kinds) else None

    def _chosen(self) -> None:
        kind = self.current()
        self.code.clear()
        self.label.setText(kind.label if kind else "")
        self.active.setChecked(kind.active if kind else True)
        self.motive.set_value(kind.motive_id if kind else None)
        self.save_button.setEnabled(kind is not None)

    def save(self) -> None:
        kind = self.current()
        if kind is None:
            return
        label, active, motive_id = self.label.text(), self.active.isChecked(), self.motive.value()
        self.write(lambda unit: pathways_kinds.update_kind(
            unit, kind.id, kind.version, label, active, motive_id),
            f"Type « {kind.code} » enregistré.")

    def add(self) -> None:
        code, label = self.code.text(), self.label.text()
        self.write(lambda unit: pathways_kinds.create_kind(unit, code, label),
                   f"Type « {code.strip().lower()} » ajouté.")


class OffersEditor(_Editor):
    """The segments (renamed) and their offers (label, description, active; new ones)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Segments et offres sur rebond", parent)
        self.segments: list[SegmentView] = []
        self.segment = ChoiceBox(self)
        self.segment.setAccessibleName("Segment")
        self.segment.currentIndexChanged.connect(lambda _i: self._show_segment())
        segment_label = QLabel("Se&gment :", self)
        segment_label.setBuddy(self.segment)
        self.segment_name = QLineEdit(self)
        self.segment_name.setAccessibleName("Libellé du segment")
        self.rename_button = QPushButton("Re&nommer le segment", self)
        self.rename_button.clicked.connect(self.rename)
        self.model = QStandardItemModel(self)
        self.table = rows_table(self.model, "Offres du segment")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self.label = QLineEdit()
        self.form.add("label", "&Libellé de l'offre", self.label)
        self.description = QLineEdit()
        self.form.add("description", "&Description", self.description)
        limit_to_columns(self.form, Offer, ("label", "description"))
        self.active = QCheckBox("proposée pendant les appels")
        self.form.add("active", "Acti&ve", self.active)
        self.save_button = QPushButton("Enregistrer l'&offre", self)
        self.save_button.clicked.connect(self.save)
        self.add_button = QPushButton("Ajouter une offre au seg&ment", self)
        self.add_button.clicked.connect(self.add)
        segment_line = QHBoxLayout()
        segment_line.addWidget(segment_label)
        segment_line.addWidget(self.segment, 1)
        segment_line.addWidget(self.segment_name, 1)
        segment_line.addWidget(self.rename_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(segment_line)
        layout.addWidget(self.table)
        layout.addWidget(self.form)
        layout.addLayout(buttons)

    def load(self) -> None:
        ops.query(self._ctx, lambda unit: pathways_offers.list_segments(
            unit, include_inactive=True)).on_success(self._loaded).owned_by(self).run()

    def _loaded(self, segments: list[SegmentView]) -> None:
        chosen = self.current_offer()
        self.segments = segments
        self.segment.set_choices([(s.id, s.label) for s in segments])
        self._show_segment(chosen.id if chosen else None)

    def current_segment(self) -> SegmentView | None:
        return next((s for s in self.segments if s.id == self.segment.value()), None)

    def current_offer(self) -> OfferView | None:
        segment, row = self.current_segment(), self.table.currentIndex().row()
        return segment.offers[row] if segment and 0 <= row < len(segment.offers) else None

    def _show_segment(self, select=None) -> None:
        segment = self.current_segment()
        offers = segment.offers if segment else []
        self.segment_name.setText(segment.label if segment else "")
        fill_rows(self.model, ["Offre", "Description", "Active"],
              [[o.label, o.description, _yes_no(o.active)] for o in offers])
        ids = [o.id for o in offers]
        if offers:
            self.table.selectRow(ids.index(select) if select in ids else 0)
        self._chosen()

    def _chosen(self) -> None:
        offer = self.current_offer()
        self.label.setText(offer.label if offer else "")
        self.description.setText(offer.description if offer else "")
        self.active.setChecked(offer.active if offer else True)
        self.save_button.setEnabled(offer is not None)

    def rename(self) -> None:
        segment, label = self.current_segment(), self.segment_name.text()
        if segment is not None:
            self.write(lambda unit: pathways_offers.update_segment(
                unit, segment.id, segment.version, label), "Segment renommé.")

    def save(self) -> None:
        offer = self.current_offer()
        if offer is None:
            return
        label, description = self.label.text(), self.description.text()
        active = self.active.isChecked()
        self.write(lambda unit: pathways_offers.update_offer(
            unit, offer.id, offer.version, label, description, active),
            "Offre enregistrée.")

    def add(self) -> None:
        segment = self.current_segment()
        if segment is None:
            return
        label, description = self.label.text(), self.description.text()
        self.write(lambda unit: pathways_offers.create_offer(
            unit, segment.id, label, description), "Offre ajoutée.")


class PathwaySettings(QScrollArea):
    """Both editors, one above the other. ``kinds_changed`` when the kinds were edited."""

    kinds_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Réglages des parcours")  # a stop of Tab: it scrolls
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.kinds = KindsEditor(ctx)
        self.offers = OffersEditor(ctx)
        self.kinds.written.connect(self.kinds_changed)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.kinds)
        layout.addWidget(self.offers)
        layout.addStretch()
        self.setWidget(content)
        self.loaded = False

    def load(self) -> None:
        self.loaded = True
        self.kinds.load()
        self.offers.load()
