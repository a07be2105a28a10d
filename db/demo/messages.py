"""Demo data of the messages to people: the reminder of every appointment of a person who
accepted messages — sent for those whose time has come, waiting for the others, so that a
demo database has reminders due every working day — and fewer no-shows among the people
reminded, as offices that remind see (RDV Service Public: from about 25 % to 6 %)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.models import Appointment, AppointmentStatus
from db.messages.compose import settings_row
from db.messages.models import Message, MessageKind, MessageStatus
from db.messages.queue import reminder_time
from db.org.models import Site
from db.people.models import MessageChannel, Person
from db.unit import rows as unit_rows

if TYPE_CHECKING:
    from db.demo.context import DemoContext

# Of the no-shows among people reminded, the share who would have come after all.
SPARED_BY_REMINDER = 0.6
_REMINDED = (AppointmentStatus.BOOKED, AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW)


def add_messages(context: DemoContext, rng: random.Random) -> None:
    """The messages step of ``db.demo.STEPS`` (after every step that books)."""
    from db.demo.context import counted, new_id

    session = context.session
    sites = {site.id: site for site in session.scalars(select(Site))}
    settings = settings_row(session)
    now = context.midnight
    spared: dict = {}
    counts = {MessageStatus.SENT: 0, MessageStatus.PENDING: 0}

    def messages() -> Iterator[dict]:
        for row in session.execute(
                select(Appointment.id, Appointment.person_id, Appointment.site_id,
                       Appointment.starts_at, Appointment.status, Appointment.created_at,
                       Person.message_channel, Person.email, Person.phone)
                .join(Person, Person.id == Appointment.person_id)
                .where(Person.message_channel != MessageChannel.NONE,
                       Appointment.status.in_(_REMINDED))
                .order_by(Appointment.starts_at, Appointment.id)):
            site = sites[row.site_id]
            at = reminder_time(row.starts_at, site, settings)
            if at <= row.created_at:
                continue  # booked within the delay: no reminder
            sent = at < now
            status = MessageStatus.SENT if sent else MessageStatus.PENDING
            counts[status] += 1
            if sent and row.status is AppointmentStatus.NO_SHOW and (
                    rng.random() < SPARED_BY_REMINDER):
                spared[row.id] = {"status": AppointmentStatus.HONOURED}
            message_id = new_id(rng)
            domain = (site.email or "guichet.invalid").rpartition("@")[2]
            yield {
                "id": message_id, "created_at": row.created_at,
                "updated_at": at if sent else row.created_at, "version": 2 if sent else 1,
                "deleted_at": None, "kind": MessageKind.REMINDER, "channel": row.message_channel,
                "status": status, "appointment_id": row.id, "person_id": row.person_id,
                "recipient": row.email if row.message_channel is MessageChannel.EMAIL
                else row.phone,
                "scheduled_at": at, "due_on": at.astimezone(ZoneInfo(site.time_zone)).date(),
                "next_attempt_at": at, "attempts": 1 if sent else 0, "last_error": "",
                "note": "", "message_id": f"<{message_id}@{domain}>", "claimed_by": "",
                "claimed_at": at if sent else None, "sent_at": at if sent else None,
            }

    context.insert_rows(Message, messages(), context.counts.get("appointments", 0),
                        "Messages…")
    unit_rows.update_many(context.unit, Appointment, spared, action=None)
    context.counts["reminders"] = sum(counts.values())
    context.lines.append(
        f"{counted(counts[MessageStatus.SENT], 'rappel envoyé', 'rappels envoyés')}, "
        f"{counted(counts[MessageStatus.PENDING], 'rappel', 'rappels')} à venir")
