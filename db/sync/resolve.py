"""Resolving a conflict on the laptop, in the replica's unit of work (« Conflits à résoudre »).

- **« Garder la version du bureau »** (``keep="server"``): the laptop shows the office's
  version — each field still holding the laptop's value takes the server's (known from the
  conflict; a refused edit's value from before it), as a pull would write it, not journaled:
  it is the server's already. A field edited again on the laptop since keeps that newer edit,
  which the next sync pushes on its own.
- **« Reprendre ma version »** (``keep="laptop"``): the laptop's values are written again as
  a new edit through the save path (``db.unit.rows``), so it is journaled and audited like
  any other, with the server's version as its base: the next sync finds the office's value
  unchanged since and takes it. A record deleted at the office comes back with it.
- **« Combiner »** (``combine``): field by field, the office's value or the laptop's — or,
  for a note or a summary both sides wrote, the two texts, the office's first —; the
  office's are written as the office's, the others as a new edit, as above.
- **A booking refused** (its slot taken at the office meanwhile) is booked again on a free
  slot with the booking service (``rebook``), never re-applied as it was.

Either way the conflict, and what came with it (``db.sync.conflicts.followers``), is marked
resolved in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Literal

from sqlalchemy import Table, select, update

from db.agenda import booking
from db.agenda.booking import BookingRequest
from db.base import Base, utcnow
from db.errors import NotFound, ValidationError
from db.people.records import derived_values
from db.replica.models import replica_conflict
from db.replica.values import decode
from db.sync.conflicts import followers, is_booking, is_free_text, laptop_refusal, open_rows
from db.sync.tables import table
from db.unit import INCLUDE_DELETED, Unit, rows

Keep = Literal["server", "laptop"]
Choice = Literal["server", "laptop", "both"]
TEXTS_JOINED = "\n\n"  # between the office's text and the laptop's, when both are kept
GONE = "Ce conflit est déjà résolu (sur cet ordinateur, peut-être dans une autre fenêtre)."
NOT_YET = ("La version du bureau n'est pas encore arrivée sur cet ordinateur : "
           "synchronisez d'abord, puis choisissez.")


def resolve(unit: Unit, conflict_id: uuid.UUID, keep: Keep) -> None:
    """Resolve the conflict ``conflict_id`` keeping the office's version or the laptop's."""
    conflict, going_with = _open(unit, conflict_id)
    if keep == "laptop":
        refusal = laptop_refusal(unit.session.connection(), conflict)
        if refusal:
            raise ValidationError({"keep": refusal})
        _take_again(unit, conflict)
    elif keep == "server":
        _show_the_office_s(unit, conflict)
    else:
        raise ValueError(keep)
    _resolved(unit, conflict, going_with)


def combine(unit: Unit, conflict_id: uuid.UUID, choices: Mapping[str, Choice]) -> None:
    """Resolve the field conflict ``conflict_id`` field by field: ``choices`` gives, for each
    field shown, the version to keep (``both``: a text with the two side by side); a field
    not shown (the calendar's sequence…) keeps the office's."""
    conflict, going_with = _open(unit, conflict_id)
    if conflict["kind"] != "field":
        raise ValidationError({"keep": "Seul un enregistrement modifié des deux côtés se "
                                       "combine champ par champ."})
    name, fields = conflict["table_name"], conflict["fields"]
    unknown = sorted(set(choices) - set(fields))
    wrong = sorted(field for field, choice in choices.items() if field in fields and (
        choice not in ("server", "laptop", "both")
        or (choice == "both" and not is_free_text(name, field))))
    if unknown or wrong:
        raise ValidationError({"keep": "Ce choix ne correspond pas à ce conflit : "
                                       f"{', '.join(unknown + wrong)}."})
    kept = {side: {field: versions for field, versions in fields.items()
                   if (choices.get(field, "server") == "server") == (side == "server")}
            for side in ("server", "laptop")}
    _show_the_office_s(unit, {**conflict, "fields": kept["server"]})
    if kept["laptop"]:
        target = table(name)
        both = {field: TEXTS_JOINED.join(
            text for text in (decode(target.c[field], fields[field][side]) or ""
                              for side in ("server", "laptop")) if text.strip())
            for field in kept["laptop"] if choices[field] == "both"}
        _take_again(unit, {**conflict, "fields": kept["laptop"]}, both)
    _resolved(unit, conflict, going_with)


def rebook(unit: Unit, conflict_id: uuid.UUID, request: BookingRequest) -> uuid.UUID:
    """Book again, on another slot, the booking the server refused (the person, motive and
    channel as the laptop had them); the conflict is resolved with it. Returns the new
    appointment's id."""
    conflict, going_with = _open(unit, conflict_id)
    if not is_booking(conflict):
        raise ValidationError({"keep": "Ce conflit n'est pas un rendez-vous refusé."})
    appointment_id = booking.book_appointment(unit, request)
    _resolved(unit, conflict, going_with)
    return appointment_id


# -- the conflict ----------------------------------------------------------------------------

def _open(unit: Unit, conflict_id: uuid.UUID) -> tuple[dict, list[uuid.UUID]]:
    """The open conflict and the conflicts that came with it."""
    if unit.actor is None:
        raise ValidationError({"keep": "Un conflit se résout par la personne connectée."})
    rows_ = open_rows(unit.session.connection())
    conflict = next((row for row in rows_ if row["id"] == conflict_id), None)
    if conflict is None:
        raise NotFound(GONE)
    roots = followers(rows_)
    if conflict_id in roots:  # resolved with the conflict it came with
        raise ValidationError({"keep": "Ce conflit se résout avec celui dont il dépend."})
    return conflict, [child for child, root in roots.items() if root == conflict_id]


def _resolved(unit: Unit, conflict: dict, going_with: list[uuid.UUID]) -> None:
    unit.session.execute(update(replica_conflict).where(
        replica_conflict.c.id.in_([conflict["id"], *going_with]))
        .values(resolved_at=utcnow().replace(tzinfo=None)))
    unit.changes.add(conflict["table_name"], conflict["row_id"])


def _local(unit: Unit, target: Table, row_id: uuid.UUID) -> dict | None:
    row = unit.session.connection().execute(
        select(target).where(target.c.id == row_id)).mappings().one_or_none()
    return dict(row) if row is not None else None


def _write_as_the_office(unit: Unit, target: Table, row_id: uuid.UUID, current: dict,
                         values: dict) -> None:
    """The server's values on the laptop, as a pull writes them: not journaled."""
    if not values:
        return
    if target.name == "person":
        values |= {key: value for key, value in derived_values(current | values).items()
                   if key in current}
    unit.session.execute(update(target).where(target.c.id == row_id).values(**values))


# -- « Garder la version du bureau » ---------------------------------------------------------

def _show_the_office_s(unit: Unit, conflict: dict) -> None:
    target = table(conflict["table_name"])
    current = _local(unit, target, conflict["row_id"])
    if current is None:
        return
    kind, op_kind = conflict["kind"], conflict["op_kind"]
    values: dict = {}
    if kind == "field" or (kind == "refused" and op_kind == "update"):
        side = "server" if kind == "field" else "base"
        for name, versions in conflict["fields"].items():
            column = target.c[name]
            if current[name] == decode(column, versions["laptop"]):
                values[name] = decode(column, versions[side])
    elif kind == "deleted" or op_kind == "insert":
        if current.get("deleted_at") is None:  # gone at the office: gone here too
            values["deleted_at"] = utcnow()
    elif op_kind == "delete" and current.get("deleted_at") is not None:
        values["deleted_at"] = None
    elif op_kind == "take":
        operation = conflict["fields"].get("opération", {}).get("laptop") or {}
        counter = operation.get("counter")
        if counter in target.c:  # the seat the office did not give back
            values[counter] = current[counter] - operation.get("step", 1)
    _write_as_the_office(unit, target, conflict["row_id"], current, values)


# -- « Reprendre ma version » ----------------------------------------------------------------

def _model(name: str) -> type:
    return next(mapper.class_ for mapper in Base.registry.mappers
                if mapper.local_table.name == name)


def _take_again(unit: Unit, conflict: dict, instead: Mapping[str, object] | None = None
                ) -> None:
    """The laptop's values of ``conflict`` as a new edit — or, for a field in ``instead``,
    that value (the two texts « Combiner » keeps)."""
    target = table(conflict["table_name"])
    current = _local(unit, target, conflict["row_id"])
    if current is None:
        raise NotFound("Cet enregistrement n'est plus sur cet ordinateur : votre version ne "
                       "peut pas être reprise.")
    laptop = {name: decode(target.c[name], versions["laptop"])
              for name, versions in conflict["fields"].items() if name in target.c}
    office: dict = {}  # the server's version where the laptop does not show it yet
    if conflict["kind"] == "deleted":
        if current.get("deleted_at") is None:
            raise ValidationError({"keep": NOT_YET})
        wanted = {"deleted_at": None, **laptop}
    else:
        wanted = {}
        for name, versions in conflict["fields"].items():
            server = decode(target.c[name], versions["server"])
            if current[name] == laptop[name]:
                office[name] = server
            elif current[name] != server:
                continue  # edited again on this computer since: that edit goes as it is
            wanted[name] = (instead or {}).get(name, laptop[name])
    _write_as_the_office(unit, target, conflict["row_id"], current, office)
    row = unit.session.scalar(select(_model(target.name)).where(
        target.c.id == conflict["row_id"]).execution_options(**{INCLUDE_DELETED: True}))
    if target.name == "person":
        after = {**current, **office, **wanted}
        wanted |= {key: value for key, value in derived_values(after).items()
                   if key in current}
    rows.save(unit, row, wanted)
