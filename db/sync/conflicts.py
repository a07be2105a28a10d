"""« Conflits à résoudre »: what the server could not take as the laptop wrote it, in words.

A conflict (``db.replica.models.replica_conflict``) keeps both versions of each field as the
journal and the server's outcome had them (JSON). Here they are said as the screens say them:
the record by its name (« Personne — DUPONT Marie »), each field by its label, each value in
French (a date, a phone number, a motive by its label, a NIR masked), who made the edit and
when, and what the person may do about it.

**What came with it.** An offline booking refused by the server (its slot taken at the
office meanwhile) takes with it the rows made in the same breath — its preparation, its
messages —, refused in turn because what they belong to is not on the server. They are
shown and resolved with it, not as conflicts of their own: one booking refused is one
conflict to resolve.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Text, select
from sqlalchemy.orm import Session

from db import validation
from db.agenda.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS
from db.callbacks.labels import CALLBACK_OUTCOME_LABELS
from db.journal.labels import DERIVED_FIELDS, FIELD_LABELS, entity_label
from db.journal.names import NAMERS, Names
from db.messages.labels import KIND_LABELS as MESSAGE_KINDS
from db.messages.labels import STATUS_LABELS as MESSAGE_STATUSES
from db.org.staff import staff_names
from db.people.labels import KIND_LABELS as PERSON_KINDS
from db.people.labels import MESSAGE_CHANNEL_LABELS
from db.preparation.labels import OUTCOME_LABELS as PREPARATION_OUTCOMES
from db.replica.models import replica_conflict, replica_op
from db.replica.values import decode
from db.sync.tables import PARIS, table
from db.wording import short_moment

# Columns no person typed: the save path's, the calendar's, the derived ones.
_UNSHOWN = frozenset({"id", "created_at", "updated_at", "version", "ical_uid",
                      "ical_sequence", "booked_by_id"}) | DERIVED_FIELDS
_PHONES = frozenset({"phone", "contact_phone"})
# Codes by their labels, by the code's own type (an enumeration member is its own key).
_LABELS = {type(next(iter(labels))): labels for labels in (
    KIND_LABELS, CHANNEL_LABELS, STATUS_LABELS, PERSON_KINDS, MESSAGE_CHANNEL_LABELS,
    MESSAGE_KINDS, MESSAGE_STATUSES, CALLBACK_OUTCOME_LABELS, PREPARATION_OUTCOMES)}
EMPTY = "—"

REFUSED_AGAIN = ("Le serveur a refusé cet enregistrement : le reprendre tel quel le ferait "
                 "refuser de nouveau. Notez ce qu'il faut garder, gardez la version du "
                 "bureau, puis saisissez-le de nouveau s'il le faut.")
REBOOK_INSTEAD = ("Ce créneau est pris au bureau : reprenez le rendez-vous sur un créneau "
                  "libre (« Reprendre le rendez-vous… »).")
NOT_VISIBLE = ("Au bureau, cet enregistrement n'est plus visible de votre rôle : votre "
               "version ne peut pas y être reprise.")


@dataclass(frozen=True)
class FieldVersions:
    """One field of a conflict: its label, this computer's value, the office's; ``name``
    is the column's, ``both_texts`` whether « Combiner » may keep the two texts."""

    name: str
    label: str
    laptop: str
    server: str
    both_texts: bool = False


@dataclass(frozen=True)
class Rebooking:
    """A booking the server refused, to book again on a free slot."""

    person_id: uuid.UUID
    person: str  # « DUPONT Marie — 06 12 34 56 78 »: whom to call back
    motive_code: str
    kind: enum.Enum
    channel: enum.Enum
    site_id: uuid.UUID
    note: str
    refused_slot: str  # « 16/03/2026 09:30 »


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    kind: str  # "field" | "deleted" | "refused"
    what: str  # « Personne — DUPONT Marie »
    reason: str
    who: str
    when: str  # when the edit was made, on the clock of the record's site (else Paris)
    fields: tuple[FieldVersions, ...]
    with_it: tuple[str, ...]  # what came with it (« Préparation »…), resolved with it
    laptop_refused: str  # why « Reprendre ma version » cannot be done ("": it can)
    rebooking: Rebooking | None


# -- the open conflicts and what came with them ----------------------------------------------

def open_rows(connection: Connection) -> list[dict]:
    """The open conflicts, oldest first, each with its operation's kind (``op_kind``)."""
    return [dict(row) for row in connection.execute(
        select(replica_conflict, replica_op.c.kind.label("op_kind"))
        .join(replica_op, replica_op.c.id == replica_conflict.c.op_id, isouter=True)
        .where(replica_conflict.c.resolved_at.is_(None))
        .order_by(replica_conflict.c.detected_at, replica_conflict.c.id)).mappings()]


def _refused_insert(row: dict) -> bool:
    return row["kind"] == "refused" and row["op_kind"] == "insert"


def followers(rows: list[dict]) -> dict[uuid.UUID, uuid.UUID]:
    """For each conflict that came with another (a refused row referring to a row whose own
    insert was refused), the conflict it goes with: the first of the chain."""
    by_row = {str(row["row_id"]): row["id"] for row in rows if _refused_insert(row)}
    parent: dict[uuid.UUID, uuid.UUID] = {}
    for row in rows:
        if not _refused_insert(row):
            continue
        for name, versions in row["fields"].items():
            value = versions.get("laptop") if isinstance(versions, dict) else None
            if (name != "id" and name.endswith("_id") and isinstance(value, str)
                    and by_row.get(value) not in (None, row["id"])):
                parent[row["id"]] = by_row[value]
                break
    roots = {}
    for child in parent:
        root, seen = parent[child], {child}
        while root in parent and root not in seen:
            seen.add(root)
            root = parent[root]
        roots[child] = root
    return roots


def count_open(connection: Connection) -> int:
    """Conflicts to resolve, those that came with another not counted apart."""
    rows = open_rows(connection)
    return len(rows) - len(followers(rows))


# -- in words --------------------------------------------------------------------------------

def open_conflicts(session: Session) -> list[ConflictView]:
    """The conflicts to resolve, in words, oldest first."""
    rows = open_rows(session.connection())
    going_with = followers(rows)
    names = Names(session)
    for row in rows:
        names.want(row["table_name"], [row["row_id"]])
        for name, versions in _shown_fields(row):
            for target in _referenced(row["table_name"], name):
                names.want(target, [_id(v) for v in _values(versions) if _id(v)])
    names.resolve()
    people = staff_names(session, {row["actor_id"] for row in rows})
    views = []
    for row in rows:
        if row["id"] in going_with:
            continue
        with_it = tuple(entity_label(other["table_name"]) for other in rows
                        if going_with.get(other["id"]) == row["id"])
        views.append(_view(session, names, people, row, with_it))
    return views


def _view(session: Session, names: Names, people: dict, row: dict,
          with_it: tuple[str, ...]) -> ConflictView:
    name = row["table_name"]
    named = names.of(name, row["row_id"])
    zone = _zone(session, name, row)
    fields = tuple(FieldVersions(field, _label(field),
                                 _text(names, name, field, versions.get("laptop"), zone),
                                 _text(names, name, field, versions.get("server"), zone)
                                 if row["kind"] != "refused" else EMPTY,
                                 row["kind"] == "field" and is_free_text(name, field))
                   for field, versions in _shown_fields(row))
    made = row["made_at"].replace(tzinfo=UTC)
    return ConflictView(
        row["id"], row["kind"], f"{entity_label(name)} — {named}" if named
        else entity_label(name), row["reason"] or "", people.get(row["actor_id"], ""),
        short_moment(made, zone), fields, with_it, laptop_refusal(session.connection(), row),
        _rebooking(session, names, row, zone))


def laptop_refusal(connection: Connection, row: dict) -> str:
    """Why the laptop's version of the conflict ``row`` cannot be taken again ("": it can)."""
    if row["kind"] == "refused":
        return REBOOK_INSTEAD if is_booking(row) else REFUSED_AGAIN
    if row["kind"] == "deleted" and not row["fields"]:
        return NOT_VISIBLE
    return ""


def is_free_text(name: str, field: str) -> bool:
    """A note or a summary: two people may each have added something worth keeping."""
    return isinstance(table(name).c[field].type, Text) and field not in _UNSHOWN


def is_booking(row: dict) -> bool:
    """A refused booking of an individual appointment (one of a workshop's seats is not
    rebooked here: its session is chosen again in the agenda)."""
    fields = row["fields"]
    return (_refused_insert(row) and row["table_name"] == "appointment"
            and not (fields.get("workshop_session_id") or {}).get("laptop"))


def _rebooking(session: Session, names: Names, row: dict, zone: str) -> Rebooking | None:
    if not is_booking(row):
        return None
    laptop = {name: versions.get("laptop") for name, versions in row["fields"].items()}
    appointment = table("appointment")
    values = {name: decode(appointment.c[name], value) for name, value in laptop.items()
              if name in appointment.c}
    motive = table("motive")
    code = session.connection().execute(select(motive.c.code).where(
        motive.c.id == values["motive_id"])).scalar_one_or_none() or ""
    person = table("person")
    phone = session.connection().execute(select(person.c.phone).where(
        person.c.id == values["person_id"])).scalar_one_or_none()
    who = " — ".join(part for part in (names.of("person", values["person_id"]),
                                       validation.format_phone(phone)) if part)
    return Rebooking(values["person_id"], who, code, values["kind"], values["channel"],
                     values["site_id"], values.get("note") or "",
                     short_moment(values["starts_at"], zone))


def _shown_fields(row: dict) -> list[tuple[str, dict]]:
    """The fields a person reads, in the table's order: none of the bookkeeping, and of a
    refused new record only those a form shows that it had a value for."""
    fields = row["fields"]
    if not all(isinstance(versions, dict) for versions in fields.values()):
        return []
    columns = table(row["table_name"]).c
    order = {column.name: index for index, column in enumerate(columns)}
    refused = row["kind"] == "refused"
    shown = [(name, versions) for name, versions in fields.items()
             if name in columns and name not in _UNSHOWN
             and (not refused or (versions.get("laptop") not in (None, "")
                                  and name in FIELD_LABELS))]
    return sorted(shown, key=lambda item: order[item[0]])


def _values(versions: dict) -> list:
    return [versions.get(side) for side in ("base", "laptop", "server")]


def _id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _referenced(name: str, field: str) -> list[str]:
    """The table a reference column points at, when its rows have names."""
    return [key.column.table.name for key in table(name).c[field].foreign_keys
            if key.column.table.name in NAMERS]


def _label(field: str) -> str:
    label = FIELD_LABELS.get(field, field.replace("_", " "))
    return label[:1].upper() + label[1:]


def _zone(session: Session, name: str, row: dict) -> str:
    """The time zone of the record's site, if it has one (its times are read there)."""
    site_id = _id((row["fields"].get("site_id") or {}).get("laptop")
                  if isinstance(row["fields"].get("site_id"), dict) else None)
    if site_id is None and "site_id" in table(name).c:
        site_id = session.connection().execute(select(table(name).c.site_id).where(
            table(name).c.id == row["row_id"])).scalar_one_or_none()
    if site_id is None:
        return PARIS.key
    site = table("site")
    return session.connection().execute(select(site.c.time_zone).where(
        site.c.id == site_id)).scalar_one_or_none() or PARIS.key


def _text(names: Names, name: str, field: str, value: object, zone: str) -> str:
    """A field's value as the screens show it."""
    if value is None or value == "":
        return EMPTY
    targets = _referenced(name, field)
    if targets:
        return names.of(targets[0], _id(value)) or EMPTY
    decoded = decode(table(name).c[field], value)
    if field == "nir":
        return validation.mask_nir(str(decoded)) or EMPTY
    if field in _PHONES:
        return validation.format_phone(str(decoded))
    if isinstance(decoded, bool):
        return "oui" if decoded else "non"
    if isinstance(decoded, datetime):
        return short_moment(decoded if decoded.tzinfo else decoded.replace(tzinfo=UTC), zone)
    if isinstance(decoded, date):
        return f"{decoded:%d/%m/%Y}"
    if isinstance(decoded, enum.Enum):
        return _LABELS.get(type(decoded), {}).get(decoded, str(decoded.value))
    if isinstance(decoded, list):
        return ", ".join(str(item) for item in decoded) or EMPTY
    return str(decoded)
