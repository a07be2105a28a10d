"""What Administration › Messages lists: the messages sent, waiting or failed, and the
resending of one that failed or whose sending was interrupted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from db.agenda.models import Appointment
from db.base import utcnow
from db.errors import ValidationError
from db.messages.models import Message, MessageKind, MessageStatus
from db.org.access import Permission
from db.org.models import Site
from db.people.labels import display_name
from db.people.models import MessageChannel, Person
from db.unit import Unit, rows

# The list's filters, each a group of states.
GROUPS: dict[str, tuple[MessageStatus, ...]] = {
    "waiting": (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.HANDING_OVER),
    "sent": (MessageStatus.SENT,),
    "failed": (MessageStatus.FAILED, MessageStatus.UNCERTAIN),
    "withdrawn": (MessageStatus.WITHDRAWN,),
}
GROUP_LABELS = {"waiting": "En attente", "sent": "Envoyés", "failed": "En échec ou à vérifier",
                "withdrawn": "Retirés"}
LIST_LIMIT = 500
_RESENDABLE = (MessageStatus.FAILED, MessageStatus.UNCERTAIN)


@dataclass(frozen=True)
class MessageLine:
    id: uuid.UUID
    version: int
    kind: MessageKind
    channel: MessageChannel
    status: MessageStatus
    person_name: str
    recipient: str
    appointment_at: datetime
    time_zone: str
    scheduled_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str
    note: str

    @property
    def resendable(self) -> bool:
        return self.status in _RESENDABLE


def group_counts(unit: Unit) -> dict[str, int]:
    unit.require(Permission.ADMINISTER)
    by_status = dict(unit.session.execute(
        select(Message.status, func.count()).group_by(Message.status)).all())
    return {group: sum(by_status.get(s, 0) for s in states) for group, states in GROUPS.items()}


def list_messages(unit: Unit, group: str, limit: int = LIST_LIMIT) -> list[MessageLine]:
    """The group's messages, the latest planned first."""
    unit.require(Permission.ADMINISTER)
    statement = (
        select(Message, Person, Appointment.starts_at, Site.time_zone)
        .join(Person, Person.id == Message.person_id)
        .join(Appointment, Appointment.id == Message.appointment_id)
        .join(Site, Site.id == Appointment.site_id)
        .where(Message.status.in_(GROUPS[group]))
        .order_by(Message.scheduled_at.desc(), Message.id).limit(limit))
    return [MessageLine(m.id, m.version, m.kind, m.channel, m.status, display_name(p),
                        m.recipient, starts_at, zone, m.scheduled_at, m.sent_at, m.attempts,
                        m.last_error, m.note)
            for m, p, starts_at, zone in unit.session.execute(statement)]


def resend(unit: Unit, message_id: uuid.UUID, expected_version: int) -> None:
    """Send again a message that failed or whose sending was interrupted (with the same
    Message-ID: a copy the person already has is recognised), from the next run on."""
    unit.require(Permission.ADMINISTER)
    message = rows.load_version(unit, Message, message_id, expected_version)
    if message.status not in _RESENDABLE:
        raise ValidationError({"status": "Seul un message en échec ou interrompu se renvoie."})
    now = utcnow()
    rows.save(unit, message, {"status": MessageStatus.PENDING, "next_attempt_at": now,
                              "attempts": 0, "last_error": ""}, action="resend")
