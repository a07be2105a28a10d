"""An offline laptop's life: build a permanence's replica from the server, push its journal,
pull what changed on the server, tell where it stands.

Everything here talks to PostgreSQL directly under the account's own login role (no extra
server to run): what reaches the laptop is what that role may read, and what comes back
is applied under the same role, so the server's grants, row-level security and exclusion
constraints judge a laptop's write as any other. Each step can be cut at any moment: a
push is recorded on the server operation by operation (a retry finds the outcomes), and a
pull moves its bound only once what it read is written on the laptop.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, func, select, update
from sqlalchemy.engine import URL

from db.base import utcnow
from db.errors import ValidationError
from db.journal.labels import entity_label
from db.org import passwords
from db.replica.models import replica_conflict, replica_op, replica_state
from db.store import Store, open_store
from db.sync import conflicts as conflict_rows
from db.sync import copy, server
from db.sync.tables import CHILDREN, PUSH_ONLY, REFERENCE, ROOTS, Scope, root_condition, table
from db.wording import count

Progress = Callable[[int, int, str], None]
PUSH_BATCH = 200
# The account's sign-in columns are the laptop's own (LOCAL_COLUMNS): writing them leaves the
# row as the server has it, its updated_at included (the column's onupdate would move it).
_LOCAL_ONLY = {"updated_at": table("staff").c.updated_at}


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    received: int
    conflicts: int

    def __str__(self) -> str:
        return (f"{self.pushed} envoyée{'s' * (self.pushed > 1)}, "
                f"{self.received} reçue{'s' * (self.received > 1)}, "
                f"{self.conflicts} conflit{'s' * (self.conflicts > 1)}")


def _quiet(_done: int, _total: int, _label: str) -> None:
    pass


# -- building ------------------------------------------------------------------------------

def build(office: Store, login: str, password: str, path: Path, cipher, *,
          site_names: list[str] | None = None, sector: str | None = None, weeks: int = 4,
          today: date | None = None, progress: Progress = _quiet) -> Store:
    """A new replica at ``path`` (encrypted with ``cipher``) for the permanence of the sites
    named (or of a France Services sector), from today for ``weeks`` weeks, read from the
    server as ``login`` (``office`` is connected as that account)."""
    today = today or date.today()
    if path.exists() and path.stat().st_size:
        raise ValidationError({"output": f"Le fichier « {path} » existe déjà : choisissez-en "
                                         "un autre, rien n'a été écrit."})
    with office.engine.connect() as remote:
        remote.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # In the snapshot of the reads: what changes after them has an id at or above it.
        bound = server.watermark(remote)
        adviser_id = _account(remote, login)
        sites = _sites(remote, site_names, sector)
        scope = Scope(frozenset(sites), today, today + timedelta(weeks=weeks) - timedelta(1),
                      adviser_id)
        batch: copy.Rows = {}
        steps = [*REFERENCE, *ROOTS, *CHILDREN]
        for done, name in enumerate(steps):
            progress(done, len(steps) + 1, f"Lecture du serveur : {entity_label(name)}")
            copy.add(batch, name, server.fetch(remote, name, _keep(name, scope, batch)))
            if name == "pathway_entry":  # the people known so far open their cases
                scope.person_ids.update(_people(batch))
        replica = open_store(path, cipher)
        try:
            with replica.engine.begin() as local:
                copy.complete(remote, local, batch)
                progress(len(steps), len(steps) + 1, "Écriture de la permanence")
                copy.write(local, batch)
                staff = table("staff")
                local.execute(update(staff).where(staff.c.id == adviser_id).values(
                    password_hash=passwords.hash_password(password), failed_sign_ins=0,
                    locked_until=None, **_LOCAL_ONLY))
                _save_state(local, server=_address(office), login=login, watermark=bound,
                            seen=_seen_since(remote, bound),
                            scope=scope.as_state(), built_at=utcnow().isoformat())
        except BaseException:
            replica.dispose()
            raise
    progress(1, 1, "Permanence prête")
    return replica


def _seen_since(remote: Connection, bound: int) -> list[int]:
    """The transactions above ``bound`` whose rows the build's snapshot read already."""
    _changed, _bound, seen = server.changed_ids(remote, bound, [])
    return seen


def _account(remote: Connection, login: str) -> uuid.UUID:
    staff = table("staff")
    found = remote.execute(select(staff.c.id).where(
        staff.c.login == login, staff.c.deleted_at.is_(None))).scalar_one_or_none()
    if found is None:
        raise ValidationError({"login": f"Le compte « {login} » n'existe pas sur le serveur."})
    return found


def _sites(remote: Connection, names: list[str] | None, sector: str | None) -> set[uuid.UUID]:
    site = table("site")
    condition = site.c.name.in_(names or []) if not sector else site.c.sector == sector
    found = dict(remote.execute(select(site.c.name, site.c.id).where(
        condition, site.c.deleted_at.is_(None))).all())
    unknown = sorted(set(names or []) - set(found))
    if unknown or not found:
        what = ", ".join(f"« {name} »" for name in unknown) or f"« {sector or ''} »"
        raise ValidationError({"site": f"Aucun lieu d'accueil ne répond à {what} sur le "
                                       "serveur."})
    return set(found.values())


def _keep(name: str, scope: Scope, batch: copy.Rows):
    """Which rows of ``name`` the permanence keeps, given what it already holds."""
    from sqlalchemy import true

    if name in REFERENCE:
        return true()
    if name in ROOTS:
        return root_condition(name, scope)
    parent_column = CHILDREN[name]
    parent = next(key.column.table.name for key in table(name).foreign_keys
                  if key.parent.name == parent_column)
    return table(name).c[parent_column].in_(sorted(batch.get(parent, {})))


def _people(batch: copy.Rows) -> set[uuid.UUID]:
    return {row["person_id"] for name in ROOTS for row in batch.get(name, {}).values()
            if row.get("person_id")}


def _address(store: Store) -> str:
    """The server's address without the account, its password or how long to wait for it
    (``URL.set`` takes None for « unchanged »: the address is made again without them)."""
    url = store.url.difference_update_query(["connect_timeout"])
    return URL.create(url.drivername, host=url.host, port=url.port, database=url.database,
                      query=url.query).render_as_string(hide_password=False)


def _save_state(local: Connection, **values) -> None:
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    for key, value in values.items():
        statement = sqlite_insert(replica_state).values(key=key, value=value)
        local.execute(statement.on_conflict_do_update(index_elements=["key"],
                                                      set_={"value": value}))


def state(replica: Store) -> dict:
    with replica.engine.connect() as local:
        return dict(local.execute(select(replica_state.c.key, replica_state.c.value)).all())


# -- pushing --------------------------------------------------------------------------------

def push(replica: Store, office: Store, progress: Progress = _quiet) -> tuple[int, int]:
    """Send the journal, batch by batch; returns (edits sent, conflicts found): the audit
    rows sent with them are not counted."""
    sent = conflicts = done = 0
    with replica.engine.connect() as local:
        total = local.execute(select(func.count()).where(replica_op.c.pushed_at.is_(None))
                              ).scalar_one()
    while True:
        with replica.engine.connect() as local:
            batch = [dict(row) for row in local.execute(
                select(replica_op).where(replica_op.c.pushed_at.is_(None))
                .order_by(replica_op.c.seq).limit(PUSH_BATCH)).mappings()]
        if not batch:
            return sent, conflicts
        with office.engine.begin() as remote:  # the outcomes are the server's once committed
            outcomes = [server.apply_operation(remote, operation) for operation in batch]
        with replica.engine.begin() as local:
            for operation, outcome in zip(batch, outcomes, strict=True):
                conflicts += _settle(local, operation, outcome)
        # The audit trail's rows go with the edits, but they are not edits of their own.
        sent += sum(operation["table_name"] not in PUSH_ONLY for operation in batch)
        done += len(batch)
        progress(done, total, "Envoi des modifications au serveur")


def _settle(local: Connection, operation: dict, outcome: dict) -> int:
    """The laptop's side of an operation the server decided on (again, after a cut: the
    same outcome, the same result). Returns 1 for a conflict kept, else 0."""
    local.execute(update(replica_op).where(replica_op.c.id == operation["id"])
                  .values(pushed_at=utcnow().replace(tzinfo=None)))
    if outcome["status"] == "applied":
        return 0
    if local.execute(select(replica_conflict.c.id).where(
            replica_conflict.c.op_id == operation["id"])).first() is None:
        fields = outcome.get("fields") or _laptop_fields(operation)
        local.execute(replica_conflict.insert().values(
            id=uuid.uuid4(), op_id=operation["id"], table_name=operation["table_name"],
            row_id=operation["row_id"],
            kind=outcome.get("kind", "refused") if outcome["status"] == "conflict"
            else "refused",
            fields=fields, reason=outcome.get("reason", ""), actor_id=operation["actor_id"],
            made_at=operation["made_at"], detected_at=utcnow().replace(tzinfo=None)))
    if operation["kind"] == "insert" and operation["table_name"] not in PUSH_ONLY:
        # Refused by the server (a booking that collides): it leaves the laptop's agenda,
        # kept whole in the conflict, so that the server's rows fit when they arrive.
        target = table(operation["table_name"])
        local.execute(update(target).where(target.c.id == operation["row_id"])
                      .values(deleted_at=utcnow()))
    return 1


def _laptop_fields(operation: dict) -> dict:
    if operation["kind"] == "insert":
        return {name: {"base": None, "laptop": value, "server": None}
                for name, value in operation["fields"].items()}
    if operation["kind"] == "update":
        return {name: {"base": base, "laptop": new, "server": None}
                for name, (base, new) in operation["fields"].items()}
    return {"opération": {"base": None, "laptop": operation["fields"], "server": None}}


# -- pulling --------------------------------------------------------------------------------

def pull(replica: Store, office: Store, progress: Progress = _quiet) -> int:
    """Bring what changed on the server since the last pull; returns the rows received."""
    known = state(replica)
    scope = Scope.from_state(known["scope"])
    with office.engine.connect() as remote, replica.engine.begin() as local:
        remote.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        changed, bound, seen = server.changed_ids(remote, known["watermark"],
                                                  known.get("seen", []))
        scope.person_ids.update(_local(local, "person"))
        batch: copy.Rows = {}
        names = [name for name in (*REFERENCE, "person", *ROOTS, *CHILDREN) if name in changed]
        for done, name in enumerate(names):
            progress(done, len(names) + 1, f"Réception : {entity_label(name)}")
            ids = sorted(changed[name])
            keep = table(name).c.id.in_(ids)
            if name == "person":
                keep = keep & table(name).c.id.in_(sorted(scope.person_ids))
            elif name in ROOTS:
                keep = keep & root_condition(name, scope)
            elif name in CHILDREN:
                parent_column = table(name).c[CHILDREN[name]]
                parent = next(iter(parent_column.foreign_keys)).column.table.name
                keep = keep & parent_column.in_(sorted(_local(local, parent)
                                                       | set(batch.get(parent, {}))))
            copy.add(batch, name, server.fetch(remote, name, keep))
        copy.complete(remote, local, batch)
        pending = set(local.execute(select(replica_op.c.row_id).where(
            replica_op.c.pushed_at.is_(None))).scalars())
        received = copy.write(local, batch, skip=pending)
        _save_state(local, watermark=bound, seen=seen, pulled_at=utcnow().isoformat())
    progress(1, 1, "Réception terminée")
    return received


def _local(local: Connection, name: str) -> set[uuid.UUID]:
    return set(local.execute(select(table(name).c.id)).scalars())


def sync(replica: Store, office: Store, progress: Progress = _quiet) -> SyncReport:
    """Push, then pull (so that what the laptop sent comes back as the server has it)."""
    pushed, _new_conflicts = push(replica, office, progress)
    received = pull(replica, office, progress)
    return SyncReport(pushed, received, open_conflicts(replica))


# -- where the laptop stands ---------------------------------------------------------------

def pending_operations(replica: Store) -> int:
    with replica.engine.connect() as local:
        return local.execute(select(func.count()).where(replica_op.c.pushed_at.is_(None))
                             ).scalar_one()


def pending_changes(replica: Store) -> int:
    """Edits still to send (the audit rows that go with them not counted)."""
    with replica.engine.connect() as local:
        return local.execute(select(func.count()).where(
            replica_op.c.pushed_at.is_(None), replica_op.c.table_name.not_in(PUSH_ONLY))
        ).scalar_one()


def open_conflicts(replica: Store) -> int:
    """Conflicts to resolve; what came with a refused booking (its preparation, its
    messages) is resolved with it and not counted apart (``db.sync.conflicts``)."""
    with replica.engine.connect() as local:
        return conflict_rows.count_open(local)


def conflicts(replica: Store) -> list[dict]:
    with replica.engine.connect() as local:
        return [dict(row) for row in local.execute(
            select(replica_conflict).where(replica_conflict.c.resolved_at.is_(None))
            .order_by(replica_conflict.c.detected_at)).mappings()]


@dataclass(frozen=True)
class Standing:
    """Where the permanence stands: its sites, its period, what is still to send and to
    resolve, the last time it heard from the server."""

    login: str
    server: str
    sites: tuple[str, ...]
    first_day: date
    last_day: date
    pending: int
    conflicts: int
    last_sync: datetime

    @property
    def status(self) -> str:
        """The status bar's line: « Hors ligne — permanence de Mens — 3 modifications à
        envoyer · 1 conflit »."""
        sites = ", ".join(self.sites)
        of = "d'" if sites[:1].lower() in "aeiouyéèêâîôh" else "de "
        line = (f"Hors ligne — permanence {of}{sites} — "
                f"{count(self.pending, 'modification')} à envoyer")
        return line + (f" · {count(self.conflicts, 'conflit')}" if self.conflicts else "")


def standing(replica: Store) -> Standing:
    known = state(replica)
    scope = Scope.from_state(known["scope"])
    site = table("site")
    with replica.engine.connect() as local:
        names = sorted(local.execute(select(site.c.name).where(
            site.c.id.in_(sorted(scope.site_ids)))).scalars())
    last = datetime.fromisoformat(known.get("pulled_at") or known["built_at"])
    return Standing(known["login"], known["server"], tuple(names), scope.first_day,
                    scope.last_day, pending_changes(replica), open_conflicts(replica), last)


def remember_password(replica: Store, login: str, password: str) -> None:
    """The password the server just took is the laptop's from now on (a password changed at
    the office is taken at the next sync); the server's own verifier never leaves it."""
    staff = table("staff")
    with replica.engine.begin() as local:
        current = local.execute(select(staff.c.password_hash).where(
            staff.c.login == login)).scalar_one_or_none()
        if not passwords.verify(current, password):
            local.execute(update(staff).where(staff.c.login == login).values(
                password_hash=passwords.hash_password(password), **_LOCAL_ONLY))


def describe(replica: Store) -> str:
    """Where the permanence stands, in French (``guichet replica status``)."""
    from db.sync.tables import PARIS

    now = standing(replica)
    when = now.last_sync.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
    return "\n".join([
        f"Permanence hors ligne de {now.login} — serveur {now.server}",
        f"Lieux : {', '.join(now.sites)}",
        f"Période : du {now.first_day:%d/%m/%Y} au {now.last_day:%d/%m/%Y}",
        f"{count(now.pending, 'modification')} à envoyer · "
        f"{count(now.conflicts, 'conflit')} à résoudre",
        f"Dernière synchronisation : {when}",
    ])
