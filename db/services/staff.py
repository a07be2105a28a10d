"""Accounts and sites: signing in and reading the organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFound
from db.models import Role, Site, SiteKind, Staff
from db.services.access import ROLE_LABELS, Actor

SITE_KIND_LABELS = {
    SiteKind.AGENCY: "Agence",
    SiteKind.LOCAL_POINT: "Point conseil de proximité",
    SiteKind.FRANCE_SERVICES: "France Services",
    SiteKind.PHONE_PLATFORM: "Plateforme de services",
}


@dataclass(frozen=True)
class Account:
    login: str
    display_name: str
    role_label: str
    site_name: str


@dataclass(frozen=True)
class SiteSummary:
    id: uuid.UUID
    name: str
    kind_label: str
    city: str


def list_accounts(session: Session) -> list[Account]:
    """Active accounts for the sign-in picker, by role then name."""
    order = {role: index for index, role in enumerate(Role)}
    rows = session.scalars(
        select(Staff).where(Staff.active, Staff.deleted_at.is_(None)).order_by(Staff.login)
    ).all()
    rows = sorted(rows, key=lambda s: (order[s.role], s.login))
    return [
        Account(s.login, s.display_name, ROLE_LABELS[s.role], s.site.name if s.site else "")
        for s in rows
    ]


def sign_in(session: Session, login: str) -> Actor:
    staff = session.scalar(select(Staff).where(Staff.login == login.strip().lower()))
    if staff is None or not staff.active or staff.deleted_at is not None:
        raise NotFound(f"Le compte « {login} » n'existe pas ou est désactivé.")
    return Actor(staff.id, staff.login, staff.display_name, staff.role, staff.site_id)


def list_sites(session: Session) -> list[SiteSummary]:
    return [
        SiteSummary(s.id, s.name, SITE_KIND_LABELS[s.kind], s.city)
        for s in session.scalars(
            select(Site).where(Site.deleted_at.is_(None)).order_by(Site.kind, Site.name)
        )
    ]
