"""The agenda: opening hours, motives, advisers' availability, appointments and workshops.

Times of day (opening hours, availability) are local wall-clock times of the site; instants
(appointments, absences, sessions) are stored in UTC. Two rules are held by the database
itself: no adviser busy twice at the same time (see AdviserBusy), no workshop session over
its capacity.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Entity, SectorScoped, UTCDateTime, enum_column
from db.org.models import Site, Staff  # noqa: F401 (tables the foreign keys name)
from db.people.models import Person  # noqa: F401

# The name both engines report when an adviser would be busy twice at once: PostgreSQL's
# exclusion constraint and SQLite's trigger use it, the services look for it.
ADVISER_OVERLAP = "ex_adviser_busy_overlap"


class AppointmentKind(enum.StrEnum):
    PHONE = "phone"
    PHYSICAL = "physical"
    VIDEO = "video"
    WORKSHOP = "workshop"


class Channel(enum.StrEnum):
    """How the request came in; any department may book whatever the channel."""

    AMELI_ACCOUNT = "ameli_account"
    PHONE_3646 = "phone_3646"
    RECEPTION = "reception"
    FRANCE_SERVICES = "france_services"
    OTHER_DEPARTMENT = "other_department"
    PATHWAY = "pathway"
    CALLBACK = "callback"


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    HONOURED = "honoured"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    RESOLVED_AT_PREPARATION = "resolved_at_preparation"


# The partial unique indexes' conditions (migration 0010 creates them with the same text).
LIVE_WORKSHOP_SEAT = ("workshop_session_id IS NOT NULL AND deleted_at IS NULL "
                      "AND status IN ('booked', 'honoured', 'no_show')")
STILL_WAITING = "appointment_id IS NULL AND withdrawn_at IS NULL AND deleted_at IS NULL"


class CancelledBy(enum.StrEnum):
    PERSON = "person"
    SERVICE = "service"


class OpeningHours(Entity):
    """One opening interval of a site on a weekday; a lunch closure makes two intervals."""

    __tablename__ = "opening_hours"
    described_as = "ces horaires d'ouverture"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("site.id"))
    weekday: Mapped[int] = mapped_column(SmallInteger)  # 0 = Monday
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens < closes", name="interval"),
        Index("ix_opening_hours_site", "site_id", "weekday"),
    )


class ClosedDay(Entity):
    """An exceptional closure of a site (public holidays are known without being entered)."""

    __tablename__ = "closed_day"
    described_as = "cette fermeture"
    not_found = "Cette fermeture n'existe pas."

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("site.id"))
    day: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(120), default="")

    __table_args__ = (Index("ix_closed_day_site_day", "site_id", "day"),)


class Motive(Entity):
    """Why a person comes: sets the duration, the kinds allowed and the documents to bring."""

    __tablename__ = "motive"
    described_as = "ce motif"
    not_found = "Ce motif n'existe pas ou a été supprimé."

    code: Mapped[str] = mapped_column(String(12), unique=True)  # « IJ », shown in calendars
    label: Mapped[str] = mapped_column(String(120))
    default_minutes: Mapped[int] = mapped_column(Integer)
    kinds: Mapped[list[str]] = mapped_column(JSON)  # AppointmentKind values
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    min_notice_hours: Mapped[int] = mapped_column(Integer, default=0)
    max_horizon_days: Mapped[int] = mapped_column(Integer, default=92)

    __table_args__ = (
        CheckConstraint("default_minutes > 0", name="duration"),
        CheckConstraint("min_notice_hours >= 0 AND max_horizon_days > 0", name="window"),
    )


class Availability(Entity):
    """When an adviser takes appointments of one kind at one site, week after week."""

    __tablename__ = "availability"
    described_as = "ces disponibilités"

    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("site.id"))
    kind: Mapped[AppointmentKind] = mapped_column(enum_column(AppointmentKind, "appointment_kind"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("starts < ends", name="interval"),
        Index("ix_availability_site_kind", "site_id", "kind"),
        Index("ix_availability_staff", "staff_id"),
    )


class Absence(Entity):
    __tablename__ = "absence"
    described_as = "cette absence"
    not_found = "Cette absence n'existe pas."

    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    label: Mapped[str] = mapped_column(String(120), default="")  # « Formation »; no health detail

    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="interval"),
        Index("ix_absence_staff_start", "staff_id", "starts_at"),
    )


class WorkshopSession(SectorScoped, Entity):
    """One session of a collective workshop; ``seats_taken`` can never exceed ``capacity``."""

    __tablename__ = "workshop_session"
    described_as = "cette session d'atelier"
    not_found = "Cette session d'atelier n'existe pas ou a été supprimée."

    motive_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("motive.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("site.id"))
    host_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="interval"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="capacity"),
        Index("ix_workshop_session_site_start", "site_id", "starts_at"),
        Index("ix_workshop_session_host_start", "host_id", "starts_at"),
    )


class Appointment(SectorScoped, Entity):
    """A person's appointment with an adviser; a workshop registration is one too."""

    __tablename__ = "appointment"
    described_as = "ce rendez-vous"
    not_found = "Ce rendez-vous n'existe pas ou a été supprimé."

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    adviser_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("site.id"))
    motive_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("motive.id"))
    kind: Mapped[AppointmentKind] = mapped_column(enum_column(AppointmentKind, "appointment_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "appointment_channel"))
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status"), default=AppointmentStatus.BOOKED
    )
    booked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled_by: Mapped[CancelledBy | None] = mapped_column(
        enum_column(CancelledBy, "cancelled_by"))
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A moved appointment is a new row pointing back at the one it replaces.
    rescheduled_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointment.id")
    )
    workshop_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workshop_session.id")
    )
    # Calendars: the UID is kept when the appointment is moved (the new row inherits it) and
    # SEQUENCE rises on every change, so a person's calendar updates the event it already has.
    ical_uid: Mapped[str] = mapped_column(String(80))
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    # A reminder went to the person, and its row has since left the message queue (the
    # retention purge keeps the queue 3 months, the appointment 2 years): the dashboard's
    # « avec un rappel envoyé » stays right. Set by the purge only, never by the sender.
    reminded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="interval"),
        CheckConstraint(
            "status <> 'cancelled' OR (cancelled_by IS NOT NULL AND cancel_reason <> '')",
            name="cancel_reason",
        ),
        CheckConstraint(
            "(kind = 'workshop') = (workshop_session_id IS NOT NULL)", name="workshop_session"
        ),
        Index("ix_appointment_adviser_start", "adviser_id", "starts_at"),
        Index("ix_appointment_site_start", "site_id", "starts_at"),
        # The dashboard's month counted from indexes alone: by kind, channel, status and
        # site; the appointments honoured or missed, and whether each was reminded.
        Index("ix_appointment_status_start", "status", "starts_at", "deleted_at", "reminded",
              "id"),
        Index("ix_appointment_month", "starts_at", "status", "kind", "channel", "site_id",
              "deleted_at"),
        Index("ix_appointment_person", "person_id"),
        Index("ix_appointment_session", "workshop_session_id"),
        Index("ix_appointment_ical_uid", "ical_uid"),
        Index("ix_appointment_rescheduled_from", "rescheduled_from_id"),
        # One seat per person and workshop session, held by the database: two advisers
        # registering the same person at the same instant cannot both succeed.
        Index("uq_appointment_workshop_seat", "workshop_session_id", "person_id",
              unique=True, sqlite_where=text(LIVE_WORKSHOP_SEAT),
              postgresql_where=text(LIVE_WORKSHOP_SEAT)),
    )


class AdviserBusy(Base):
    """When an adviser is taken: each live individual appointment and each live workshop
    session they host, from its start to its end plus the site's break.

    Written only by database triggers on ``appointment`` and ``workshop_session`` (migration
    0007), and refusing any overlap for one adviser on both engines; the free-slot search
    reads it.
    """

    __tablename__ = "adviser_busy"

    owner_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # appointment or session
    staff_id: Mapped[uuid.UUID]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    busy_until: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("starts_at < busy_until", name="interval"),
        Index("ix_adviser_busy_staff_start", "staff_id", "starts_at"),
    )


class WaitingListEntry(Entity):
    """A person waiting for a seat in a full workshop session, first come first served."""

    __tablename__ = "waiting_list_entry"
    described_as = "cette inscription"
    not_found = "Cette inscription en attente n'existe pas."

    workshop_session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshop_session.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "appointment_channel"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when a seat freed up and the person was registered, or when they withdrew.
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_waiting_list_entry_session", "workshop_session_id", "requested_at"),
        # And one place on the waiting list (see ``db.agenda.workshops.register`` for a seat
        # against a place).
        Index("uq_waiting_list_entry_person", "workshop_session_id", "person_id",
              unique=True, sqlite_where=text(STILL_WAITING),
              postgresql_where=text(STILL_WAITING)),
    )
