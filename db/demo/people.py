"""The demo's people: insured persons with valid NIRs, health professionals and employers."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from db.demo import names
from db.demo.context import DemoContext, counted
from db.people.labels import PROFESSIONS
from db.people.models import Civility, MessageChannel, Person, PersonKind
from db.validation import fold

MOBILE_PREFIXES = ["060", "061", "062", "064", "065", "066", "067", "068",
                   "075", "076", "077", "078"]


LANDLINE_PREFIXES = ["0476", "0438", "0474", "0456"]
# Who accepts messages about their appointments: about half of the insured with an e-mail
# take them by e-mail, a third of the others with a mobile by SMS (RDV Service Public's
# reminders reach most of its users).
EMAIL_CONSENT, SMS_CONSENT = 0.5, 0.35


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
        # Its own generator: the people drawn stay the same whatever the consent.
        self.consents = context.random_for("message_consent")

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
            "message_channel": MessageChannel.NONE, "message_consent_on": None,
            "address": f"{rng.randint(1, 140)} {street}", "postcode": postcode, "city": city,
        } | values
        # Exactly the key db.people.records computes, so lists sort the same way.
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
        return self.row(PersonKind.BENEFICIARY, **values, **self.consent(values))

    def consent(self, values: dict) -> dict:
        """The channel a person accepted for messages, and the day they said so."""
        draw = self.consents
        mobile = (values.get("phone") or "").startswith(("+336", "+337"))
        if values.get("email") and draw.random() < EMAIL_CONSENT:
            channel = MessageChannel.EMAIL
        elif mobile and draw.random() < SMS_CONSENT:
            channel = MessageChannel.SMS
        else:
            return {}
        return {"message_channel": channel, "message_consent_on": self.context.today
                - timedelta(days=draw.randrange(1, 700))}

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
