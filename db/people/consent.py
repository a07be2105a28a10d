"""The messages a person accepts: the channel (e-mail, SMS or none) and where it reaches them.

The consent is part of the person's record (``Person.message_channel``, with the day it was
given); the messages area asks ``reachable`` before queueing anything, and again before
sending: nobody gets a message they did not accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.people.models import MessageChannel, Person


def is_mobile(e164: str | None) -> bool:
    """A number that takes SMS: a mobile (06, 07, and the overseas mobiles)."""
    if not e164:
        return False
    import phonenumbers

    number_type = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return number_type in (phonenumbers.PhoneNumberType.MOBILE,
                           phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def consent_errors(channel: MessageChannel, phone: str | None, email: str | None
                   ) -> dict[str, str]:
    """Why the chosen channel cannot reach the person (French, by field); empty if it can."""
    if channel is MessageChannel.EMAIL and not email:
        return {"message_channel": "Pour des messages par e-mail, indiquez l'adresse e-mail "
                                   "de la personne."}
    if channel is MessageChannel.SMS and not is_mobile(phone):
        return {"message_channel": "Pour des SMS, indiquez un numéro de portable (06, 07…) : "
                                   "un fixe ne reçoit pas de SMS."}
    return {}


@dataclass(frozen=True)
class Reach:
    channel: MessageChannel  # EMAIL or SMS
    recipient: str  # the e-mail address, or the mobile number in E.164


def reachable(person: Person) -> Reach | None:
    """Where the person accepted to be told, or None (no consent, or no usable address)."""
    channel = person.message_channel
    if channel is MessageChannel.EMAIL and person.email:
        return Reach(channel, person.email)
    if channel is MessageChannel.SMS and is_mobile(person.phone):
        return Reach(channel, person.phone)
    return None
