"""Administration › Messages: the office's SMTP server (its password in this computer's
keyring), the reminders' rules, the SMS file's columns, each site's sender, the templates,
what was sent, waits or failed, and the day's SMS."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.messages import settings as message_settings
from db.messages.labels import SECURITY_LABELS
from db.messages.settings import SettingsInput, SettingsRecord
from db.messages.sms import SMS_COLUMNS
from db.org.access import Permission
from desktop import operations as ops
from desktop.admin.common import Section, spin_box
from desktop.admin.message_list import MessageListTab, SmsDayTab
from desktop.admin.message_templates import TemplatesTab
from desktop.context import AppContext
from desktop.messages import secrets
from widgets.choice_box import ChoiceBox

SEPARATORS = ((";", "Point-virgule ( ; )"), (",", "Virgule ( , )"), ("\t", "Tabulation"))
_KEPT = "enregistré dans le trousseau de cet ordinateur"


class SmsColumns(QWidget):
    """Which columns the SMS file has, their headers and their order."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[str, tuple[QCheckBox, QLineEdit, QSpinBox]] = {}
        for line, (key, meaning) in enumerate(SMS_COLUMNS.items()):
            used = QCheckBox(meaning)
            header = QLineEdit()
            header.setAccessibleName(f"En-tête de la colonne : {meaning}")
            position = QSpinBox()
            position.setRange(1, len(SMS_COLUMNS))
            position.setPrefix("colonne ")
            position.setAccessibleName(f"Place de la colonne : {meaning}")
            grid.addWidget(used, line, 0)
            grid.addWidget(header, line, 1)
            grid.addWidget(position, line, 2)
            self.rows[key] = (used, header, position)
        self.setFocusProxy(next(iter(self.rows.values()))[0])

    def set_columns(self, columns: list) -> None:
        chosen = {key: (header, place) for place, (key, header) in enumerate(columns, 1)}
        for place, (key, (used, header, position)) in enumerate(self.rows.items(), 1):
            used.setChecked(key in chosen)
            header.setText(chosen.get(key, (key, 0))[0])
            position.setValue(chosen.get(key, ("", place))[1])

    def columns(self) -> list[list[str]]:
        used = [(position.value(), index, key, header.text())
                for index, (key, (box, header, position)) in enumerate(self.rows.items())
                if box.isChecked()]
        return [[key, header] for _place, _index, key, header in sorted(used)]

    def set_editable(self, editable: bool) -> None:
        for used, header, position in self.rows.values():
            used.setEnabled(editable)
            header.setReadOnly(not editable)
            position.setEnabled(editable)


class SettingsSection(Section):
    """The server, the reminders and the SMS file: one record, saved together."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Serveur d'envoi, rappels et fichier SMS", Permission.ADMINISTER,
                         "&Enregistrer les réglages", parent)
        self.record: SettingsRecord | None = None
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.cpam-isere.exemple.fr")
        self.form.add("smtp_host", "Serveur SMTP du &bureau", self.host)
        self.port = spin_box(1, 65535, "")
        self.form.add("smtp_port", "P&ort", self.port)
        self.security = ChoiceBox()
        self.security.set_choices(SECURITY_LABELS.items())
        self.form.add("smtp_security", "&Chiffrement", self.security)
        self.user = QLineEdit()
        self.user.setPlaceholderText("vide : serveur sans identification")
        self.form.add("smtp_user", "Co&mpte", self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("password", "Mot de pa&sse du compte", self.password)
        self.days = spin_box(1, 7, " j ouvrés avant le rendez-vous")
        self.form.add("reminder_days", "Rappel en&voyé", self.days)
        self.hour = spin_box(7, 20, " h")
        self.hour.setPrefix("à partir de ")
        self.form.add("reminder_hour", "Heure du &rappel", self.hour)
        self.cancel_text = QPlainTextEdit()
        self.cancel_text.setTabChangesFocus(True)
        self.cancel_text.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.form.add("cancel_instructions", "Comment a&nnuler ({annulation})",
                      self.cancel_text)
        self.sms_columns = SmsColumns()
        self.form.add("sms_columns", "Colonnes du fichier S&MS", self.sms_columns)
        self.separator = ChoiceBox()
        self.separator.set_choices(SEPARATORS)
        self.form.add("sms_separator", "Sé&parateur du fichier SMS", self.separator)
        self.test_recipient = QLineEdit()
        self.test_recipient.setPlaceholderText("votre adresse : l'essai y est envoyé")
        self.form.add("test_recipient", "&Adresse de l'essai", self.test_recipient)
        self.trial_button = QPushButton("Envoyer un essa&i", self)
        self.trial_button.clicked.connect(self.send_trial)
        trial_row = QHBoxLayout()
        trial_row.addStretch()
        trial_row.addWidget(self.trial_button)
        self.body.addLayout(trial_row)
        self.finish()
        self.reload()

    def reload(self) -> None:
        self.query(message_settings.get_settings, self.show_settings)

    def show_settings(self, record: SettingsRecord) -> None:
        self.record = record
        data = record.data
        self.host.setText(data.smtp_host)
        self.port.setValue(data.smtp_port)
        self.security.set_value(data.smtp_security)
        self.user.setText(data.smtp_user)
        self.days.setValue(data.reminder_days)
        self.hour.setValue(data.reminder_hour)
        self.cancel_text.setPlainText(data.cancel_instructions)
        self.sms_columns.set_columns(data.sms_columns)
        self.separator.set_value(data.sms_separator)
        self.test_recipient.setText(data.test_recipient)
        self.password.clear()
        server = self._server()
        self.password.setPlaceholderText(
            _KEPT if server.user and secrets.has_password(server) else
            "vide : pas de mot de passe" if not server.user else "à saisir")
        self.form.clear_errors()

    def _input(self) -> SettingsInput:
        return SettingsInput(
            self.host.text(), self.port.value(), self.security.value(), self.user.text(),
            self.days.value(), self.hour.value(), self.cancel_text.toPlainText(),
            self.sms_columns.columns(), self.separator.value(), self.test_recipient.text())

    def _server(self) -> message_settings.SmtpServer:
        return message_settings.SmtpServer(self.host.text().strip(), self.port.value(),
                                           self.security.value(), self.user.text().strip())

    def save(self) -> None:
        if self.record is None:
            return
        data, version = self._input(), self.record.version
        server, password = self._server(), self.password.text()

        def saved(_version) -> None:
            if password and server.user:
                # The keyring, not the database: on the worker thread (it may be slow).
                ops.task(self.ctx, lambda _none: secrets.store_password(server, password)) \
                    .on_success(lambda _none: self.reload()).owned_by(self).run()
            else:
                self.reload()

        self.write(lambda unit: message_settings.update_settings(unit, version, data), saved)

    def send_trial(self) -> None:
        recipient = self.test_recipient.text()
        store, actor = self.ctx.store, self.ctx.actor
        server, password = self._server(), self.password.text()

        def work(_none) -> str:
            with store.unit(actor) as unit:
                mail = message_settings.trial_message(unit, recipient)
            trial_server = secrets.with_password(server)
            if password:
                from dataclasses import replace

                trial_server = replace(trial_server, password=password)
            if not trial_server.host:
                raise message_settings.ServerUnavailable(
                    "Indiquez le serveur SMTP du bureau avant l'essai.")
            return message_settings.send_trial(trial_server, mail)

        self.trial_button.setEnabled(False)
        self.say("Envoi de l'essai…")
        ops.task(self.ctx, work).on_success(self._trial_done) \
            .on_failure(self._trial_failed).owned_by(self).run()

    def _trial_done(self, answer: str) -> None:
        self.trial_button.setEnabled(True)
        self.say(answer)

    def _trial_failed(self, error: BaseException) -> None:
        self.trial_button.setEnabled(True)
        if isinstance(error, message_settings.ValidationError):
            self.show_errors(error.field_errors)
        elif ops.is_refusal(error):
            self.say(str(error))
        else:
            self.ctx.report_error(error, self)

    def set_editable(self, editable: bool) -> None:
        for editor in (self.host, self.user, self.password, self.test_recipient):
            editor.setReadOnly(not editable)
        self.cancel_text.setReadOnly(not editable)
        for widget in (self.port, self.security, self.days, self.hour, self.separator,
                       self.trial_button):
            widget.setEnabled(editable)
        self.sms_columns.set_editable(editable)


class SendersSection(Section):
    """Who the messages come from: each site's e-mail, set in Administration › Lieux."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, "Expéditeur des messages de chaque lieu", Permission.ADMINISTER,
                         None, parent)
        self.form.hide()
        self.list = QLabel(self)
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Expéditeur de chaque lieu")
        self.body.addWidget(self.list)
        ctx.changes.connect(lambda kinds: "site" in kinds and self.reload())
        self.reload()

    def reload(self) -> None:
        self.query(message_settings.sender_sites, self.show_senders)

    def show_senders(self, senders: list[tuple[str, str]]) -> None:
        lines = [f"{name} : {mail}" if mail else
                 f"{name} : aucune adresse — ses messages ne partent pas (Lieux › E-mail "
                 "des invitations)" for name, mail in senders]
        self.list.setText("\n".join(lines) or "Aucun lieu d'accueil.")

    def set_editable(self, editable: bool) -> None:
        """Edited with the site, in Administration › Lieux."""


class MessagesTab(QTabWidget):
    """The Messages tab of Administration: its own tabs."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Parties des messages")
        self.settings = SettingsSection(ctx)
        self.senders = SendersSection(ctx)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.settings)
        column.addWidget(self.senders)
        column.addStretch()
        scroll = QScrollArea()
        scroll.setAccessibleName("Réglages des messages")
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.templates = TemplatesTab(ctx)
        self.sent = MessageListTab(ctx)
        self.sms = SmsDayTab(ctx)
        self.addTab(scroll, "Réglages")
        self.addTab(self.templates, "Modèles")
        self.addTab(self.sent, "Envoyés, en attente, en échec")
        self.addTab(self.sms, "Rappels SMS")
