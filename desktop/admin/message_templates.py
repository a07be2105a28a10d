"""The messages' templates: one per kind and channel, edited with their merge fields and
previewed as a person would read them — the preview follows the typing, and a template is
saved only once it previews."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from db.errors import ValidationError
from db.messages import settings as message_settings
from db.messages.gsm7 import SMS_LIMIT
from db.messages.labels import KIND_LABELS
from db.messages.settings import Preview, TemplateRecord
from db.messages.templates import MERGE_FIELDS
from db.org.access import Permission
from db.people.models import MessageChannel
from desktop import operations as ops
from desktop.admin.common import RecordsTab, Section
from desktop.context import AppContext

CHANNEL_WORDS = {MessageChannel.EMAIL: "e-mail", MessageChannel.SMS: "SMS"}
PREVIEW_DELAY_MS = 300


def template_title(template: TemplateRecord) -> str:
    return f"{KIND_LABELS[template.kind]} — {CHANNEL_WORDS[template.channel]}"


class TemplateSection(Section):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Modèle", Permission.ADMINISTER, "Enregistrer le &modèle", parent)
        self.template: TemplateRecord | None = None
        self.subject = QLineEdit()
        self.form.add("subject", "&Objet de l'e-mail", self.subject)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        self.form.add("body", "&Texte", self.text)
        fields = QLabel("\n".join(f"{{{name}}} : {meaning}"
                                   for name, meaning in MERGE_FIELDS.items()))
        fields.setWordWrap(True)
        fields.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.add("fields", "Champs possibles", fields)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        self.form.add("preview", "A&perçu (valeurs fictives)", self.preview)
        self.length = QLabel()
        self.form.add("length", "Longueur du SMS", self.length)
        self._previewed: tuple[str, str] | None = None  # the text the preview shows
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.subject.textChanged.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        self.finish()

    def show_template(self, template: TemplateRecord) -> None:
        same = self.template is not None and (self.template.kind, self.template.channel) == (
            template.kind, template.channel)
        self.template = template
        self.setTitle(f"Modèle « {template_title(template)} »")
        email = template.channel is MessageChannel.EMAIL
        self.form.set_visible("subject", email)
        self.form.set_visible("length", not email)
        self.subject.blockSignals(True)
        self.text.blockSignals(True)
        self.subject.setText(template.subject)
        self.text.setPlainText(template.body)
        self.subject.blockSignals(False)
        self.text.blockSignals(False)
        self.form.clear_errors()
        if not same:  # « Enregistré. » stays when the saved template comes back
            self.say("")
        self.refresh_preview()

    def _edited(self) -> None:
        self._previewed = None
        if self.save_button is not None:
            self.save_button.setEnabled(False)
        self._timer.start()

    def refresh_preview(self) -> None:
        template = self.template
        if template is None:
            return
        subject, body = self.subject.text(), self.text.toPlainText()
        kind, channel = template.kind, template.channel

        def shown(preview: Preview) -> None:
            if (subject, body) != (self.subject.text(), self.text.toPlainText()):
                return  # typed again meanwhile: a newer preview is on its way
            self.form.clear_errors()
            self.preview.setPlainText(
                f"Objet : {preview.subject}\n\n{preview.body}" if preview.subject
                else preview.body)
            if preview.septets is not None:
                self.length.setText(f"{preview.septets} / {SMS_LIMIT} caractères GSM-7")
            self._previewed = (subject, body)
            if self.save_button is not None:
                self.save_button.setEnabled(True)

        def refused(error: BaseException) -> None:
            if isinstance(error, ValidationError):
                self.form.show_errors(error.field_errors)
                self.preview.setPlainText("Aperçu impossible : corrigez le texte.")
            else:
                self.ctx.report_error(error, self)

        ops.query(self.ctx, lambda unit: message_settings.preview(
            unit, kind, channel, subject, body)).on_success(shown) \
            .on_failure(refused).owned_by(self).run()

    def reload(self) -> None:
        if self.template is not None:
            kind, channel = self.template.kind, self.template.channel
            self.query(message_settings.list_templates, lambda templates: self.show_template(
                next(t for t in templates if (t.kind, t.channel) == (kind, channel))))

    def save(self) -> None:
        template = self.template
        if template is None or self._previewed is None:
            return
        subject, body = self._previewed
        self.write(lambda unit: message_settings.update_template(
            unit, template.kind, template.channel, template.version, subject, body),
            lambda _version: self.reload())

    def set_editable(self, editable: bool) -> None:
        self.subject.setReadOnly(not editable)
        self.text.setReadOnly(not editable)


def _key(template: TemplateRecord) -> str:
    """A list item's data: plain text (Qt keeps it as it is)."""
    return f"{template.kind.value}:{template.channel.value}"


class TemplatesTab(RecordsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Modèles de messages", "", parent)
        self.new_button.hide()  # one template per kind and channel, none to add
        self.section = TemplateSection(ctx)
        self.add_sections(self.section)
        self._templates: dict = {}
        ctx.changes.connect(lambda kinds: "message_template" in kinds and self.load())
        self.load()

    def load(self) -> None:
        self.section.query(message_settings.list_templates, self._show)

    def _show(self, templates: list[TemplateRecord]) -> None:
        self._templates = {_key(t): t for t in templates}
        self.show_records((_key(t), template_title(t), "") for t in templates)

    def record_chosen(self, key) -> None:
        template = self._templates.get(key)
        if template is not None:
            self.section.show_template(template)
