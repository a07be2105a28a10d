"""Signing in, in SQLAlchemy Core.

The start-up signs someone in before the mapped classes are loaded (cold-start budget: the
first screen does not need the ORM), so these queries name only the columns they read. They
take a Core ``Connection`` or a ``Session`` alike, except the embedded sign-in, which takes
the store: a refused password is written down even though the sign-in fails.

On an embedded database Guichet checks the password against its Argon2id hash and keeps
the failures; on a server the server checks it (each account is a login role) and Guichet
reads who is connected (``db.org.signin``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    String,
    Uuid,
    column,
    func,
    select,
    table,
    text,
)

from db.errors import GuichetError
from db.org import passwords
from db.org.access import Actor
from db.roles import Role

if TYPE_CHECKING:
    from db.store import Store

# The columns of the ``staff`` (db.org.models), ``office_settings`` and ``audit_event``
# (db.unit.audit) tables that these queries read and write.
_staff = table(
    "staff",
    column("id", Uuid), column("login", String), column("first_name", String),
    column("last_name", String), column("role", String), column("site_id", Uuid),
    column("sector", String), column("active", Boolean), column("deleted_at"),
    column("password_hash", String), column("must_change_password", Boolean),
    column("failed_sign_ins", Integer), column("locked_until", DateTime),
    column("last_sign_in_at", DateTime),
)
_settings = table("office_settings", column("lock_after_minutes", Integer),
                  column("demo", Boolean), column("deleted_at"))
_audit = table("audit_event", column("id", Uuid), column("occurred_at", DateTime),
               column("actor_id", Uuid), column("action", String),
               column("entity_type", String), column("entity_id", Uuid),
               column("details", JSON))

# ANSSI: a few free tries, then a wait that doubles with each failure, capped.
FREE_FAILURES = 5
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 30, 15 * 60
REFUSED = "Identifiant ou mot de passe incorrect."
_ACTOR_COLUMNS = (_staff.c.id, _staff.c.login, _staff.c.first_name, _staff.c.last_name,
                  _staff.c.role, _staff.c.site_id, _staff.c.sector,
                  _staff.c.must_change_password)


class SignInRefused(GuichetError):
    """Wrong login or password, a disabled account or one that must wait; nothing opened."""


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    # A one-time password given by an administrator: the person chooses their own first.
    must_change_password: bool


@dataclass(frozen=True)
class OfficeFacts:
    """What the start-up needs to know before anyone is signed in."""

    accounts: int  # active accounts
    demo: bool  # made by ``guichet demo``: the sign-in dialog shows the demo password
    lock_after_minutes: int


def normalise_login(login: str) -> str:
    return login.strip().lower()


def wait_after(failures: int) -> timedelta:
    """How long an account waits after ``failures`` failed sign-ins in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    seconds = FIRST_WAIT_SECONDS * 2 ** min(failures - FREE_FAILURES, 10)
    return timedelta(seconds=min(seconds, LONGEST_WAIT_SECONDS))


def waiting_message(seconds: int) -> str:
    minutes, rest = divmod(max(1, seconds), 60)
    delay = f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"
    return (f"Trop d'essais infructueux : ce compte attend {delay} avant un nouvel essai. "
            "Si ce n'était pas vous, prévenez votre administrateur.")


def office_facts(connection) -> OfficeFacts:
    accounts = connection.execute(
        select(func.count()).select_from(_staff)
        .where(_staff.c.active.is_(True), _staff.c.deleted_at.is_(None))
    ).scalar_one()
    settings = connection.execute(
        select(_settings.c.demo, _settings.c.lock_after_minutes)
        .where(_settings.c.deleted_at.is_(None))
    ).first()
    if settings is None:
        return OfficeFacts(accounts, False, 10)
    return OfficeFacts(accounts, bool(settings.demo), settings.lock_after_minutes)


def _actor(row) -> Actor:
    return Actor(row.id, row.login, f"{row.first_name} {row.last_name}", Role(row.role),
                 row.site_id, row.sector or "")


def load_actor(connection, login: str) -> Actor:
    """The actor of an active account, without any password: for trusted callers only (the
    tests, the benchmark's fixtures), never for someone signing in."""
    row = connection.execute(
        select(*_ACTOR_COLUMNS).where(_staff.c.login == normalise_login(login),
                                      _staff.c.active.is_(True), _staff.c.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise SignInRefused(f"Le compte « {login} » n'existe pas ou est désactivé.")
    return _actor(row)


def _audit_row(connection, action: str, staff_id: uuid.UUID, actor_id: uuid.UUID | None,
               now: datetime, **details: object) -> None:
    connection.execute(_audit.insert().values(
        id=uuid.uuid4(), occurred_at=_stored(connection, now), actor_id=actor_id,
        action=action, entity_type="staff", entity_id=staff_id, details=details))


def _stored(connection, moment: datetime) -> datetime:
    """As db.base.UTCDateTime stores it: naive UTC on SQLite."""
    return moment.replace(tzinfo=None) if connection.dialect.name == "sqlite" else moment


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def sign_in(store: Store, login: str, password: str, now: datetime | None = None
            ) -> SignedIn:
    """Check an account's password on the embedded database; every success and failure is
    audited, and each failure beyond the free ones makes the account wait longer."""
    now = now or datetime.now(UTC)
    login = normalise_login(login)
    with store.connection() as connection:
        row = connection.execute(
            select(*_ACTOR_COLUMNS, _staff.c.password_hash, _staff.c.failed_sign_ins,
                   _staff.c.locked_until)
            .where(_staff.c.login == login, _staff.c.active.is_(True),
                   _staff.c.deleted_at.is_(None))
        ).one_or_none()
        if row is None:
            passwords.verify(None, password)  # takes as long: no hint the login exists
            refusal = REFUSED
        elif (locked_until := _aware(row.locked_until)) is not None and locked_until > now:
            refusal = waiting_message(int((locked_until - now).total_seconds()))
        elif passwords.verify(row.password_hash, password):
            changes: dict[str, object] = {
                "failed_sign_ins": 0, "locked_until": None,
                "last_sign_in_at": _stored(connection, now)}
            if passwords.needs_rehash(row.password_hash):
                changes["password_hash"] = passwords.hash_password(password)
            connection.execute(_staff.update().where(_staff.c.id == row.id).values(changes))
            _audit_row(connection, "sign_in", row.id, row.id, now)
            return SignedIn(_actor(row), bool(row.must_change_password))
        else:
            failures = row.failed_sign_ins + 1
            wait = wait_after(failures)
            connection.execute(_staff.update().where(_staff.c.id == row.id).values(
                failed_sign_ins=failures,
                locked_until=_stored(connection, now + wait) if wait else None))
            _audit_row(connection, "sign_in_failed", row.id, None, now, failures=failures)
            refusal = waiting_message(int(wait.total_seconds())) if wait else REFUSED
    raise SignInRefused(refusal)


def server_sign_in(connection) -> SignedIn:
    """Who is connected to the server (``session_user``), once the server has let them in;
    the server writes the sign-in down."""
    role = connection.execute(text("SELECT session_user")).scalar_one()
    row = connection.execute(
        select(*_ACTOR_COLUMNS).where(_staff.c.login == role, _staff.c.active.is_(True),
                                      _staff.c.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise SignInRefused(
            f"Le serveur vous a connecté en tant que « {role} », qui n'est pas un compte "
            "Guichet actif. Connectez-vous avec votre identifiant Guichet.")
    connection.execute(text("SELECT guichet_signed_in()"))
    return SignedIn(_actor(row), bool(row.must_change_password))


def server_wait(connection, login: str) -> int:
    """Seconds the account still waits (connected as ``guichet_signin``)."""
    return connection.execute(text("SELECT guichet_sign_in_wait(:login)"),
                              {"login": normalise_login(login)}).scalar_one()


def server_failed(connection, login: str) -> int:
    """Write a refused password down on the server (connected as ``guichet_signin``);
    the seconds the account now waits."""
    return connection.execute(text("SELECT guichet_sign_in_failed(:login)"),
                              {"login": normalise_login(login)}).scalar_one()
