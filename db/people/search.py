"""People search: by name prefix (the engine's full-text index), NIR prefix or phone prefix,
and the lines of a person list (NIR masked)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Uuid, null, select, text
from sqlalchemy.orm import Session

from db import validation
from db.errors import PermissionDenied
from db.org.access import Permission
from db.people.labels import KIND_LABELS
from db.people.models import Person, PersonKind
from db.unit import Unit

SEARCH_LIMIT = 2000
# The rows a list shows before any scrolling: searched first, so the screen fills before
# the rest of the answer (up to SEARCH_LIMIT) has been sorted and counted.
FIRST_PAGE = 64
_NIR_PREFIX = re.compile(r"^[1278][0-9AB]+$")
NIR_SEARCH_REFUSED = ("Votre rôle ne permet pas de chercher une personne par son NIR : "
                      "cherchez-la par son nom ou son téléphone.")
_PHONE_PREFIX = re.compile(r"^(\+|0)[0-9]+$")


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


def _prefix_range(column, prefix: str):
    # A half-open range rather than LIKE: uses the B-tree index on every engine.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < upper)


def _name_query(session: Session, words: list[str]):
    if session.bind.dialect.name == "sqlite":
        match = validation.prefix_fts5(words)
        return text(
            "SELECT p.id FROM person_fts f JOIN person p ON p.rowid = f.rowid "
            "WHERE person_fts MATCH :match AND p.deleted_at IS NULL "
            "ORDER BY p.sort_key, p.id LIMIT :limit"
        ).bindparams(match=match).columns(id=Uuid())
    query = validation.prefix_tsquery(words)
    # The matches apart (MATERIALIZED), then sorted: under a small LIMIT the planner would
    # rather walk the name index in order and test each row, which reads half the table
    # for a prefix whose matches all lie further down the alphabet (« lef »: 30 ms, not 5).
    return text(
        "WITH matches AS MATERIALIZED (SELECT id, sort_key FROM person "
        "WHERE search_vector @@ to_tsquery('guichet_names', :query) AND deleted_at IS NULL) "
        "SELECT id FROM matches ORDER BY sort_key, id LIMIT :limit"
    ).bindparams(query=query).columns(id=Uuid())


def search_people(unit: Unit, query: str, limit: int = SEARCH_LIMIT) -> list[uuid.UUID]:
    """Ids of the first ``limit`` people matching, in name order (namesakes by id, so that
    the first page of an answer is the start of the whole answer).

    ``query`` is a name prefix (accents and case ignored, several words narrow down),
    a NIR prefix (spaces ignored) or a phone number prefix (« 06 12 », « +33 6 12 »).
    """
    unit.require(Permission.VIEW_PEOPLE)
    session = unit.session
    compacted = validation.compact(query)
    if compacted.startswith("+33"):
        compacted = "0" + compacted[3:]
    if len(compacted) >= 2 and _PHONE_PREFIX.match(compacted):
        column = Person.phone if compacted.startswith("+") else Person.phone_digits
        statement = select(Person.id).where(_prefix_range(column, compacted))
    elif len(compacted) >= 2 and _NIR_PREFIX.match(compacted) and compacted[1:3].isdigit():
        if not unit.actor.can(Permission.VIEW_NIR):
            raise PermissionDenied(NIR_SEARCH_REFUSED)
        statement = select(Person.id).where(_prefix_range(Person.nir, compacted))
    else:
        words = validation.search_words(query)
        if not words:
            return []
        return list(session.scalars(_name_query(session, words), {"limit": limit}))
    return list(session.scalars(statement.order_by(Person.sort_key, Person.id).limit(limit)))


def people_rows(unit: Unit, ids: list[uuid.UUID]) -> list[PersonRow]:
    """The list lines of these people, in the order of ``ids`` (missing ones left out)."""
    unit.require(Permission.VIEW_PEOPLE)
    if not ids:
        return []
    # The list's columns only, as plain rows: loading whole Person objects cost as much as
    # the search that comes before it.
    # A role that may not see a NIR does not read it, even masked.
    nir = Person.nir if unit.actor.can(Permission.VIEW_NIR) else null().label("nir")
    found = {r.id: r for r in unit.session.execute(
        select(Person.id, Person.kind, Person.last_name, Person.first_name,
               Person.organisation_name, nir, Person.birth_date, Person.phone,
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


def all_people(unit: Unit, limit: int | None = None) -> list[uuid.UUID]:
    """Ids of everyone, in name order: the whole list, for an export without a search."""
    unit.require(Permission.VIEW_PEOPLE)
    statement = select(Person.id).order_by(Person.sort_key, Person.id)
    return list(unit.session.scalars(statement if limit is None else statement.limit(limit)))
