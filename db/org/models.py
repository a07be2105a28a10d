"""Places where the public is received and the staff who work there."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Entity, UTCDateTime, enum_column
from db.roles import Role


class SiteKind(enum.StrEnum):
    AGENCY = "agency"
    LOCAL_POINT = "local_point"
    FRANCE_SERVICES = "france_services"
    PHONE_PLATFORM = "phone_platform"


class Site(Entity):
    __tablename__ = "site"
    described_as = "ce lieu d'accueil"
    not_found = "Ce lieu d'accueil n'existe pas ou a été supprimé."

    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[SiteKind] = mapped_column(enum_column(SiteKind, "site_kind"))
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    department: Mapped[str] = mapped_column(String(3), default="")
    sector: Mapped[str] = mapped_column(String(120), default="")
    # Organiser of the invitations sent to people for their appointments here.
    email: Mapped[str | None] = mapped_column(String(254))
    # Minutes an adviser keeps free after each appointment here (notes, the next call); the
    # database holds it (see AdviserBusy).
    break_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The organisation's name heading this site's letters (« Caisse primaire d'assurance
    # maladie de l'Isère »); "" for « Assurance Maladie ».
    letterhead: Mapped[str] = mapped_column(String(160), default="", server_default="")
    # The office's logo beside it (PNG or JPEG, checked by db.org.logo); None: no logo.
    # Deferred: the lists of sites never load it.
    letterhead_logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    __table_args__ = (CheckConstraint("break_minutes BETWEEN 0 AND 60", name="break"),)


class Staff(Entity):
    """A Guichet user account: CPAM staff or a France Services partner agent."""

    __tablename__ = "staff"
    described_as = "ce compte"
    not_found = "Ce compte n'existe pas ou a été supprimé."

    login: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("site.id"))
    # A France Services agent's sector: the sites whose appointments they see and book.
    sector: Mapped[str] = mapped_column(String(120), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Argon2id (db.org.passwords) on an embedded database; None on a server, which checks
    # passwords itself (each account is a login role).
    # Deferred: never read with the row (on a server the accounts may not read it).
    password_hash: Mapped[str | None] = mapped_column(String(200), deferred=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site | None] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class OfficeSettings(Entity):
    """The office's own settings (one row): how soon an idle workstation locks, and whether
    this database holds the demo (the sign-in dialog then shows the demo password)."""

    __tablename__ = "office_settings"
    described_as = "les réglages de l'accueil"

    lock_after_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (CheckConstraint("lock_after_minutes BETWEEN 1 AND 120", name="lock"),)
