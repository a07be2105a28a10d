"""The unit of work: the one door every write goes through (DESIGN.md, « the write path »).

``store.unit(actor)`` opens one transaction for one actor and hands out a ``Unit``: the
session, the actor, what the writes touched (``changes``) and the events they raised. The
services take the unit; they write only through ``db.unit.rows``, which checks versions,
audits and records each change. On commit the caller publishes ``unit.changes`` to every
screen (after Anki's ``OpChanges``): nobody declares by hand what a write changed.

Two rules hold for every session made here:

- **Live rows only.** Soft-deleted rows (``deleted_at`` set) are filtered out of every ORM
  query once, here; ``select(…).execution_options(include_deleted=True)`` reads them too,
  where history needs them.
- **A partner's sector.** For a France Services partner (``actor.sector_scope``), the rows
  of ``db.base.SectorScoped`` models are those of their sector's sites only, in every ORM
  query — what the server's row-level security gives their role, on SQLite too.
- **No write around the door.** In a unit's session, a flush that carries a row the save
  path did not declare is refused (``UndeclaredWrite``): a service setting an attribute of
  a loaded row by hand fails its tests instead of writing unaudited.
- **Texts fit their column.** Every text a flush carries is checked first (``db.unit.text``):
  too long for its column or holding a control character, it is refused in French on both
  engines alike, never a raw ``DataError`` on one and stored silently on the other.

Refusals that only the database can see — a version that moved on, a deadlock or a
serialization failure between two writers — become a French ``ConflictError`` whichever
statement met them (an autoflush inside a query included); a service that knows what a lost
race means to the person says it first (``unit.conflict_message``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, column, event, exc, select, table
from sqlalchemy.orm import Session, sessionmaker, with_loader_criteria
from sqlalchemy.orm.exc import StaleDataError

from db.base import Base, Entity, SectorScoped
from db.errors import ConflictError, PermissionDenied
from db.replica import journal
from db.unit import events, text

INCLUDE_DELETED = "include_deleted"
_SECTOR = "guichet_sector"
# The sites (db.org.models.Site, an area above this module) as the sector scope reads them.
_site = table("site", column("id"), column("sector"), column("deleted_at"))
_GUARDED = "guichet_guarded"
_DECLARED = "guichet_declared"
# Engines' error codes for "another transaction got in the way": deadlock, serialization.
_RACE_SQLSTATES = frozenset({"40P01", "40001"})
RACE_MESSAGE = (
    "Quelqu'un d'autre enregistrait au même moment : rien n'a été enregistré. "
    "Réessayez ; si la fiche a changé, rouvrez-la pour voir la version à jour.")


class Actor(Protocol):
    """Who acts, as the unit sees it (``db.org.access.Actor``, which sits above this
    module)."""

    id: uuid.UUID

    @property
    def sector_scope(self) -> str | None: ...

    def can(self, permission: Any) -> bool: ...

    def require(self, permission: Any) -> None: ...


class UndeclaredWrite(RuntimeError):
    """A programming error: a row was changed without going through ``db.unit.rows``."""


@dataclass
class Changes:
    """What a unit of work wrote: for each kind of record (its table), the ids touched."""

    ids: dict[str, set[uuid.UUID]] = field(default_factory=dict)

    def add(self, kind: str, row_id: uuid.UUID | None = None) -> None:
        touched = self.ids.setdefault(kind, set())
        if row_id is not None:
            touched.add(row_id)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)

    def __contains__(self, kind: str) -> bool:
        return kind in self.ids

    def __bool__(self) -> bool:
        return bool(self.ids)


class Unit:
    """One transaction of one actor (``None``: a system job of the command line)."""

    def __init__(self, session: Session, actor: Actor | None):
        self.session = session
        self.actor = actor
        if session is not None:  # the session reads as its latest unit's actor may
            session.info[_SECTOR] = actor.sector_scope if actor is not None else None
            session.info[journal.ACTOR_ID] = actor.id if actor is not None else None
        self.changes = Changes()
        self.events: list[object] = []
        # What a race lost in this unit means to the person (« Ce créneau vient d'être
        # pris… »); set by the service before the write that may lose it.
        self.conflict_message: str | None = None

    @property
    def actor_id(self) -> uuid.UUID | None:
        return self.actor.id if self.actor is not None else None

    @property
    def is_system(self) -> bool:
        return self.actor is None

    def require(self, permission: Any, *, system: bool = False) -> None:
        """Refuse, in French, an actor whose role lacks ``permission``. A system job passes
        only where the service says so (``system=True``)."""
        if self.actor is None:
            if not system:
                raise PermissionDenied(
                    "Cette action demande un compte : donnez l'identifiant avec --login.")
            return
        self.actor.require(permission)

    def require_any(self, *permissions: Any) -> None:
        """Refuse an actor whose role holds none of ``permissions`` (named by the first)."""
        if self.actor is None or not any(self.actor.can(p) for p in permissions):
            self.require(permissions[0])

    def raise_event(self, domain_event: object) -> None:
        """Tell the areas that follow (their handlers run now, in this transaction)."""
        self.events.append(domain_event)
        events.dispatch(self, domain_event)

    def declare(self, row: object) -> None:
        """The save path is about to write ``row`` (see the module docstring)."""
        self.session.info.setdefault(_DECLARED, set()).add(row)


# -- sessions -------------------------------------------------------------------------------

def make_sessions(engine: Engine, *, journaled: bool = False) -> sessionmaker[Session]:
    """The store's session factory, with the rules of the module docstring; ``journaled``
    for an offline laptop's replica, whose every write is journaled for the next push
    (``db.replica.journal``)."""
    sessions = sessionmaker(engine, expire_on_commit=False,
                            info={journal.JOURNALED: True} if journaled else None)
    if journaled:
        journal.watch(sessions)
    event.listen(sessions, "do_orm_execute", _live_rows_only)
    event.listen(sessions, "do_orm_execute", _sector_rows_only)
    event.listen(sessions, "before_flush", _refuse_undeclared)
    event.listen(sessions, "after_flush_postexec", _forget_declared)
    return sessions


def _live_rows_only(state) -> None:
    if (state.is_select and not state.is_column_load and not state.is_relationship_load
            and not state.execution_options.get(INCLUDE_DELETED, False)):
        state.statement = state.statement.options(with_loader_criteria(
            Entity, lambda cls: cls.deleted_at.is_(None), include_aliases=True))


def _sector_rows_only(state) -> None:
    sector = state.session.info.get(_SECTOR)
    if sector is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(*(with_loader_criteria(
            model, lambda cls: cls.site_id.in_(
                select(_site.c.id).where(_site.c.sector == sector, _site.c.sector != "",
                                         _site.c.deleted_at.is_(None))),
            include_aliases=True) for model in _sector_scoped_models()))


def _sector_scoped_models() -> tuple[type, ...]:
    # Each mapped class (the mixin itself has no ``site_id`` for the criteria to name), read
    # each time: an area's models are mapped when first imported.
    return tuple(mapper.class_ for mapper in Base.registry.mappers
                 if issubclass(mapper.class_, SectorScoped))


def _refuse_undeclared(session: Session, _context, _instances) -> None:
    if not session.info.get(_GUARDED):
        return
    declared = session.info.get(_DECLARED, set())
    undeclared = [row for row in (*session.new, *session.dirty, *session.deleted)
                  if row not in declared]
    if undeclared:
        raise UndeclaredWrite(
            "rows changed outside db.unit.rows: "
            + ", ".join(sorted({type(row).__name__ for row in undeclared})))
    for row in (*session.new, *session.dirty):
        text.check_row(row)


def _forget_declared(session: Session, _context) -> None:
    session.info.pop(_DECLARED, None)


@contextmanager
def unit_of_work(sessions: sessionmaker[Session], actor: Actor | None) -> Iterator[Unit]:
    """Committed on success; on any error rolled back, a lost race made a French refusal."""
    session = sessions()
    session.info[_GUARDED] = True
    unit = Unit(session, actor)
    try:
        yield unit
        session.commit()
    except BaseException as error:
        session.rollback()
        refusal = race_refusal(error, unit)
        if refusal is not None:
            raise refusal from None
        raise
    finally:
        session.close()


# -- races lost -----------------------------------------------------------------------------

def stale(model: type) -> ConflictError:
    what = getattr(model, "described_as", Entity.described_as)
    return ConflictError(
        f"Quelqu'un d'autre a modifié {what} entre-temps. Rien n'a été enregistré : "
        "rouvrez la fiche pour voir la version à jour.")


def _model_of_table(name: str) -> type | None:
    return next((mapper.class_ for mapper in Base.registry.mappers
                 if mapper.local_table.name == name), None)


def race_refusal(error: BaseException, unit: Unit | None = None) -> ConflictError | None:
    """The French refusal for an error that means another writer got in first; None for
    any other error."""
    if isinstance(error, StaleDataError):
        table = str(error).split("'")[1] if "'" in str(error) else ""
        return stale(_model_of_table(table) or Entity)
    message = unit.conflict_message if unit is not None else None
    if (isinstance(error, exc.DBAPIError)
            and getattr(error.orig, "sqlstate", None) in _RACE_SQLSTATES):
        return ConflictError(message or RACE_MESSAGE)
    return None
