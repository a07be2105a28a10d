"""Motives: why people come — duration, kinds allowed, documents to bring, validity, notice
and horizon. Administrators edit them; managers read them."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from db.agenda import setup as agenda_setup
from db.agenda.labels import KIND_LABELS
from db.agenda.models import AppointmentKind, Motive
from db.agenda.setup import MotiveDetail, MotiveInput
from db.org.access import Permission
from desktop.admin.common import RecordsTab, Section, spin_box
from desktop.context import AppContext
from desktop.limits import limit_to_columns
from widgets.date_field import DateField


class MotiveSection(Section):
    saved = Signal(uuid.UUID)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Motif", Permission.ADMINISTER, "&Enregistrer le motif", parent)
        self.detail: MotiveDetail | None = None
        self.code = QLineEdit()
        self.code.setMaxLength(12)
        self.code.setPlaceholderText("IJ")
        self.form.add("code", "&Code court", self.code)
        self.label = QLineEdit()
        self.form.add("label", "&Libellé", self.label)
        limit_to_columns(self.form, Motive, ("code", "label"))
        self.minutes = spin_box(5, 480, " min")
        self.form.add("default_minutes", "&Durée", self.minutes)
        self.kinds: dict[AppointmentKind, QCheckBox] = {}
        kinds = QWidget()
        row = QHBoxLayout(kinds)
        row.setContentsMargins(0, 0, 0, 0)
        for kind, label in KIND_LABELS.items():
            self.kinds[kind] = QCheckBox(label)
            row.addWidget(self.kinds[kind])
        row.addStretch()
        field = self.form.add("kinds", "&Types autorisés", kinds)
        field.label.setBuddy(self.kinds[AppointmentKind.PHONE])
        self.documents = QPlainTextEdit()
        self.documents.setTabChangesFocus(True)
        self.documents.setPlaceholderText("Une pièce par ligne")
        self.documents.setFixedHeight(self.fontMetrics().lineSpacing() * 5)
        self.form.add("documents", "&Pièces à apporter", self.documents)
        self.active_from = DateField()
        self.form.add("active_from", "Proposé à partir du", self.active_from)
        self.active_to = DateField()
        self.form.add("active_to", "Proposé &jusqu'au", self.active_to)
        self.notice = spin_box(0, 720, " h")
        self.form.add("min_notice_hours", "Délai de pré&venance", self.notice)
        self.horizon = spin_box(1, 730, " j")
        self.form.add("max_horizon_days", "&Horizon de réservation", self.horizon)
        self.finish()

    def show_motive(self, detail: MotiveDetail | None) -> None:
        self.detail = detail
        data = detail.data if detail else MotiveInput("", "", 30, [])
        self.setTitle(f"Motif « {data.label} »" if detail else "Nouveau motif")
        self.code.setText(data.code)
        self.label.setText(data.label)
        self.minutes.setValue(data.default_minutes)
        for kind, box in self.kinds.items():
            box.setChecked(kind in data.kinds)
        self.documents.setPlainText("\n".join(data.documents))
        self.active_from.set_date(data.active_from)
        self.active_to.set_date(data.active_to)
        self.notice.setValue(data.min_notice_hours)
        self.horizon.setValue(data.max_horizon_days)
        self.form.clear_errors()
        self.say("")

    def reload(self) -> None:
        if self.detail is not None:
            motive_id = self.detail.id
            self.query(lambda unit: agenda_setup.get_motive(unit, motive_id), self.show_motive)

    def save(self) -> None:
        errors = {}
        dates = {}
        for name, field in (("active_from", self.active_from), ("active_to", self.active_to)):
            try:
                dates[name] = field.date()
            except ValueError as error:
                errors[name] = str(error)
        if errors:
            self.show_errors(errors)
            return
        data = MotiveInput(
            code=self.code.text(), label=self.label.text(), default_minutes=self.minutes.value(),
            kinds=[kind for kind, box in self.kinds.items() if box.isChecked()],
            documents=self.documents.toPlainText().splitlines(),
            min_notice_hours=self.notice.value(), max_horizon_days=self.horizon.value(),
            **dates)
        detail = self.detail
        motive_id = detail.id if detail else None
        version = detail.version if detail else None
        self.write(lambda unit: agenda_setup.save_motive(unit, data, motive_id, version),
                   self.saved.emit)

    def set_editable(self, editable: bool) -> None:
        for editor in (self.code, self.label, self.documents, self.active_from,
                       self.active_to):
            editor.setReadOnly(not editable)
        for widget in (self.minutes, self.notice, self.horizon, *self.kinds.values()):
            widget.setEnabled(editable)


class MotivesTab(RecordsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Motifs", "&Nouveau motif", parent)
        self.motives = self.records
        self.section = MotiveSection(ctx)
        self.add_sections(self.section)
        self.section.saved.connect(self.select_after_load)
        ctx.changes.connect(lambda kinds: "motive" in kinds and self.load())
        self.load()

    def load(self) -> None:
        self.section.query(agenda_setup.list_motives, lambda motives: self.show_records(
            (m.id, f"{m.label} ({m.code})", "") for m in motives))

    def record_chosen(self, motive_id: uuid.UUID) -> None:
        self.section.query(lambda unit: agenda_setup.get_motive(unit, motive_id),
                           self.choice.only_if_latest(self.section.show_motive))

    def new_record(self) -> None:
        super().new_record()
        self.section.show_motive(None)
        self.section.code.setFocus(Qt.FocusReason.OtherFocusReason)
