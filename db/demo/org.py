"""The demo's organisation: the CPAM de l'Isère's sites and staff."""

from __future__ import annotations

import random
import re

from sqlalchemy import select

from db.demo.context import DEPARTMENT, TIME_ZONE, DemoContext, DemoSite, DemoStaff, counted
from db.org import account_admin, passwords
from db.org.models import OfficeSettings, Site, SiteKind, Staff
from db.org.passwords import DEMO_PASSWORD
from db.roles import Role
from db.unit import rows
from db.validation import fold

# name, kind, address, postcode, city, phone (E.164), sector
SITES = [
    ("Agence de Grenoble", SiteKind.AGENCY, "2 rue des Alliés", "38100", "Grenoble",
     "+33476124500", "Agglomération grenobloise"),
    ("Point conseil de Voiron", SiteKind.LOCAL_POINT, "14 cours Becquart-Castelbon", "38500",
     "Voiron", "+33476053210", "Pays voironnais"),
    ("Point conseil de Bourgoin-Jallieu", SiteKind.LOCAL_POINT, "5 rue de la Liberté", "38300",
     "Bourgoin-Jallieu", "+33474286140", "Nord-Isère"),
    ("France Services de Mens", SiteKind.FRANCE_SERVICES, "3 place de la Halle", "38710",
     "Mens", "+33476340215", "Trièves – Matheysine"),
    ("France Services de La Mure", SiteKind.FRANCE_SERVICES, "9 rue du Breuil", "38350",
     "La Mure", "+33476811930", "Trièves – Matheysine"),
    ("France Services de Monestier-de-Clermont", SiteKind.FRANCE_SERVICES,
     "101 Grande Rue", "38650", "Monestier-de-Clermont", "+33476340648",
     "Trièves – Matheysine"),
    ("France Services du Bourg-d'Oisans", SiteKind.FRANCE_SERVICES, "Quai Girard", "38520",
     "Le Bourg-d'Oisans", "+33476800517", "Oisans"),
    ("France Services de Villard-de-Lans", SiteKind.FRANCE_SERVICES,
     "49 place de la Libération", "38250", "Villard-de-Lans", "+33476951408",
     "Vercors – Sud-Grésivaudan"),
    ("France Services de Saint-Marcellin", SiteKind.FRANCE_SERVICES,
     "7 rue du Colombier", "38160", "Saint-Marcellin", "+33476382254",
     "Vercors – Sud-Grésivaudan"),
    ("Plateforme de services (PFS)", SiteKind.PHONE_PLATFORM, "2 rue des Alliés", "38100",
     "Grenoble", "+33476124600", "Agglomération grenobloise"),
]


# The agency keeps five minutes after each appointment for the notes; the others none.
BREAK_MINUTES = {SiteKind.AGENCY: 5}


def site_email(name: str) -> str:
    """« Agence de Grenoble » → accueil.agence-de-grenoble@cpam-isere.exemple.fr"""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return f"accueil.{slug}@cpam-isere.exemple.fr"


LETTERHEAD = "Caisse primaire d'assurance maladie de l'Isère"

SITE_KIND_COUNTS = {
    SiteKind.AGENCY: ("agence", "agences"),
    SiteKind.LOCAL_POINT: ("point conseil de proximité", "points conseil de proximité"),
    SiteKind.FRANCE_SERVICES: ("permanence France Services", "permanences France Services"),
    SiteKind.PHONE_PLATFORM: ("plateforme de services", "plateformes de services"),
}


def add_sites(context: DemoContext, rng: random.Random) -> None:
    rows = []
    for name, kind, address, postcode, city, phone, sector in SITES:
        row = context.entity_columns(rng) | {
            "name": name, "kind": kind, "address": address, "postcode": postcode,
            "city": city, "phone": phone, "time_zone": TIME_ZONE, "department": DEPARTMENT,
            "sector": sector, "email": site_email(name),
            "break_minutes": BREAK_MINUTES.get(kind, 0), "letterhead": LETTERHEAD,
        }
        rows.append(row)
        context.sites.append(DemoSite(row["id"], name, kind, city, sector,
                                      row["break_minutes"]))
    context.insert_rows(Site, rows, len(rows), "Sites…")
    context.counts["sites"] = len(rows)
    by_kind = ", ".join(
        counted(sum(s.kind is kind for s in context.sites), *labels)
        for kind, labels in SITE_KIND_COUNTS.items()
    )
    context.lines.append(
        f"{counted(len(rows), 'site', 'sites')} en Isère ({TIME_ZONE}) : {by_kind}"
    )


# login, first name, last name, role, site (the README lists these accounts).
STAFF = [
    ("conseiller01", "Élodie", "Garnier", Role.ADVISER, "Agence de Grenoble"),
    ("conseiller02", "Loïc", "Bénard", Role.ADVISER, "Agence de Grenoble"),
    ("conseiller03", "Noémie", "Chabert", Role.ADVISER, "Agence de Grenoble"),
    ("conseiller04", "François", "Rivoire", Role.ADVISER, "Agence de Grenoble"),
    ("conseiller05", "Gaëlle", "Lefèvre", Role.ADVISER, "Point conseil de Voiron"),
    ("conseiller06", "Jérôme", "Pélissier", Role.ADVISER, "Point conseil de Bourgoin-Jallieu"),
    ("conseiller07", "Hélène", "Müller", Role.ADVISER, "Plateforme de services (PFS)"),
    ("conseiller08", "Mickaël", "Eymard", Role.ADVISER, "Plateforme de services (PFS)"),
    ("conseiller09", "Inès", "Haddad", Role.ADVISER, "Plateforme de services (PFS)"),
    ("conseiller10", "Stéphane", "Giroud", Role.ADVISER, "Plateforme de services (PFS)"),
    ("conseiller11", "Maëlle", "Jourdan", Role.ADVISER, "France Services de La Mure"),
    ("conseiller12", "Théo", "Côte", Role.ADVISER, "France Services de Saint-Marcellin"),
    ("mediateur01", "Hervé", "Bérard", Role.MEDIATOR, "Agence de Grenoble"),
    ("mediateur02", "Béatrice", "Reynaud", Role.MEDIATOR, "Agence de Grenoble"),
    ("assistantmediation01", "Éloïse", "Gonnet", Role.MEDIATION_ASSISTANT,
     "Agence de Grenoble"),
    ("responsable01", "Anne-Sophie", "Duchêne", Role.MANAGER, "Agence de Grenoble"),
    ("partenaire01", "Aurélien", "Trouilloud", Role.PARTNER, "France Services de Mens"),
    ("admin", "Sébastien", "Lévêque", Role.ADMIN, "Agence de Grenoble"),
]


ROLE_COUNTS = {
    Role.ADVISER: ("conseiller", "conseillers"),
    Role.MEDIATOR: ("médiateur", "médiateurs"),
    Role.MEDIATION_ASSISTANT: ("assistant de médiation", "assistants de médiation"),
    Role.MANAGER: ("responsable", "responsables"),
    Role.PARTNER: ("agent France Services", "agents France Services"),
    Role.ADMIN: ("administrateur", "administrateurs"),
}


def add_staff(context: DemoContext, rng: random.Random) -> None:
    sites = {site.name: site for site in context.sites}
    # One hash for all: every demo account has the demo password (README).
    password_hash = None if context.on_server else passwords.hash_password(DEMO_PASSWORD)
    staff_rows = []
    for login, first_name, last_name, role, site in STAFF:
        row = context.entity_columns(rng) | {
            "login": login, "first_name": first_name, "last_name": last_name, "role": role,
            "site_id": sites[site].id, "active": True, "password_hash": password_hash,
            "must_change_password": False, "failed_sign_ins": 0,
            # A France Services agent works in the sector of their home site.
            "sector": sites[site].sector if role is Role.PARTNER else "",
        }
        staff_rows.append(row)
        context.staff.append(DemoStaff(row["id"], login, role, sites[site].id))
    context.insert_rows(Staff, staff_rows, len(staff_rows), "Comptes…")
    for login, _first, _last, role, _site in STAFF:  # a login role each, on a server
        account_admin.set_server_login(context.unit, login, role, True, DEMO_PASSWORD)
    settings = context.unit.session.scalars(select(OfficeSettings)).one()
    rows.save(context.unit, settings, {"demo": True})
    context.counts["staff"] = len(staff_rows)
    by_role = ", ".join(
        counted(sum(s.role is role for s in context.staff), *labels)
        for role, labels in ROLE_COUNTS.items()
    )
    context.lines.append(f"{counted(len(staff_rows), 'compte', 'comptes')} : {by_role}")
