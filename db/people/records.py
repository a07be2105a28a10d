"""The people registry: create, edit and read a person (search is in ``search``)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import validation
from db.errors import ValidationError
from db.org.access import Permission
from db.org.staff import staff_names
from db.people.labels import PROFESSIONS, display_name
from db.people.models import Person, PersonKind
from db.unit import INCLUDE_DELETED, Unit, audit, rows


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
    anonymised: bool = False  # its identity erased (GDPR art. 17): nothing left to edit


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
            other = session.scalar(select(Person).where(column == values[field])
                                   .execution_options(**{INCLUDE_DELETED: True}))
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


def create_person(unit: Unit, data: PersonInput) -> uuid.UUID:
    unit.require(Permission.EDIT_PEOPLE)
    values = _validate(unit.session, data, None)
    return rows.create(unit, Person(**values), kind=data.kind.value).id


def update_person(
    unit: Unit, person_id: uuid.UUID, expected_version: int, data: PersonInput,
) -> int:
    """Apply an edit made on version ``expected_version``; refuse it if the row moved on."""
    unit.require(Permission.EDIT_PEOPLE)
    person = rows.load_version(unit, Person, person_id, expected_version)
    if not unit.actor.can(Permission.VIEW_NIR):
        # The form showed this role the NIR masked: it keeps the stored one, unchanged.
        data = replace(data, nir=person.nir or "")
    rows.save(unit, person, _validate(unit.session, data, person_id))
    return person.version


def get_person(unit: Unit, person_id: uuid.UUID) -> PersonRecord:
    unit.require(Permission.VIEW_PEOPLE)
    person = rows.load(unit, Person, person_id)
    sees_nir = unit.actor.can(Permission.VIEW_NIR)
    data = PersonInput(**{f.name: getattr(person, f.name) or _empty(f.name)
                          for f in fields(PersonInput)})
    anonymised = validation.is_anonymised_nir(person.nir)
    data.nir = person.nir if sees_nir and person.nir and not anonymised else ""
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
        history=_history(unit, person.id),
        anonymised=anonymised,
    )


def _empty(field: str):
    return None if field == "birth_date" else ""


_ACTION_LABELS = {"create": "Fiche créée", "update": "Fiche modifiée"}


def _history(unit: Unit, person_id: uuid.UUID) -> list[tuple[datetime, str, str]]:
    events = audit.history(unit, "person", person_id)
    names = staff_names(unit.session, {e.actor_id for e in events})
    return [
        (e.occurred_at, names.get(e.actor_id, "Système"), _ACTION_LABELS.get(e.action, e.action))
        for e in events
    ]
