"""The people registry: create, edit, search and read persons."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from sqlalchemy import Uuid, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import validation
from db.errors import ConflictError, NotFound, ValidationError
from db.models import Person, PersonKind, Staff
from db.services import audit
from db.services.access import Actor, Permission
from db.services.rows import set_changed

KIND_LABELS = {
    PersonKind.BENEFICIARY: "Assuré(e)",
    PersonKind.HEALTH_PROFESSIONAL: "Professionnel de santé",
    PersonKind.EMPLOYER: "Employeur",
}

# The 14 categories of health professionals the CPAM deals with.
PROFESSIONS = {
    "general_practitioner": "Médecin généraliste",
    "specialist": "Médecin spécialiste",
    "dentist": "Chirurgien-dentiste",
    "midwife": "Sage-femme",
    "pharmacist": "Pharmacien",
    "nurse": "Infirmier",
    "physiotherapist": "Masseur-kinésithérapeute",
    "speech_therapist": "Orthophoniste",
    "orthoptist": "Orthoptiste",
    "podiatrist": "Pédicure-podologue",
    "laboratory": "Laboratoire de biologie médicale",
    "medical_transport": "Transporteur sanitaire",
    "medical_supplier": "Fournisseur de dispositifs médicaux",
    "health_centre": "Centre de santé",
}

SEARCH_LIMIT = 2000
# The rows a list shows before any scrolling: searched first, so the screen fills before
# the rest of the answer (up to SEARCH_LIMIT) has been sorted and counted.
FIRST_PAGE = 64
_NIR_PREFIX = re.compile(r"^[1278][0-9AB]+$")
_PHONE_PREFIX = re.compile(r"^(\+|0)[0-9]+$")
_WORD = re.compile(r"\w+")


@dataclass
class PersonInput:
    """What a form or an import submits; raw text, cleaned by ``validate``."""

    kind: PersonKind
    last_name: str = ""
    first_name: str = ""
    birth_name: str = ""
    birth_date: date | None = None
    nir: str = ""
    profession: str = ""
    rpps: str = ""
    organisation_name: str = ""
    siret: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""


@dataclass(frozen=True)
class PersonRow:
    """One line of a person list: nothing sensitive (NIR masked)."""

    id: uuid.UUID
    kind: PersonKind
    name: str
    first_name: str
    masked_nir: str
    birth_date: date | None
    phone: str
    city: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class PersonRecord:
    """A person opened by a user: the full identity as their role allows."""

    id: uuid.UUID
    version: int
    data: PersonInput
    display_name: str
    nir_display: str
    phone_display: str
    created_at: datetime
    updated_at: datetime
    history: list[tuple[datetime, str, str]]  # when, who, what (in French)


def display_name(person: Person) -> str:
    if person.kind is PersonKind.EMPLOYER:
        return person.organisation_name
    return f"{person.last_name.upper()} {person.first_name}".strip()


def _validate(session: Session, data: PersonInput, person_id: uuid.UUID | None) -> dict:
    """Clean every field; collect every French message before refusing."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {"kind": data.kind}

    def clean(field: str, cleaner, raw) -> None:
        try:
            values[field] = cleaner(raw)
        except ValueError as error:
            errors[field] = str(error)

    for field in ("last_name", "first_name", "birth_name", "organisation_name",
                  "address", "postcode", "city"):
        values[field] = " ".join(getattr(data, field).split())

    is_person = data.kind is not PersonKind.EMPLOYER
    if is_person and not values["last_name"]:
        errors["last_name"] = "Le nom est obligatoire."
    if is_person and not values["first_name"]:
        errors["first_name"] = "Le prénom est obligatoire."
    if data.kind is PersonKind.EMPLOYER and not values["organisation_name"]:
        errors["organisation_name"] = "La raison sociale est obligatoire."

    values["nir"] = None
    if data.kind is PersonKind.BENEFICIARY:
        clean("nir", validation.clean_nir, data.nir)
    elif data.nir.strip():
        errors["nir"] = "Seul un assuré a un NIR dans le registre."

    values["birth_date"] = data.birth_date
    if data.birth_date is not None:
        if data.birth_date > date.today():
            errors["birth_date"] = "La date de naissance ne peut pas être dans le futur."
        elif data.birth_date.year < 1900:
            errors["birth_date"] = "La date de naissance est antérieure à 1900."
        elif values.get("nir"):
            mismatch = validation.nir_birth_date_mismatch(values["nir"], data.birth_date)
            if mismatch:
                errors["birth_date"] = mismatch
    elif data.kind is PersonKind.BENEFICIARY:
        errors["birth_date"] = "La date de naissance est obligatoire."

    values["profession"] = values["rpps"] = None
    if data.kind is PersonKind.HEALTH_PROFESSIONAL:
        if data.profession not in PROFESSIONS:
            errors["profession"] = "Choisissez la profession."
        else:
            values["profession"] = data.profession
        clean("rpps", validation.clean_rpps, data.rpps)

    values["siret"] = None
    if data.kind is PersonKind.EMPLOYER:
        clean("siret", validation.clean_siret, data.siret)

    clean("phone", validation.clean_phone, data.phone)
    clean("email", validation.clean_email, data.email)
    if values["postcode"] and not re.fullmatch(r"\d{5}", values["postcode"]):
        errors["postcode"] = "Le code postal doit compter 5 chiffres."

    for field, column, label in (("nir", Person.nir, "NIR"), ("siret", Person.siret, "SIRET")):
        if values.get(field) and field not in errors:
            other = session.scalar(select(Person).where(column == values[field]))
            if other is not None and other.id != person_id:
                errors[field] = f"Ce {label} est déjà enregistré pour {display_name(other)}."

    if errors:
        raise ValidationError(errors)
    values["civility"] = (
        validation.nir_sex(values["nir"]) if values["nir"] else None
    )
    values["phone_digits"] = validation.phone_digits(values["phone"])
    values["sort_key"] = validation.fold(
        f"{values['last_name'] or values['organisation_name']} {values['first_name']}"
    ).strip()
    return values


def create_person(session: Session, actor: Actor, data: PersonInput) -> uuid.UUID:
    actor.require(Permission.EDIT_PEOPLE)
    values = _validate(session, data, None)
    person = Person(**values)
    session.add(person)
    session.flush()
    audit.record(session, actor, "create", "person", person.id, kind=data.kind.value)
    return person.id


def update_person(
    session: Session, actor: Actor, person_id: uuid.UUID, expected_version: int,
    data: PersonInput,
) -> int:
    """Apply an edit made on version ``expected_version``; refuse it if the row moved on."""
    actor.require(Permission.EDIT_PEOPLE)
    person = _load(session, person_id)
    if person.version != expected_version:
        raise _conflict()
    if not actor.can(Permission.VIEW_NIR):
        # The form showed this role the NIR masked: it keeps the stored one, unchanged.
        data = replace(data, nir=person.nir or "")
    values = _validate(session, data, person_id)
    changed = set_changed(person, values)
    if not changed:
        return person.version
    try:
        session.flush()
    except StaleDataError:
        raise _conflict() from None
    audit.record(session, actor, "update", "person", person.id, fields=changed)
    return person.version


def _conflict() -> ConflictError:
    return ConflictError(
        "Cette fiche a été modifiée par quelqu'un d'autre pendant votre saisie. "
        "Vos changements n'ont pas été enregistrés : rouvrez la fiche pour voir la version "
        "à jour."
    )


def _load(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        raise NotFound("Cette personne n'existe pas ou a été supprimée.")
    return person


def get_person(session: Session, actor: Actor, person_id: uuid.UUID) -> PersonRecord:
    actor.require(Permission.VIEW_PEOPLE)
    person = _load(session, person_id)
    sees_nir = actor.can(Permission.VIEW_NIR)
    data = PersonInput(**{f.name: getattr(person, f.name) or _empty(f.name)
                          for f in fields(PersonInput)})
    data.nir = person.nir if sees_nir and person.nir else ""
    data.phone = validation.format_phone(person.phone)
    data.email = person.email or ""
    nir_display = (
        validation.format_nir(person.nir) if sees_nir else validation.mask_nir(person.nir)
    ) if person.nir else ""
    return PersonRecord(
        id=person.id,
        version=person.version,
        data=data,
        display_name=display_name(person),
        nir_display=nir_display,
        phone_display=data.phone,
        created_at=person.created_at,
        updated_at=person.updated_at,
        history=_history(session, person.id),
    )


def _empty(field: str):
    return None if field == "birth_date" else ""


_ACTION_LABELS = {"create": "Fiche créée", "update": "Fiche modifiée"}


def _history(session: Session, person_id: uuid.UUID) -> list[tuple[datetime, str, str]]:
    events = audit.history(session, "person", person_id)
    names = {s.id: s.display_name for s in session.scalars(
        select(Staff).where(Staff.id.in_({e.actor_id for e in events if e.actor_id}))
    )}
    return [
        (e.occurred_at, names.get(e.actor_id, "Système"), _ACTION_LABELS.get(e.action, e.action))
        for e in events
    ]


# -- search ----------------------------------------------------------------------------

def _prefix_range(column, prefix: str):
    # A half-open range rather than LIKE: uses the B-tree index on every engine.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < upper)


def _name_query(session: Session, words: list[str]):
    if session.bind.dialect.name == "sqlite":
        match = " ".join(f'"{w}"*' for w in words)
        return text(
            "SELECT p.id FROM person_fts f JOIN person p ON p.rowid = f.rowid "
            "WHERE person_fts MATCH :match AND p.deleted_at IS NULL "
            "ORDER BY p.sort_key, p.id LIMIT :limit"
        ).bindparams(match=match).columns(id=Uuid())
    query = " & ".join(f"{w}:*" for w in words)
    # The matches apart (MATERIALIZED), then sorted: under a small LIMIT the planner would
    # rather walk the name index in order and test each row, which reads half the table
    # for a prefix whose matches all lie further down the alphabet (« lef »: 30 ms, not 5).
    return text(
        "WITH matches AS MATERIALIZED (SELECT id, sort_key FROM person "
        "WHERE search_vector @@ to_tsquery('guichet_names', :query) AND deleted_at IS NULL) "
        "SELECT id FROM matches ORDER BY sort_key, id LIMIT :limit"
    ).bindparams(query=query).columns(id=Uuid())


def search_people(
    session: Session, actor: Actor, query: str, limit: int = SEARCH_LIMIT
) -> list[uuid.UUID]:
    """Ids of the first ``limit`` people matching, in name order (namesakes by id, so that
    the first page of an answer is the start of the whole answer).

    ``query`` is a name prefix (accents and case ignored, several words narrow down),
    a NIR prefix (spaces ignored) or a phone number prefix (« 06 12 », « +33 6 12 »).
    """
    actor.require(Permission.VIEW_PEOPLE)
    compacted = validation.compact(query)
    if compacted.startswith("+33"):
        compacted = "0" + compacted[3:]
    if len(compacted) >= 2 and _PHONE_PREFIX.match(compacted):
        column = Person.phone if compacted.startswith("+") else Person.phone_digits
        statement = select(Person.id).where(_prefix_range(column, compacted))
    elif len(compacted) >= 2 and _NIR_PREFIX.match(compacted) and compacted[1:3].isdigit():
        statement = select(Person.id).where(_prefix_range(Person.nir, compacted))
    else:
        words = [validation.fold(w) for w in _WORD.findall(query)]
        if not words:
            return []
        return list(session.scalars(_name_query(session, words), {"limit": limit}))
    statement = statement.where(Person.deleted_at.is_(None)).order_by(Person.sort_key,
                                                                        Person.id)
    return list(session.scalars(statement.limit(limit)))


def people_rows(session: Session, actor: Actor, ids: list[uuid.UUID]) -> list[PersonRow]:
    """The list lines of these people, in the order of ``ids`` (missing ones left out)."""
    actor.require(Permission.VIEW_PEOPLE)
    if not ids:
        return []
    # The list's columns only, as plain rows: loading whole Person objects cost as much as
    # the search that comes before it.
    found = {r.id: r for r in session.execute(
        select(Person.id, Person.kind, Person.last_name, Person.first_name,
               Person.organisation_name, Person.nir, Person.birth_date, Person.phone,
               Person.city).where(Person.id.in_(ids))
    )}
    return [
        PersonRow(
            id=r.id,
            kind=r.kind,
            name=(r.organisation_name if r.kind is PersonKind.EMPLOYER else r.last_name.upper()),
            first_name=r.first_name,
            masked_nir=validation.mask_nir(r.nir),
            birth_date=r.birth_date,
            phone=validation.format_phone(r.phone),
            city=r.city,
        )
        for r in (found.get(i) for i in ids)
        if r is not None
    ]
