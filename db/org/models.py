"""Places where the public is received and the staff who work there."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Entity, enum_column
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
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site | None] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
