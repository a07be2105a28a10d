"""The demo's organisation: the CPAM de l'Isère's sites and staff."""

from __future__ import annotations

import random
import re

from db.demo.context import DEPARTMENT, TIME_ZONE, DemoContext, DemoSite, DemoStaff, counted
from db.org.models import Site, SiteKind, Staff
from db.roles import Role
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
    site_ids = {site.name: site.id for site in context.sites}
    rows = []
    for login, first_name, last_name, role, site in STAFF:
        row = context.entity_columns(rng) | {
            "login": login, "first_name": first_name, "last_name": last_name, "role": role,
            "site_id": site_ids[site], "active": True,
        }
        rows.append(row)
        context.staff.append(DemoStaff(row["id"], login, role, site_ids[site]))
    context.insert_rows(Staff, rows, len(rows), "Comptes…")
    context.counts["staff"] = len(rows)
    by_role = ", ".join(
        counted(sum(s.role is role for s in context.staff), *labels)
        for role, labels in ROLE_COUNTS.items()
    )
    context.lines.append(f"{counted(len(rows), 'compte', 'comptes')} : {by_role}")
