"""The sites where the public is received: their list, their description and their editing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import validation
from db.errors import PermissionDenied, ValidationError
from db.org import logo
from db.org.access import Permission
from db.org.models import Site, SiteKind
from db.unit import Unit, rows

SITE_KIND_LABELS = {
    SiteKind.AGENCY: "Agence",
    SiteKind.LOCAL_POINT: "Point conseil de proximité",
    SiteKind.FRANCE_SERVICES: "France Services",
    SiteKind.PHONE_PLATFORM: "Plateforme de services",
}
# Metropolitan France, then the overseas departments (DOMAIN.md, « Places »).
SITE_TIME_ZONES = ("Europe/Paris", "America/Guadeloupe", "America/Martinique",
                   "America/Cayenne", "Indian/Reunion", "Indian/Mayotte")
# 01–95 with Corsica's 2A / 2B, and the overseas 971–978.
# The database refuses more (CHECK ck_site_break): an hour is already a lost appointment.
MAX_BREAK_MINUTES = 60
_DEPARTMENT = re.compile(r"0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8]")


@dataclass(frozen=True)
class SiteSummary:
    id: uuid.UUID
    name: str
    kind_label: str
    city: str
    time_zone: str = "Europe/Paris"  # its lists' dates and times are read in it
    department: str = ""  # its public holidays


def list_sites(unit: Unit) -> list[SiteSummary]:
    return [
        SiteSummary(s.id, s.name, SITE_KIND_LABELS[s.kind], s.city, s.time_zone, s.department)
        for s in unit.session.scalars(select(Site).order_by(Site.kind, Site.name))
    ]


@dataclass
class SiteInput:
    name: str
    kind: SiteKind
    department: str
    time_zone: str = "Europe/Paris"
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    sector: str = ""
    email: str = ""  # organiser of the invitations people receive
    break_minutes: int = 0  # kept free after each appointment here
    letterhead: str = ""  # the organisation's name on letters from here
    letterhead_logo: bytes | None = None  # its logo beside it (db.org.logo), or none


@dataclass(frozen=True)
class SiteDetail:
    id: uuid.UUID
    version: int
    data: SiteInput


def get_site(unit: Unit, site_id: uuid.UUID) -> SiteDetail:
    site = rows.load(unit, Site, site_id)
    return SiteDetail(site.id, site.version, SiteInput(
        name=site.name, kind=site.kind, department=site.department, time_zone=site.time_zone,
        address=site.address, postcode=site.postcode, city=site.city,
        phone=validation.format_phone(site.phone or None), sector=site.sector,
        email=site.email or "", break_minutes=site.break_minutes,
        letterhead=site.letterhead, letterhead_logo=site.letterhead_logo))


def _site_values(session: Session, data: SiteInput, site_id: uuid.UUID | None) -> dict:
    errors: dict[str, str] = {}
    name = " ".join(data.name.split())
    department = data.department.strip().upper()
    values = dict(
        name=name, kind=SiteKind(data.kind), department=department, time_zone=data.time_zone,
        address=" ".join(data.address.split()), postcode=data.postcode.strip(),
        city=" ".join(data.city.split()), sector=" ".join(data.sector.split()),
        break_minutes=data.break_minutes, letterhead=" ".join(data.letterhead.split()),
        letterhead_logo=data.letterhead_logo or None,
    )
    if not name:
        errors["name"] = "Le nom du lieu d'accueil est obligatoire."
    else:
        other = session.scalar(select(Site).where(Site.name == name))
        if other is not None and other.id != site_id:
            errors["name"] = f"Un lieu d'accueil s'appelle déjà « {name} »."
    if not _DEPARTMENT.fullmatch(department):
        errors["department"] = ("Indiquez le numéro du département (38, 2A, 974…) : "
                                "ses jours fériés s'appliquent au lieu.")
    if data.time_zone not in SITE_TIME_ZONES:
        errors["time_zone"] = "Choisissez le fuseau horaire du lieu dans la liste."
    if values["postcode"] and not re.fullmatch(r"\d{5}", values["postcode"]):
        errors["postcode"] = "Le code postal compte cinq chiffres."
    try:
        values["phone"] = validation.clean_phone(data.phone) or ""
    except ValueError as error:
        errors["phone"] = str(error)
    try:
        values["email"] = validation.clean_email(data.email)
    except ValueError as error:
        errors["email"] = str(error)
    if len(values["letterhead"]) > 160:
        errors["letterhead"] = "L'en-tête des courriers tient en 160 caractères."
    if values["letterhead_logo"] is not None:
        try:
            logo.check_logo(values["letterhead_logo"])
        except ValidationError as error:
            errors.update(error.field_errors)
    if not 0 <= data.break_minutes <= MAX_BREAK_MINUTES:
        errors["break_minutes"] = (
            f"La pause entre deux rendez-vous va de 0 à {MAX_BREAK_MINUTES} minutes.")
    if errors:
        raise ValidationError(errors)
    return values


def save_site(
    unit: Unit, data: SiteInput, site_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> uuid.UUID:
    """Create a site, or edit ``site_id`` as it was at ``expected_version``."""
    unit.require(Permission.ADMINISTER)
    values = _site_values(unit.session, data, site_id)
    return rows.create_or_update(unit, Site, values, site_id, expected_version)



def in_scope(unit: Unit, site: Site) -> bool:
    """Whether the actor works at ``site``: every site, except for a France Services partner
    (the sites of their sector only, as db.unit scopes their rows)."""
    sector = unit.actor.sector_scope if unit.actor is not None else None
    return sector is None or (sector != "" and site.sector == sector)


def require_in_scope(unit: Unit, site: Site) -> None:
    if not in_scope(unit, site):
        raise PermissionDenied(f"« {site.name} » n'est pas un lieu de votre secteur France "
                               "Services : vous n'y prenez ni rendez-vous ni demande.")
