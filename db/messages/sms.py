"""The day's SMS as the file the office's SMS platform takes.

Guichet talks to no operator: it writes a CSV (the columns, their headers and the separator
are set in Administration › Messages), one line per SMS, the number in E.164 and the text in
GSM-7, 160 characters at most (``db.messages.gsm7``). A file takes the SMS due that day or
before that no file has taken yet, and marks them sent in the same transaction: the office
may make the file as often as it likes, an SMS goes into one file only.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.models import Appointment
from db.base import require_aware, utcnow
from db.errors import ValidationError
from db.messages.compose import compose, settings_row
from db.messages.labels import KIND_LABELS
from db.messages.models import Message, MessageStatus
from db.messages.sender import obsolete
from db.org.access import Permission
from db.org.models import Site
from db.people.labels import display_name
from db.people.models import MessageChannel, Person
from db.unit import Unit, rows
from db.wording import short_moment, thousands

# What a column of the file may hold: key → what it is (for the settings screen).
SMS_COLUMNS = {
    "numero": "le numéro de portable, en E.164 (+33612345678)",
    "message": "le texte du SMS (160 caractères GSM-7 au plus)",
    "envoi": "quand l'envoyer : jj/mm/aaaa hh:mm, à l'heure du lieu",
    "reference": "la référence du message dans Guichet",
}


@dataclass(frozen=True)
class SmsLine:
    """One SMS of the day, as the screen lists it."""

    id: uuid.UUID
    kind_label: str
    person_name: str
    number: str  # E.164
    text: str
    send_at: datetime
    time_zone: str
    exported_at: datetime | None  # None: still to put in a file


def _due(day: date):
    return (Message.channel == MessageChannel.SMS, Message.due_on <= day)


def _line(session, message: Message, now: datetime) -> SmsLine:
    appointment = session.get(Appointment, message.appointment_id)
    zone = session.get(Site, appointment.site_id).time_zone
    person = session.get(Person, message.person_id)
    return SmsLine(message.id, KIND_LABELS[message.kind], display_name(person),
                   message.recipient, compose(session, message, now).body,
                   max(message.scheduled_at, now) if message.sent_at is None
                   else message.scheduled_at, zone, message.sent_at)


def day_sms(unit: Unit, day: date, *, now: datetime | None = None) -> list[SmsLine]:
    """The SMS still to put in a file for ``day`` (due then or before), then those a file
    of that day already took."""
    unit.require(Permission.PLAN_AGENDA, system=True)
    now = require_aware(now or utcnow())
    session = unit.session
    waiting = [m for m in session.scalars(select(Message).where(
        *_due(day), Message.status == MessageStatus.PENDING).order_by(Message.scheduled_at))
        if not obsolete(session, m, now)]
    exported = session.scalars(select(Message).where(
        Message.channel == MessageChannel.SMS, Message.due_on == day,
        Message.status == MessageStatus.SENT).order_by(Message.scheduled_at))
    return [_line(session, m, now) for m in (*waiting, *exported)]


def _cell(key: str, line: SmsLine) -> str:
    match key:
        case "numero":
            return line.number
        case "message":
            return line.text
        case "envoi":
            return f"{line.send_at.astimezone(ZoneInfo(line.time_zone)):%d/%m/%Y %H:%M}"
        case "reference":
            return str(line.id)
    raise ValueError(f"unknown SMS column: {key}")


def sms_file(lines: list[SmsLine], columns: list, separator: str) -> bytes:
    """The CSV (UTF-8, CRLF) with its header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([header for _key, header in columns])
    for line in lines:
        writer.writerow([_cell(key, line) for key, _header in columns])
    return buffer.getvalue().encode("utf-8")


def export_sms(unit: Unit, day: date, write: Callable[[bytes], None], *,
               now: datetime | None = None) -> int:
    """Write the file of ``day``'s SMS not yet in a file (``write(data)``, before this unit
    commits: a failed write marks nothing), mark them sent; returns how many. SMS whose
    appointment changed meanwhile are withdrawn instead."""
    unit.require(Permission.PLAN_AGENDA, system=True)
    now = require_aware(now or utcnow())
    session = unit.session
    settings = settings_row(session)
    if not settings.sms_columns:
        raise ValidationError({"sms_columns": "Choisissez les colonnes du fichier SMS dans "
                                              "Administration › Messages."})
    taken = []
    for message in session.scalars(select(Message).where(
            *_due(day), Message.status == MessageStatus.PENDING)
            .order_by(Message.scheduled_at, Message.id)):
        why = obsolete(session, message, now)
        if why:
            rows.save(unit, message, {"status": MessageStatus.WITHDRAWN, "note": why},
                      action="withdraw")
        else:
            taken.append(message)
    lines = [_line(session, message, now) for message in taken]
    write(sms_file(lines, settings.sms_columns, settings.sms_separator))
    for message in taken:
        rows.save(unit, message, {"status": MessageStatus.SENT, "sent_at": now,
                                  "attempts": message.attempts + 1}, action="export")
    return len(taken)


def describe_export(count_written: int, day: date, path: str) -> str:
    if not count_written:
        return f"Aucun SMS à envoyer pour le {day:%d/%m/%Y} : fichier vide écrit dans {path}"
    return f"{thousands(count_written)} SMS du {day:%d/%m/%Y} écrits dans {path}"


def when(line: SmsLine) -> str:
    return short_moment(line.send_at, line.time_zone)
