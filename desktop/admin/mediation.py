"""Administration › Médiation: the motives of a request (with their validity), the letter
templates (merge fields and a preview), and the team's delays. Administrators edit them;
the mediation team reads them."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import ValidationError
from db.mediation import letters
from db.mediation import setup as mediation_setup
from db.mediation.letters import LETTER_LABELS
from db.mediation.models import LetterKind
from db.mediation.setup import MotiveInput, MotiveRecord, SettingsRecord
from db.org.access import Permission
from db.wording import NBSP
from desktop.admin.common import RecordsTab, Section, spin_box
from desktop.context import AppContext
from widgets.date_field import DateField

MOTIVE_CHANGES, TEMPLATE_CHANGES = {"mediation_motive"}, {"mediation_letter_template"}


class MotiveSection(Section):
    saved = Signal(uuid.UUID)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Motif de saisine", Permission.ADMINISTER,
                         "&Enregistrer le motif", parent)
        self.motive: MotiveRecord | None = None
        self.code = QLineEdit()
        self.code.setPlaceholderText("ij_non_versees")
        self.form.add("code", "&Code", self.code)
        self.label = QLineEdit()
        self.form.add("label", "&Libellé", self.label)
        self.valid_from = DateField()
        self.form.add("valid_from", "En vigueur à partir du", self.valid_from)
        self.valid_until = DateField()
        self.form.add("valid_until", "En vigueur &jusqu'au", self.valid_until)
        self.urgent = QCheckBox("Une saisine pour ce motif est urgente d'emblée")
        self.form.add("urgent_by_default", "&Urgence", self.urgent)
        self.finish()

    def show_motive(self, motive: MotiveRecord | None) -> None:
        same = motive is not None and self.motive is not None and motive.id == self.motive.id
        self.motive = motive
        self.setTitle(f"Motif « {motive.label} »" if motive else "Nouveau motif de saisine")
        self.code.setText(motive.code if motive else "")
        self.label.setText(motive.label if motive else "")
        self.valid_from.set_date(motive.valid_from if motive else date.today())
        self.valid_until.set_date(motive.valid_until if motive else None)
        self.urgent.setChecked(bool(motive and motive.urgent_by_default))
        if not same:  # the motive just saved, shown again, keeps « Enregistré. »
            self.form.clear_errors()
            self.say("")

    def reload(self) -> None:
        self.saved.emit(self.motive.id if self.motive else None)

    def save(self) -> None:
        errors, dates = {}, {}
        for name, field in (("valid_from", self.valid_from), ("valid_until", self.valid_until)):
            try:
                dates[name] = field.date()
            except ValueError as error:
                errors[name] = str(error)
        if dates.get("valid_from") is None and "valid_from" not in errors:
            errors["valid_from"] = "Indiquez depuis quand le motif est en vigueur."
        if errors:
            self.show_errors(errors)
            return
        data = MotiveInput(self.code.text(), self.label.text(),
                           urgent_by_default=self.urgent.isChecked(), **dates)
        motive = self.motive
        motive_id, version = (motive.id, motive.version) if motive else (None, None)
        self.write(lambda unit: mediation_setup.save_motive(unit, data, motive_id, version),
                   self.saved.emit)

    def set_editable(self, editable: bool) -> None:
        for editor in (self.code, self.label, self.valid_from, self.valid_until):
            editor.setReadOnly(not editable)
        self.urgent.setEnabled(editable)


class MotivesTab(RecordsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Motifs de saisine", "&Nouveau motif", parent)
        self._motives: dict[uuid.UUID, MotiveRecord] = {}
        self.section = MotiveSection(ctx)
        self.add_sections(self.section)
        self.section.saved.connect(self._saved)
        ctx.changes.connect(lambda kinds: bool(kinds & MOTIVE_CHANGES) and self.load())
        self.load()

    def load(self) -> None:
        self.section.query(mediation_setup.list_motives, self._show)

    def _show(self, motives: list[MotiveRecord]) -> None:
        today = date.today()
        self._motives = {m.id: m for m in motives}
        self.show_records(
            (m.id, m.label + ("" if m.valid_until is None or m.valid_until >= today
                              else " (retiré)"), m.code) for m in motives)

    def _saved(self, motive_id: uuid.UUID | None) -> None:
        if motive_id is not None:
            self.select_after_load(motive_id)
        self.load()

    def record_chosen(self, motive_id: uuid.UUID) -> None:
        self.section.show_motive(self._motives.get(motive_id))

    def new_record(self) -> None:
        super().new_record()
        self.section.show_motive(None)
        self.section.code.setFocus(Qt.FocusReason.OtherFocusReason)


class TemplateSection(Section):
    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Modèle de courrier", Permission.ADMINISTER,
                         "&Enregistrer le modèle", parent)
        self.template: letters.TemplateRecord | None = None
        self.title = QLineEdit()
        self.form.add("title", "&Objet", self.title)
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        self.form.add("body", "&Texte", self.body)
        fields = QLabel("\n".join(f"{{{name}}}{NBSP}: {meaning}"
                                  for name, meaning in letters.MERGE_FIELDS.items()))
        fields.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fields.setWordWrap(True)
        self.form.add("fields", "Champs de fusion", fields)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # read aloud with Tab
        self.form.add("preview", "Aperçu", self.preview)
        self.preview.setAccessibleName("Aperçu du courrier")
        self.title.textChanged.connect(self._preview)
        self.body.textChanged.connect(self._preview)
        self.finish()

    def show_template(self, template: letters.TemplateRecord | None) -> None:
        same = template is not None and self.template is not None \
            and template.kind is self.template.kind
        self.template = template
        self.setTitle(f"Modèle « {template.label} »" if template else "Modèle de courrier")
        self.title.setText(template.title if template else "")
        self.body.setPlainText(template.body if template else "")
        if not same:
            self.form.clear_errors()
            self.say("")

    def _preview(self) -> None:
        """The letter as it would read for a sample case (pure wording: no database)."""
        try:
            title, body = letters.preview_template(self.title.text(), self.body.toPlainText())
        except ValidationError as error:
            self.preview.setText(" ".join(error.field_errors.values()))
            return
        except (KeyError, IndexError, ValueError):
            self.preview.setText("Le texte contient une accolade mal placée.")
            return
        self.preview.setText(f"Objet{NBSP}: {title}\n\n{body}")

    def reload(self) -> None:
        self.saved.emit(self.template.kind if self.template else None)

    def save(self) -> None:
        template = self.template
        if template is None:
            return
        title, body = self.title.text(), self.body.toPlainText()
        self.write(lambda unit: letters.update_letter_template(
            unit, template.kind, template.version, title, body),
            lambda _version: self.saved.emit(template.kind))

    def set_editable(self, editable: bool) -> None:
        self.title.setReadOnly(not editable)
        self.body.setReadOnly(not editable)


class TemplatesTab(RecordsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Modèles de courrier", "", parent)
        self.new_button.hide()  # one template per kind of letter, seeded
        self._templates: dict[str, letters.TemplateRecord] = {}
        self.section = TemplateSection(ctx)
        self.add_sections(self.section)
        self.section.saved.connect(lambda _kind: self.load())
        ctx.changes.connect(lambda kinds: bool(kinds & TEMPLATE_CHANGES) and self.load())
        self.load()

    def load(self) -> None:
        self.section.query(letters.letter_templates, self._show)

    def _show(self, templates: list[letters.TemplateRecord]) -> None:
        order = list(LetterKind)
        templates = sorted(templates, key=lambda t: order.index(t.kind))
        self._templates = {t.kind.value: t for t in templates}
        self.show_records((t.kind.value, LETTER_LABELS[t.kind], t.title) for t in templates)

    def record_chosen(self, kind: str) -> None:
        self.section.show_template(self._templates.get(kind))


class DelaysSection(Section):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Délais de l'équipe", Permission.ADMINISTER,
                         "&Enregistrer les délais", parent)
        self.current: SettingsRecord | None = None
        self.acknowledgement = spin_box(1, 60, " jours")
        self.form.add("acknowledgement_days", "&Accusé de réception sous",
                      self.acknowledgement)
        self.handling = spin_box(1, 12, " mois")
        self.form.add("handling_months", "&Objectif de traitement", self.handling)
        self.follow_up = spin_box(1, 60, " jours ouvrés")
        self.form.add("follow_up_working_days", "&Relance d'une attente après",
                      self.follow_up)
        note = QLabel("Les échéances des dossiers ouverts suivent un changement de délai.")
        note.setWordWrap(True)
        self.body.addWidget(note)
        ctx.changes.connect(lambda kinds: "mediation_settings" in kinds and self.reload())
        self.finish()
        self.reload()

    def reload(self) -> None:
        self.query(mediation_setup.get_settings, self.show_settings)

    def show_settings(self, current: SettingsRecord) -> None:
        self.current = current
        self.acknowledgement.setValue(current.acknowledgement_days)
        self.handling.setValue(current.handling_months)
        self.follow_up.setValue(current.follow_up_working_days)

    def save(self) -> None:
        if self.current is None:
            return
        version, values = self.current.version, dict(
            acknowledgement_days=self.acknowledgement.value(),
            handling_months=self.handling.value(),
            follow_up_working_days=self.follow_up.value())
        self.write(lambda unit: mediation_setup.update_settings(unit, version, **values))

    def set_editable(self, editable: bool) -> None:
        for box in (self.acknowledgement, self.handling, self.follow_up):
            box.setEnabled(editable)


class MediationTab(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.motives = MotivesTab(ctx)
        self.templates = TemplatesTab(ctx)
        self.delays = DelaysSection(ctx)
        delays = QWidget()
        column = QVBoxLayout(delays)
        column.addWidget(self.delays)
        column.addStretch()
        self.addTab(self.motives, "Motifs de &saisine")
        self.addTab(self.templates, "Modèles de &courrier")
        self.addTab(delays, "Déla&is")
