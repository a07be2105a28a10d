"""Messages to people: the queue, the settings and the templates.

Every message is first a ``Message`` row, written by a handler of the agenda's events in the
same transaction as the change that caused it (``db.messages.queue``); a sender delivers it
later (``db.messages.sender`` for e-mail, ``db.messages.sms`` for the SMS platform's file).
A row holds ids, the recipient and the state of its delivery — never the text: the text is
made from the templates when the message goes (``db.messages.compose``).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.agenda.models import Appointment  # noqa: F401 (tables the foreign keys name)
from db.base import Entity, UTCDateTime, enum_column
from db.people.models import MessageChannel, Person  # noqa: F401


class MessageKind(enum.StrEnum):
    CONFIRMATION = "confirmation"  # at booking
    MOVE = "move"  # the appointment was moved (same calendar UID, higher SEQUENCE)
    CANCELLATION = "cancellation"
    REMINDER = "reminder"  # some days before, from a set hour
    WORKSHOP = "workshop"  # registered to a workshop session
    PROMOTION = "promotion"  # a seat freed up for someone on the waiting list


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waits for its time, or for its next try
    SENDING = "sending"  # claimed by a sender, not yet handed to the server
    HANDING_OVER = "handing_over"  # the server is being given the message
    SENT = "sent"  # accepted by the server, or written to the SMS platform's file
    FAILED = "failed"  # refused for good, or too many tries
    UNCERTAIN = "uncertain"  # the sender stopped while handing it over: maybe received
    WITHDRAWN = "withdrawn"  # no longer to send (appointment changed, consent withdrawn…)


class SmtpSecurity(enum.StrEnum):
    STARTTLS = "starttls"  # port 587: plain connection, then STARTTLS
    TLS = "tls"  # port 465: TLS from the start
    NONE = "none"  # an office relay on the local network


class Message(Entity):
    __tablename__ = "message"
    described_as = "ce message"
    not_found = "Ce message n'existe pas."

    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "message_kind"))
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel,
                                                                "message_channel"))
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.PENDING)
    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    recipient: Mapped[str] = mapped_column(String(254))  # e-mail, or mobile in E.164
    # When it is meant to go, and that instant's day at the site (what --day selects).
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(200), default="")  # why it was withdrawn
    # The e-mail's Message-ID, fixed when queued: a retry carries the same one.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # Who holds the message while sending (host, process, run) and since when.
    claimed_by: Mapped[str] = mapped_column(String(120), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("channel <> 'none'", name="channel"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_message_status_next", "status", "next_attempt_at"),
        Index("ix_message_channel_due", "channel", "due_on"),
        # An appointment's messages; « was a reminder sent? » (the dashboard) from the index
        # alone.
        Index("ix_message_appointment", "appointment_id", "kind", "status", "deleted_at"),
    )


class MessageSettings(Entity):
    """The office's server and the reminders' rules: one row, seeded by the migration. The
    server's password is not here: it lives in the keyring of the computer that sends."""

    __tablename__ = "message_settings"
    described_as = "les réglages des messages"

    smtp_host: Mapped[str] = mapped_column(String(200), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_security: Mapped[SmtpSecurity] = mapped_column(
        enum_column(SmtpSecurity, "smtp_security"), default=SmtpSecurity.STARTTLS)
    smtp_user: Mapped[str] = mapped_column(String(200), default="")
    reminder_days: Mapped[int] = mapped_column(Integer, default=2)
    reminder_hour: Mapped[int] = mapped_column(Integer, default=9)
    # How to cancel, as every message says it (the {annulation} field).
    cancel_instructions: Mapped[str] = mapped_column(Text, default="")
    # The SMS platform's file: [column key, header] in order, and the separator.
    sms_columns: Mapped[list] = mapped_column(JSON, default=list)
    sms_separator: Mapped[str] = mapped_column(String(1), default=";")
    # Where « Envoyer un essai » sends (the administrator's own address).
    test_recipient: Mapped[str] = mapped_column(String(254), default="")

    __table_args__ = (
        CheckConstraint("smtp_port BETWEEN 1 AND 65535", name="port"),
        CheckConstraint("reminder_days BETWEEN 1 AND 7", name="reminder_days"),
        CheckConstraint("reminder_hour BETWEEN 7 AND 20", name="reminder_hour"),
    )


class MessageTemplate(Entity):
    """The French text of one kind of message on one channel, with merge fields."""

    __tablename__ = "message_template"
    described_as = "ce modèle de message"

    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "message_kind"))
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel,
                                                                "message_channel"))
    subject: Mapped[str] = mapped_column(String(200), default="")  # e-mail only
    body: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("channel <> 'none'", name="channel"),
        Index("ix_message_template_kind_channel", "kind", "channel", unique=True),
    )
