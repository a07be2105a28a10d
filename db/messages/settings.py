"""Administration › Messages: the office's server, the reminders' rules, the SMS file's
columns and the templates — read, checked, saved, previewed and tried.

The server's password is not the database's: the desktop keeps it in the keyring of the
computer that sends, and hands it to ``trial`` and the sender with the rest of ``SmtpServer``.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from db import validation
from db.agenda.appointments import CalendarEntry, Invitation
from db.agenda.models import AppointmentKind
from db.base import utcnow
from db.errors import ValidationError
from db.messages.compose import (
    Composed,
    calendar_for,
    email,
    fill,
    sample_fields,
    sample_moment,
    settings_row,
    template_row,
)
from db.messages.gsm7 import SMS_LIMIT, septets, to_gsm7
from db.messages.models import MessageKind, MessageTemplate, SmtpSecurity
from db.messages.sender import ServerUnavailable, SmtpServer, open_smtp
from db.messages.sms import SMS_COLUMNS
from db.messages.templates import MERGE_FIELDS, merge, unknown_fields
from db.org.access import Permission
from db.org.models import Site
from db.people.models import MessageChannel
from db.unit import Unit, rows


@dataclass
class SettingsInput:
    smtp_host: str
    smtp_port: int
    smtp_security: SmtpSecurity
    smtp_user: str
    reminder_days: int
    reminder_hour: int
    cancel_instructions: str
    sms_columns: list  # [key, header] pairs
    sms_separator: str
    test_recipient: str


@dataclass(frozen=True)
class SettingsRecord:
    version: int
    data: SettingsInput


def get_settings(unit: Unit) -> SettingsRecord:
    unit.require(Permission.PLAN_AGENDA)
    row = settings_row(unit.session)
    return SettingsRecord(row.version, SettingsInput(
        row.smtp_host, row.smtp_port, row.smtp_security, row.smtp_user, row.reminder_days,
        row.reminder_hour, row.cancel_instructions, [list(c) for c in row.sms_columns],
        row.sms_separator, row.test_recipient))


def _checked(data: SettingsInput) -> dict:
    errors: dict[str, str] = {}
    values = {
        "smtp_host": data.smtp_host.strip(), "smtp_port": data.smtp_port,
        "smtp_security": SmtpSecurity(data.smtp_security), "smtp_user": data.smtp_user.strip(),
        "reminder_days": data.reminder_days, "reminder_hour": data.reminder_hour,
        "cancel_instructions": " ".join(data.cancel_instructions.split()),
        "sms_separator": data.sms_separator,
        "sms_columns": [[key, " ".join(header.split()) or key]
                        for key, header in data.sms_columns],
    }
    if " " in values["smtp_host"] or "/" in values["smtp_host"]:
        errors["smtp_host"] = "Indiquez le nom du serveur seul : smtp.exemple.fr."
    if not 1 <= data.smtp_port <= 65535:
        errors["smtp_port"] = "Le port va de 1 à 65535 (587 pour STARTTLS, 465 pour TLS)."
    if not 1 <= data.reminder_days <= 7:
        errors["reminder_days"] = "Le rappel part de 1 à 7 jours ouvrés avant le rendez-vous."
    if not 7 <= data.reminder_hour <= 20:
        errors["reminder_hour"] = "Le rappel part entre 7 h et 20 h."
    if not values["cancel_instructions"]:
        errors["cancel_instructions"] = ("Dites comment annuler ou déplacer : chaque message "
                                         "le rappelle.")
    keys = [key for key, _header in values["sms_columns"]]
    if not keys or any(key not in SMS_COLUMNS for key in keys) or len(set(keys)) != len(keys):
        errors["sms_columns"] = "Choisissez au moins une colonne, chacune une fois."
    elif not {"numero", "message"} <= set(keys):
        errors["sms_columns"] = "Le fichier SMS a besoin du numéro et du message."
    if data.sms_separator not in (";", ",", "\t"):
        errors["sms_separator"] = "Le séparateur est « ; », « , » ou une tabulation."
    try:
        values["test_recipient"] = validation.clean_email(data.test_recipient) or ""
    except ValueError as error:
        errors["test_recipient"] = str(error)
    if errors:
        raise ValidationError(errors)
    return values


def update_settings(unit: Unit, expected_version: int, data: SettingsInput) -> int:
    unit.require(Permission.ADMINISTER)
    row = settings_row(unit.session)
    rows.check_version(row, expected_version)
    rows.save(unit, row, _checked(data))
    return row.version


def server_of(unit: Unit) -> SmtpServer | None:
    """The configured server, password aside; None when none is set (a system job may
    read it)."""
    unit.require(Permission.PLAN_AGENDA, system=True)
    row = settings_row(unit.session)
    if not row.smtp_host:
        return None
    return SmtpServer(row.smtp_host, row.smtp_port, row.smtp_security, row.smtp_user)


# -- templates --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TemplateRecord:
    kind: MessageKind
    channel: MessageChannel
    version: int
    subject: str
    body: str


def list_templates(unit: Unit) -> list[TemplateRecord]:
    unit.require(Permission.PLAN_AGENDA)
    order = {kind: position for position, kind in enumerate(MessageKind)}
    return sorted((TemplateRecord(t.kind, t.channel, t.version, t.subject, t.body)
                   for t in unit.session.scalars(select(MessageTemplate))),
                  key=lambda t: (order[t.kind], t.channel != MessageChannel.EMAIL))


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    septets: int | None  # an SMS's length in GSM-7 characters


def _long_values(values: dict[str, str]) -> dict[str, str]:
    """The sample with long names and places: what an SMS must still fit."""
    return values | {"civilite_nom": "Madame Marie-Christine De La Fontaine-Vallières",
                     "lieu_court": "Point conseil de Saint-Laurent-du-Pont",
                     "raison": "par nos services : fermeture exceptionnelle"}


def preview(unit: Unit, kind: MessageKind, channel: MessageChannel, subject: str,
            body: str, *, now: datetime | None = None) -> Preview:
    """The template as a person would read it, with fictitious values; refused in French
    when a field is unknown."""
    unit.require(Permission.PLAN_AGENDA)
    unknown = unknown_fields(subject, body)
    if unknown:
        raise ValidationError({"body": (
            "Champs inconnus : " + ", ".join(f"{{{name}}}" for name in unknown)
            + ". Champs possibles : " + ", ".join(f"{{{name}}}" for name in MERGE_FIELDS)
            + ".")})
    values = sample_fields(settings_row(unit.session), now or utcnow())
    shown_subject, shown_body = fill((subject, body), channel, values)
    return Preview(shown_subject, shown_body,
                   septets(shown_body) if channel is MessageChannel.SMS else None)


def update_template(unit: Unit, kind: MessageKind, channel: MessageChannel,
                    expected_version: int, subject: str, body: str) -> int:
    """Save a template that previews; an SMS must fit 160 GSM-7 characters even with long
    names (it is cut otherwise)."""
    unit.require(Permission.ADMINISTER)
    template = template_row(unit.session, kind, channel)
    rows.check_version(template, expected_version)
    subject, body = " ".join(subject.split()), body.strip()
    if not body:
        raise ValidationError({"body": "Le texte du message est obligatoire."})
    if channel is MessageChannel.EMAIL and not subject:
        raise ValidationError({"subject": "L'objet de l'e-mail est obligatoire."})
    preview(unit, kind, channel, subject, body)  # refuses unknown fields
    if channel is MessageChannel.SMS:
        values = _long_values(sample_fields(settings_row(unit.session), utcnow()))
        longest = septets(to_gsm7(merge(body, values)))
        if longest > SMS_LIMIT:
            raise ValidationError({"body": (
                f"Avec un nom et un lieu longs, ce SMS compterait {longest} caractères : "
                f"raccourcissez-le à {SMS_LIMIT} au plus.")})
    rows.save(unit, template, {"subject": subject if channel is MessageChannel.EMAIL else "",
                               "body": body})
    return template.version


# -- the administrator's trial ----------------------------------------------------------------

def sender_sites(unit: Unit) -> list[tuple[str, str]]:
    """(site, its e-mail or '') of every site: the sender of the messages about it."""
    unit.require(Permission.PLAN_AGENDA)
    return [(name, mail or "") for name, mail in unit.session.execute(
        select(Site.name, Site.email).order_by(Site.name))]


def trial_message(unit: Unit, recipient: str, *, now: datetime | None = None):
    """A confirmation with fictitious values and its invitation, from the actor's site (or
    the first site with an e-mail), to ``recipient``."""
    unit.require(Permission.ADMINISTER)
    try:
        recipient = validation.clean_email(recipient) or ""
    except ValueError as error:
        raise ValidationError({"test_recipient": str(error)}) from None
    if not recipient:
        raise ValidationError({"test_recipient": "Indiquez votre adresse e-mail pour l'essai."})
    session = unit.session
    sites = [s for s in session.scalars(select(Site).order_by(Site.name)) if s.email]
    if not sites:
        raise ValidationError({"test_recipient": (
            "Aucun lieu n'a d'adresse e-mail d'expéditeur : renseignez-en une dans "
            "Administration › Lieux.")})
    site = next((s for s in sites if s.id == unit.actor.site_id), sites[0])
    now = now or utcnow()
    subject, body = fill(template_row(session, MessageKind.CONFIRMATION,
                                      MessageChannel.EMAIL), MessageChannel.EMAIL,
                         sample_fields(settings_row(session), now))
    starts_at = sample_moment(now)
    entry = CalendarEntry(f"essai-{uuid.uuid4()}@guichet", 0, starts_at,
                          starts_at + timedelta(minutes=30), "Europe/Paris",
                          AppointmentKind.PHYSICAL, False, "Mme E.", "IJ", site.name, "", now)
    calendar, method = calendar_for(MessageKind.CONFIRMATION,
                                    Invitation(entry, recipient, site.name, site.email), now)
    composed = Composed(f"[Essai] {subject}", body, calendar, method)
    return email(composed, sender_name=site.name, sender=site.email, recipient=recipient,
                 message_id=f"<essai-{uuid.uuid4()}@guichet.invalid>", now=now)


def send_trial(server: SmtpServer, mail) -> str:
    """Send the trial at once; the French answer to show, or ``ServerUnavailable``."""
    smtp = open_smtp(server)
    try:
        refused = smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        code = getattr(error, "smtp_code", "")
        raise ServerUnavailable(f"Le serveur a refusé l'essai ({code} "
                                f"{error.__class__.__name__}).") from None
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    if refused:
        raise ServerUnavailable("Le serveur a refusé le destinataire de l'essai.")
    return f"Essai envoyé à {mail['To']} par {server.describe()}."
