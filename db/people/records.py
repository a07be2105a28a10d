"""The people registry: create, edit and read a person (search is in ``search``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from db import validation
from db.errors import NotFound, ValidationError
from db.org.access import Permission
from db.org.staff import staff_names
from db.people import rules
from db.people.consent import consent_errors
from db.people.events import ContactsChanged
from db.people.labels import PROFESSIONS, display_name
from db.people.models import MessageChannel, Person, PersonKind
from db.unit import INCLUDE_DELETED, Unit, audit, rows, text


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
    message_channel: MessageChannel = MessageChannel.NONE  # what the person accepts


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
    message_consent_on: date | None = None  # the day the message channel was chosen
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

    for field in ("last_name", "first_name", "birth_name", "organisation_name"):
        values[field] = rules.clean_name(getattr(data, field))

    is_person = data.kind is not PersonKind.EMPLOYER
    for field in ("last_name", "first_name"):
        if problem := rules.name_problem(field, values[field], required=is_person):
            errors[field] = problem
    if data.kind is PersonKind.EMPLOYER and not values["organisation_name"]:
        errors["organisation_name"] = "La raison sociale est obligatoire."

    values["nir"] = None
    if data.kind is PersonKind.BENEFICIARY:
        clean("nir", validation.clean_nir, data.nir)
    elif data.nir.strip():
        errors["nir"] = "Seul un assuré a un NIR dans le registre."

    values["birth_date"] = data.birth_date
    if data.birth_date is not None:
        if problem := rules.birth_date_problem(data.birth_date, values.get("nir")):
            errors["birth_date"] = problem
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

    _clean_contact(data, values, errors)

    for field, column, label in (("nir", Person.nir, "NIR"), ("siret", Person.siret, "SIRET")):
        if values.get(field) and field not in errors:
            other = session.scalar(select(Person).where(column == values[field])
                                   .execution_options(**{INCLUDE_DELETED: True}))
            if other is not None and other.id != person_id:
                errors[field] = f"Ce {label} est déjà enregistré pour {display_name(other)}."

    # Every other text as its column holds it (the rule of every write, said with the rest).
    errors = text.problems(Person, {k: v for k, v in values.items() if k not in errors}) | errors
    if errors:
        raise ValidationError(errors)
    return values | derived_values(values)


# Columns computed from the others, never typed: a laptop's sync recomputes them where an
# edit is applied instead of merging them (db.replica).
DERIVED_COLUMNS = frozenset({"civility", "phone_digits", "sort_key"})


def derived_values(values: Mapping[str, object]) -> dict[str, object]:
    """The derived columns that ``values`` (a person's columns, all or some) determine."""
    derived: dict[str, object] = {}
    if "nir" in values:
        derived["civility"] = validation.nir_sex(values["nir"]) if values["nir"] else None
    if "phone" in values:
        derived["phone_digits"] = validation.phone_digits(values["phone"])
    if {"last_name", "organisation_name", "first_name"} <= values.keys():
        derived["sort_key"] = validation.fold(
            f"{values['last_name'] or values['organisation_name']} {values['first_name']}"
        ).strip()
    return derived


# What a partner may change: how to reach the person, and how they want to be reminded.
CONTACT_FIELDS = ("phone", "email", "address", "postcode", "city", "message_channel")
CONTACT_ONLY = ("Votre rôle ne permet de modifier que les coordonnées de la personne "
                "(téléphone, e-mail, adresse).")


def _clean_contact(data: PersonInput, values: dict, errors: dict[str, str]) -> None:
    for field in ("address", "postcode", "city"):
        values[field] = rules.clean_name(getattr(data, field))
    for field, cleaner in (("phone", validation.clean_phone),
                           ("email", validation.clean_email)):
        try:
            values[field] = cleaner(getattr(data, field))
        except ValueError as error:
            errors[field] = str(error)
    if values["postcode"] and not re.fullmatch(r"\d{5}", values["postcode"]):
        errors["postcode"] = "Le code postal doit compter 5 chiffres."
    values["message_channel"] = MessageChannel(data.message_channel)
    if not {"phone", "email"} & errors.keys():
        errors.update(consent_errors(values["message_channel"], values["phone"],
                                     values["email"]))


def _contact_values(person: Person, data: PersonInput) -> dict:
    """The contact details of an edit by a role that may change nothing else: any other
    field that differs from the record is refused, not dropped."""
    errors: dict[str, str] = {}
    for field in fields(PersonInput):
        if field.name in (*CONTACT_FIELDS, "nir"):
            continue
        if (getattr(data, field.name) or None) != (getattr(person, field.name) or None):
            errors[field.name] = CONTACT_ONLY
    values: dict[str, object] = {}
    _clean_contact(data, values, errors)
    errors = text.problems(Person, {k: v for k, v in values.items() if k not in errors}) | errors
    if errors:
        raise ValidationError(errors)
    return values | derived_values(values)


def create_person(unit: Unit, data: PersonInput) -> uuid.UUID:
    unit.require(Permission.EDIT_PEOPLE)
    values = _validate(unit.session, data, None)
    if values["message_channel"] is not MessageChannel.NONE:
        values["message_consent_on"] = date.today()
    return rows.create(unit, Person(**values), kind=data.kind.value).id


def update_person(
    unit: Unit, person_id: uuid.UUID, expected_version: int, data: PersonInput,
) -> int:
    """Apply an edit made on version ``expected_version``; refuse it if the row moved on."""
    unit.require(Permission.EDIT_CONTACT)
    person = rows.load_version(unit, Person, person_id, expected_version)
    if not unit.actor.can(Permission.EDIT_PEOPLE):  # a partner: never reads the NIR
        values = _contact_values(person, data)
    else:
        if not unit.actor.can(Permission.VIEW_NIR):
            # The form showed this role the NIR masked: it keeps the stored one, unchanged.
            data = replace(data, nir=person.nir or "")
        values = _validate(unit.session, data, person_id)
    if values["message_channel"] is not person.message_channel:
        values["message_consent_on"] = date.today()  # the day the person said so
    changed = rows.save(unit, person, values)
    if {"phone", "email"} & set(changed):
        unit.raise_event(ContactsChanged(person.id))
    return person.version


# The audit action of a NIR handed over in clear; the record's own history leaves it out
# (it tells what was done to the record, not who read it).
READ_NIR = "read_nir"


def get_person(unit: Unit, person_id: uuid.UUID) -> PersonRecord:
    """The record as the actor's role may see it. Handing over the NIR in clear is a
    reading of it, audited (ids only); a masked NIR is not."""
    unit.require(Permission.VIEW_PEOPLE)
    person = rows.load(unit, Person, person_id)
    sees_nir = unit.actor.can(Permission.VIEW_NIR)
    # The NIR column is read only by a role that may see it (it is deferred). A role that
    # may not read it cannot tell an anonymised record either: it edits contact details only.
    anonymised = sees_nir and validation.is_anonymised_nir(person.nir)
    if sees_nir and person.nir and not anonymised:
        audit.record(unit, READ_NIR, "person", person.id)
    data = PersonInput(**{f.name: getattr(person, f.name) or _empty(f.name)
                          for f in fields(PersonInput) if f.name != "nir"})
    data.nir = (person.nir or "") if sees_nir and not anonymised else ""
    data.phone = validation.format_phone(person.phone)
    data.email = person.email or ""
    nir_display = validation.format_nir(data.nir) if data.nir else ""
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
        message_consent_on=person.message_consent_on,
        anonymised=anonymised,
    )


@dataclass(frozen=True)
class PersonContact:
    """How to reach a person, and nothing more (no NIR): what a booking shows."""

    id: uuid.UUID
    display_name: str
    phone_display: str
    email: str


def get_contact(unit: Unit, person_id: uuid.UUID) -> PersonContact:
    unit.require(Permission.VIEW_PEOPLE)
    # Only the columns shown: the NIR is not even read (a partner's server role may not).
    person = unit.session.scalar(select(Person).where(Person.id == person_id).options(
        load_only(Person.kind, Person.last_name, Person.first_name, Person.organisation_name,
                  Person.phone, Person.email)))
    if person is None:
        raise NotFound(Person.not_found)
    return PersonContact(person.id, display_name(person),
                         validation.format_phone(person.phone), person.email or "")


def _empty(field: str):
    return None if field == "birth_date" else ""


_ACTION_LABELS = {"create": "Fiche créée", "update": "Fiche modifiée"}


def _history(unit: Unit, person_id: uuid.UUID) -> list[tuple[datetime, str, str]]:
    events = audit.history(unit, "person", person_id, except_actions=(READ_NIR,))
    names = staff_names(unit.session, {e.actor_id for e in events})
    return [
        (e.occurred_at, names.get(e.actor_id, "Système"), _ACTION_LABELS.get(e.action, e.action))
        for e in events
    ]
