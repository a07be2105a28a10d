"""Demo data: a fictitious but realistic CPAM office (CPAM de l'Isère), the same for the same seed.

``generate`` fills an empty database in one transaction by running ``STEPS`` in order. Each
step adds one area (sites, staff, people; later issues add appointments, preparations, pathway
cohorts and mediation cases) and leaves what it made in the shared ``DemoContext`` for the
steps after it. Every step draws from its own random generator, seeded from the seed and the
step's name, so adding a step never changes what the others produce.

Rows are written with bulk Core inserts: the large set (200,000 people) must load in under two
minutes on SQLite and PostgreSQL, full-text indexes included.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from db import demo_names as names
from db.demo_agenda import add_agenda
from db.demo_mediation import add_mediation_cases
from db.demo_pathways import add_pathways
from db.demo_preparation import add_preparations
from db.errors import GuichetError
from db.models import Civility, Person, PersonKind, Role, Site, SiteKind, Staff
from db.services import audit
from db.services.people import PROFESSIONS
from db.validation import fold

SIZES = {"small": 5_000, "large": 200_000}
TIME_ZONE = "Europe/Paris"
DEPARTMENT = "38"
# Dated data spans the year before the reference day and the three months after it.
PAST = timedelta(days=365)
FUTURE = timedelta(days=92)
CHUNK = 10_000

Progress = Callable[[int, int, str], None]


class DemoRefused(GuichetError):
    """The demo data was not written (the database is not empty, or the size is unknown)."""


# -- what the steps share ----------------------------------------------------------------

@dataclass(frozen=True)
class DemoSite:
    id: uuid.UUID
    name: str
    kind: SiteKind
    city: str
    sector: str
    break_minutes: int


@dataclass(frozen=True)
class DemoStaff:
    id: uuid.UUID
    login: str
    role: Role
    site_id: uuid.UUID


@dataclass
class DemoContext:
    """The transaction, the reference day and what earlier steps created."""

    session: Session
    seed: int
    people_count: int
    today: date
    progress: Progress
    sites: list[DemoSite] = field(default_factory=list)
    staff: list[DemoStaff] = field(default_factory=list)
    people: dict[PersonKind, list[uuid.UUID]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def midnight(self) -> datetime:
        """The start of the reference day, in UTC: every "past" timestamp is before it."""
        return datetime.combine(self.today, time(), UTC)

    def random_for(self, step_name: str) -> random.Random:
        return random.Random(f"{self.seed}:{step_name}")

    def past_moment(self, rng: random.Random, after: datetime | None = None) -> datetime:
        """A moment in the last twelve months (and after ``after`` when given)."""
        start = after or self.midnight - PAST
        span = int((self.midnight - start).total_seconds())
        return start + timedelta(seconds=rng.randrange(max(span, 1)))

    def entity_columns(self, rng: random.Random) -> dict:
        """The conventional columns of a new row: id, timestamps, version, not deleted."""
        created = self.past_moment(rng)
        updated = created if rng.random() < 0.7 else self.past_moment(rng, after=created)
        return {"id": new_id(rng), "created_at": created, "updated_at": updated,
                "version": 1, "deleted_at": None}

    def insert_rows(self, model, rows: Iterable[dict], total: int, label: str) -> None:
        """Bulk-insert ``rows`` in chunks, reporting progress between them."""
        chunk: list[dict] = []
        done = 0
        self.progress(0, total, label)
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                self.session.execute(insert(model.__table__), chunk)
                done += len(chunk)
                chunk.clear()
                self.progress(done, total, label)
        if chunk:
            self.session.execute(insert(model.__table__), chunk)
            self.progress(total, total, label)


def new_id(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded generator, so ids repeat with the seed."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    size: str
    counts: dict[str, int]
    lines: tuple[str, ...]

    def describe(self) -> str:
        """What was created, in French, one line per area."""
        return "\n".join(self.lines)


def number(n: int) -> str:
    """« 200 000 »: French digit grouping with a narrow no-break space."""
    return f"{n:,}".replace(",", "\u202f")


def counted(n: int, singular: str, plural: str) -> str:
    return f"{number(n)} {singular if n == 1 else plural}"


# -- sites ---------------------------------------------------------------------------------

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
            "break_minutes": BREAK_MINUTES.get(kind, 0),
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


# -- staff ---------------------------------------------------------------------------------

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


# -- people --------------------------------------------------------------------------------

MOBILE_PREFIXES = ["060", "061", "062", "064", "065", "066", "067", "068",
                   "075", "076", "077", "078"]
LANDLINE_PREFIXES = ["0476", "0438", "0474", "0456"]


class PersonFactory:
    """Draws person rows; keeps the identifiers already used so that they stay unique."""

    def __init__(self, context: DemoContext, rng: random.Random):
        self.context = context
        self.rng = rng
        self.nirs: set[str] = set()
        self.identifiers: set[str] = set()  # RPPS and SIRET
        self.communes = names.ISERE_COMMUNES
        self.commune_weights = [c[3] for c in names.ISERE_COMMUNES]
        self.professions = list(PROFESSIONS)

    # Shared pieces -------------------------------------------------------------------------
    def row(self, kind: PersonKind, **values) -> dict:
        rng = self.rng
        city, _insee, postcode, _weight = rng.choices(self.communes, self.commune_weights)[0]
        street = f"{rng.choice(names.STREET_KINDS)} {rng.choice(names.STREET_NAMES)}"
        row = self.context.entity_columns(rng) | {
            "kind": kind, "civility": None, "last_name": "", "first_name": "",
            "birth_name": "", "birth_date": None, "nir": None, "profession": None,
            "rpps": None, "organisation_name": "", "siret": None, "phone": None,
            "phone_digits": None, "email": None,
            "address": f"{rng.randint(1, 140)} {street}", "postcode": postcode, "city": city,
        } | values
        # Exactly the key db.services.people computes, so lists sort the same way.
        row["sort_key"] = fold(
            f"{row['last_name'] or row['organisation_name']} {row['first_name']}"
        ).strip()
        return row

    def phone(self, mobile_share: float) -> dict:
        """E.164 and national digits, as ``validation.clean_phone``/``phone_digits`` give."""
        rng = self.rng
        if rng.random() < mobile_share:
            prefix = rng.choice(MOBILE_PREFIXES)
        else:
            prefix = rng.choice(LANDLINE_PREFIXES)
        digits = prefix + "".join(rng.choices("0123456789", k=10 - len(prefix)))
        return {"phone": "+33" + digits[1:], "phone_digits": digits}

    def unique(self, draw: Callable[[], str], used: set[str]) -> str:
        value = draw()
        while value in used:
            value = draw()
        used.add(value)
        return value

    def luhn_number(self, prefix: str, length: int) -> str:
        body = prefix + "".join(self.rng.choices("0123456789", k=length - len(prefix) - 1))
        return body + luhn.calc_check_digit(body)

    # Beneficiaries -------------------------------------------------------------------------
    def birth_date(self) -> date:
        rng = self.rng
        band = rng.random()
        if band < 0.1:
            years = rng.uniform(0, 18)
        elif band < 0.95:
            years = rng.uniform(18, 85)
        else:
            years = rng.uniform(85, 100)
        return self.context.today - timedelta(days=int(years * 365.25))

    def birth_place(self, birth_year: int) -> str:
        """Département and commune, five characters of the NIR."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.55:
            return rng.choices(self.communes, self.commune_weights)[0][1]
        if draw < 0.75:
            return rng.choice(names.NEIGHBOUR_DEPARTMENTS) + f"{rng.randint(1, 400):03d}"
        if draw < 0.88 or (draw < 0.89 and birth_year < 1976):
            return rng.choice(names.OTHER_DEPARTMENTS) + f"{rng.randint(1, 400):03d}"
        if draw < 0.89:  # Corsica has been 2A/2B since 1976
            return rng.choice(names.CORSICA) + f"{rng.randint(1, 360):03d}"
        if draw < 0.92:
            department, communes = rng.choice(list(names.OVERSEAS.items()))
            return department + f"{rng.randint(1, communes):02d}"
        return "99" + rng.choice(names.COUNTRIES)

    def nir(self, sex: str, born: date) -> str:
        def draw() -> str:
            head = (f"{sex}{born.year % 100:02d}{born.month:02d}{self.birth_place(born.year)}"
                    f"{self.rng.randint(1, 999):03d}")
            return head + stdnum_nir.calc_check_digits(head)

        return self.unique(draw, self.nirs)

    def email(self, first_name: str, last_name: str) -> str:
        rng = self.rng
        local = ".".join(
            "".join(c for c in fold(part) if c.isalnum() or c == "-")
            for part in (first_name, last_name)
        )
        if rng.random() < 0.4:
            local += str(rng.randint(1, 99))
        return f"{local}@{rng.choice(names.EMAIL_DOMAINS)}"

    def beneficiary(self) -> dict:
        rng = self.rng
        female = rng.random() < 0.52
        first_name = rng.choice(names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES)
        last_name = rng.choice(names.LAST_NAMES)
        born = self.birth_date()
        adult = (self.context.today - born).days > 25 * 365
        values = {
            "civility": Civility.MADAME if female else Civility.MONSIEUR,
            "first_name": first_name, "last_name": last_name, "birth_date": born,
            "nir": self.nir("2" if female else "1", born),
            "birth_name": (rng.choice(names.LAST_NAMES)
                           if female and adult and rng.random() < 0.3 else ""),
        }
        if rng.random() < 0.85:
            values |= self.phone(mobile_share=0.8)
        if rng.random() < 0.75:
            values["email"] = self.email(first_name, last_name)
        return self.row(PersonKind.BENEFICIARY, **values)

    # Health professionals and employers ----------------------------------------------------
    def health_professional(self, index: int) -> dict:
        rng = self.rng
        profession = self.professions[index % len(self.professions)]
        female = rng.random() < 0.5
        first_name = rng.choice(names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES)
        last_name = rng.choice(names.LAST_NAMES)
        city = rng.choices(self.communes, self.commune_weights)[0][0]
        organisation = names.HEALTH_ORGANISATIONS.get(profession, "").format(
            theme=rng.choice(names.COMPANY_THEMES), city=city)
        return self.row(
            PersonKind.HEALTH_PROFESSIONAL,
            first_name=first_name, last_name=last_name, profession=profession,
            organisation_name=organisation,
            rpps=self.unique(lambda: self.luhn_number("10", 11), self.identifiers),
            email=self.email(first_name, last_name),
            **self.phone(mobile_share=0.3),
        )

    def company_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            name = f"{rng.choice(names.COMPANY_TRADES)} {rng.choice(names.LAST_NAMES)}"
        else:
            name = f"{rng.choice(names.COMPANY_THEMES)} {rng.choice(names.COMPANY_ACTIVITIES)}"
        return f"{name} {rng.choice(names.COMPANY_FORMS)}" if rng.random() < 0.6 else name

    def siret(self) -> str:
        """A SIREN (Luhn over 9 digits), an establishment number, and Luhn over all 14."""
        def draw() -> str:
            head = self.luhn_number("", 9) + f"{self.rng.randint(1, 99):04d}"
            return head + luhn.calc_check_digit(head)

        return self.unique(draw, self.identifiers)

    def employer(self) -> dict:
        name = self.company_name()
        slug = "".join(c for c in fold(name) if c.isalnum())[:30]
        return self.row(
            PersonKind.EMPLOYER, organisation_name=name, siret=self.siret(),
            email=f"contact@{slug}.fr", **self.phone(mobile_share=0.1),
        )


PEOPLE_LABELS = {
    PersonKind.BENEFICIARY: ("assuré", "assurés"),
    PersonKind.HEALTH_PROFESSIONAL: ("professionnel de santé", "professionnels de santé"),
    PersonKind.EMPLOYER: ("employeur", "employeurs"),
}


def people_mix(total: int) -> dict[PersonKind, int]:
    """Mostly insured persons; at least one professional of each kind and a few employers."""
    others = max(len(PROFESSIONS), total * 3 // 100)
    others = min(others, total // 3)
    return {
        PersonKind.BENEFICIARY: total - 2 * others,
        PersonKind.HEALTH_PROFESSIONAL: others,
        PersonKind.EMPLOYER: others,
    }


def add_people(context: DemoContext, rng: random.Random) -> None:
    factory = PersonFactory(context, rng)
    mix = people_mix(context.people_count)
    for kind in PersonKind:
        context.people[kind] = []

    def rows() -> Iterator[dict]:
        draws = {
            PersonKind.BENEFICIARY: lambda _index: factory.beneficiary(),
            PersonKind.HEALTH_PROFESSIONAL: factory.health_professional,
            PersonKind.EMPLOYER: lambda _index: factory.employer(),
        }
        for kind, count in mix.items():
            for index in range(count):
                row = draws[kind](index)
                context.people[kind].append(row["id"])
                yield row

    total = sum(mix.values())
    context.insert_rows(Person, rows(), total, "Personnes…")
    context.counts["people"] = total
    by_kind = ", ".join(counted(mix[kind], *labels) for kind, labels in PEOPLE_LABELS.items())
    context.lines.append(f"{counted(total, 'personne', 'personnes')} : {by_kind}")


# -- the generator -------------------------------------------------------------------------

Step = Callable[[DemoContext, random.Random], None]
# In order: a step may use what the steps before it created.
STEPS: list[Step] = [add_sites, add_staff, add_people, add_agenda, add_preparations,
                     add_mediation_cases, add_pathways]

NOT_EMPTY = ("La base contient déjà des données : les données de démonstration ne "
             "s'ajoutent qu'à une base vide.")


def generate(
    store,
    size: str = "small",
    seed: int = 2026,
    progress: Progress | None = None,
    *,
    people_count: int | None = None,
    today: date | None = None,
) -> DemoSummary:
    """Fill an empty database with demo data; refuse (writing nothing) if it holds any.

    ``size`` is a key of ``SIZES``. ``people_count`` overrides the number of people of that
    size (tests use a few hundred to stay fast). ``today`` is the reference day dated data
    is spread around (default: today).
    """
    if size not in SIZES:
        raise DemoRefused(f"Taille inconnue « {size} » : small ou large.")
    with store.session() as session:
        occupied = session.scalar(select(
            exists().select_from(Staff) | exists().select_from(Site)
            | exists().select_from(Person)
        ))
        if occupied:
            raise DemoRefused(NOT_EMPTY)
        context = DemoContext(
            session=session, seed=seed,
            people_count=SIZES[size] if people_count is None else people_count,
            today=today or date.today(), progress=progress or (lambda *_: None),
        )
        for step in STEPS:
            step(context, context.random_for(step.__name__))
        audit.record(session, None, "generate", "demo_data",
                     new_id(context.random_for("audit")), seed=seed, size=size,
                     **context.counts)
    return DemoSummary(seed, size, dict(context.counts),
                       (*context.lines, f"Graine {seed}, taille {size}."))
