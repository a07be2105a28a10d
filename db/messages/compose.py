"""What a message says, made when it goes: the template of its kind and channel filled from
the appointment as it is then, and for an e-mail the ``.ics`` invitation it carries.

Made at sending time rather than when queued, so that a template or a site's address
corrected meanwhile applies, and so that the queue holds no text about anyone. The fields say
no more than ``db.messages.templates`` allows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.agenda import ical
from db.agenda.appointments import CalendarEntry, Invitation, person_label
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, CancelledBy, Motive
from db.messages.gsm7 import fit
from db.messages.models import Message, MessageKind, MessageSettings, MessageTemplate
from db.messages.templates import merge
from db.org.models import Site
from db.people.models import Civility, MessageChannel, Person, PersonKind
from db.validation import format_phone
from db.wording import WEEKDAYS, clock, day, long_date

KIND_WORDS = {
    AppointmentKind.PHONE: "rendez-vous téléphonique",
    AppointmentKind.PHYSICAL: "rendez-vous à l'accueil",
    AppointmentKind.VIDEO: "rendez-vous en visio",
    AppointmentKind.WORKSHOP: "atelier",
}
# The invitation an e-mail carries: a new or moved appointment, or its cancellation.
ICS_METHODS = {
    MessageKind.CONFIRMATION: "REQUEST", MessageKind.MOVE: "REQUEST",
    MessageKind.WORKSHOP: "REQUEST", MessageKind.PROMOTION: "REQUEST",
    MessageKind.CANCELLATION: "CANCEL",
}
_CIVILITY_WORDS = {Civility.MADAME: "Madame", Civility.MONSIEUR: "Monsieur"}
_CALLED_OFF = (AppointmentStatus.CANCELLED, AppointmentStatus.RESOLVED_AT_PREPARATION)


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    calendar: bytes | None = None  # the .ics
    method: str | None = None  # its METHOD


def settings_row(session: Session) -> MessageSettings:
    return session.scalars(select(MessageSettings)).one()


def template_row(session: Session, kind: MessageKind,
                 channel: MessageChannel) -> MessageTemplate:
    return session.scalars(select(MessageTemplate).where(
        MessageTemplate.kind == kind, MessageTemplate.channel == channel)).one()


# -- the merge fields --------------------------------------------------------------------------

def addressed(person: Person) -> str:
    """« Madame Dupont », or an employer's name."""
    if person.kind is PersonKind.EMPLOYER:
        return person.organisation_name
    title = _CIVILITY_WORDS.get(person.civility)
    return f"{title} {person.last_name}" if title else f"{person.first_name} {person.last_name}"


def site_address(site: Site) -> str:
    return ", ".join(part for part in (site.address, f"{site.postcode} {site.city}".strip())
                     if part)


def _place(kind: AppointmentKind, site: Site, phone: str) -> tuple[str, str]:
    """{lieu} and {lieu_court}."""
    if kind is AppointmentKind.PHONE:
        return (f"nous vous appellerons au {phone}" if phone else "nous vous appellerons",
                f"appel au {phone}" if phone else "par téléphone")
    if kind is AppointmentKind.VIDEO:
        return "en visio : votre conseiller vous enverra le lien de connexion", "en visio"
    address = site_address(site)
    return (f"à « {site.name} »" + (f", {address}" if address else ""), site.name)


def documents_line(kind: AppointmentKind, documents: list[str]) -> str:
    if not documents:
        return ""
    verb = "Ayez sous la main" if kind is AppointmentKind.PHONE else "Pensez à apporter"
    return f"{verb} : {', '.join(documents)}."


def _reason(appointment: Appointment) -> str:
    if appointment.cancelled_by is CancelledBy.PERSON:
        return "à votre demande"
    reason = " ".join(appointment.cancel_reason.split())[:120]
    return f"par nos services : {reason}" if reason else "par nos services"


def when_fields(starts_at: datetime, time_zone: str) -> dict[str, str]:
    local = starts_at.astimezone(ZoneInfo(time_zone))
    return {"date": f"{WEEKDAYS[local.weekday()]} {long_date(local.date())}",
            "date_courte": f"{WEEKDAYS[local.weekday()][:3]}. {day(local.date())[:5]}",
            "heure": clock(local)}


def fields_of(session: Session, appointment: Appointment, settings: MessageSettings
              ) -> dict[str, str]:
    """The merge fields of a message about ``appointment``."""
    person = session.get(Person, appointment.person_id)
    site = session.get(Site, appointment.site_id)
    motive = session.get(Motive, appointment.motive_id)
    place, short_place = _place(appointment.kind, site, format_phone(person.phone))
    values = {
        "civilite_nom": addressed(person), "type": KIND_WORDS[appointment.kind],
        "motif": motive.label, "lieu": place, "lieu_court": short_place,
        "pieces": documents_line(appointment.kind, list(motive.documents)),
        "annulation": settings.cancel_instructions, "site": site.name,
        "raison": _reason(appointment), "ancienne_date": "",
        **when_fields(appointment.starts_at, site.time_zone),
    }
    if appointment.rescheduled_from_id is not None:
        before = session.get(Appointment, appointment.rescheduled_from_id)
        earlier = when_fields(before.starts_at, site.time_zone)
        values["ancienne_date"] = f"{earlier['date']} à {earlier['heure']}"
    return values


def sample_fields(settings: MessageSettings, now: datetime) -> dict[str, str]:
    """Fictitious values for a template's preview and the administrator's trial."""
    return {
        "civilite_nom": "Madame Exemple", "type": KIND_WORDS[AppointmentKind.PHYSICAL],
        "motif": "Indemnités journalières",
        "lieu": "à « Agence de Grenoble », 2 rue Félix Poulat, 38000 Grenoble",
        "lieu_court": "Agence de Grenoble",
        "pieces": "Pensez à apporter : Arrêt de travail, Attestation de salaire de "
                  "l'employeur.",
        "annulation": settings.cancel_instructions, "site": "Agence de Grenoble",
        "raison": "par nos services : conseiller absent",
        "ancienne_date": "lundi 30 novembre 2026 à 10:00",
        **when_fields(sample_moment(now), "Europe/Paris"),
    }


def sample_moment(now: datetime) -> datetime:
    """A weekday at 09:30 a few days ahead: the sample appointment's time."""
    zone = ZoneInfo("Europe/Paris")
    day = (now + timedelta(days=3)).astimezone(zone).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 30), zone)


def fill(template: MessageTemplate | tuple[str, str], channel: MessageChannel,
         values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) of a template — a row, or a (subject, body) being edited. An SMS is
    brought into GSM-7 and to 160 characters at most."""
    subject, body = (template if isinstance(template, tuple)
                     else (template.subject, template.body))
    if channel is MessageChannel.SMS:
        return "", fit(merge(body, values))
    return " ".join(merge(subject, values).split()), _tidy(merge(body, values))


def _tidy(text: str) -> str:
    """No run of blank lines where an empty field left one (« {pieces} » without pieces)."""
    lines, blank = [], False
    for line in text.strip().splitlines():
        if line.strip() or not blank:
            lines.append(line.rstrip())
        blank = not line.strip()
    return "\n".join(lines)


# -- the invitation ----------------------------------------------------------------------------

def invitation_of(session: Session, appointment: Appointment, recipient: str) -> Invitation:
    person = session.get(Person, appointment.person_id)
    site = session.get(Site, appointment.site_id)
    motive = session.get(Motive, appointment.motive_id)
    entry = CalendarEntry(
        appointment.ical_uid, appointment.ical_sequence, appointment.starts_at,
        appointment.ends_at, site.time_zone, appointment.kind,
        appointment.status in _CALLED_OFF,
        person_label(person.kind, person.civility, person.last_name,
                     person.organisation_name),
        motive.code, site.name, site_address(site), appointment.updated_at)
    return Invitation(entry, recipient, site.name, site.email or "")


def calendar_for(kind: MessageKind, invitation: Invitation, now: datetime
                 ) -> tuple[bytes | None, str | None]:
    method = ICS_METHODS.get(kind)
    if method is None:
        return None, None
    build = ical.invitation_cancel if method == "CANCEL" else ical.invitation_request
    return build(invitation, stamp=now), method


def compose(session: Session, message: Message, now: datetime) -> Composed:
    """The message as it goes now, from its template and its appointment."""
    settings = settings_row(session)
    appointment = session.get(Appointment, message.appointment_id)
    subject, body = fill(template_row(session, message.kind, message.channel),
                         message.channel, fields_of(session, appointment, settings))
    if message.channel is MessageChannel.SMS:
        return Composed("", body)
    invitation = invitation_of(session, appointment, message.recipient)
    calendar, method = calendar_for(message.kind, invitation, now)
    return Composed(subject, body, calendar, method)


def email(composed: Composed, *, sender_name: str, sender: str, recipient: str,
          message_id: str, now: datetime) -> EmailMessage:
    """The e-mail: plain French text, the invitation attached, automatic (RFC 3834)."""
    mail = EmailMessage()
    mail["From"] = formataddr((sender_name, sender))
    mail["To"] = recipient
    mail["Subject"] = composed.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(composed.body)
    if composed.calendar is not None:
        mail.add_attachment(composed.calendar, maintype="text", subtype="calendar",
                            filename="invitation.ics",
                            params={"method": composed.method, "charset": "utf-8"})
    return mail


def new_message_id(domain: str) -> str:
    """A Message-ID fixed when the message is queued, so that a retry can be recognised."""
    return f"<{uuid.uuid4()}@{domain or 'guichet.invalid'}>"
