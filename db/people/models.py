"""The people registry: insured persons, health professionals and employers."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Entity, enum_column


class PersonKind(enum.StrEnum):
    BENEFICIARY = "beneficiary"
    HEALTH_PROFESSIONAL = "health_professional"
    EMPLOYER = "employer"


class MessageChannel(enum.StrEnum):
    """How a person accepts to be told of their appointments (confirmations, reminders)."""

    NONE = "none"
    EMAIL = "email"
    SMS = "sms"


class Civility(enum.StrEnum):
    MADAME = "mme"
    MONSIEUR = "m"


class Person(Entity):
    __tablename__ = "person"
    described_as = "cette fiche"
    not_found = "Cette personne n'existe pas ou a été supprimée."

    kind: Mapped[PersonKind] = mapped_column(enum_column(PersonKind, "person_kind"))
    civility: Mapped[Civility | None] = mapped_column(enum_column(Civility, "civility"))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    birth_name: Mapped[str] = mapped_column(String(100), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    # NIR: 15 characters, no spaces (Corsica keeps its letter: 2A/2B). Sensitive.
    # Deferred: read only where the actor may (a partner's server role may not select it).
    nir: Mapped[str | None] = mapped_column(String(15), unique=True, deferred=True)
    profession: Mapped[str | None] = mapped_column(String(40))
    rpps: Mapped[str | None] = mapped_column(String(11))
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    # E.164 for storage and the national digits ("0612345678") for prefix search.
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_digits: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    # The channel the person accepted for messages about their appointments, and the day
    # they said so: nobody gets a message they did not accept.
    message_channel: Mapped[MessageChannel] = mapped_column(
        enum_column(MessageChannel, "message_channel"), default=MessageChannel.NONE,
        server_default=MessageChannel.NONE.value)
    message_consent_on: Mapped[date | None] = mapped_column(Date)
    # Lower-case, unaccented "name first" key: the list order.
    sort_key: Mapped[str] = mapped_column(String(320), default="")

    __table_args__ = (
        CheckConstraint(
            "kind <> 'beneficiary' OR nir IS NOT NULL", name="beneficiary_has_nir"
        ),
        CheckConstraint("kind <> 'employer' OR siret IS NOT NULL", name="employer_has_siret"),
        Index("ix_person_sort_key", "sort_key"),
        Index("ix_person_phone_digits", "phone_digits"),
    )
