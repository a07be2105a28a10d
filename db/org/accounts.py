"""Signing in and the accounts of the sign-in picker, in SQLAlchemy Core.

The start-up signs someone in before the mapped classes are loaded (cold-start budget: the
first screen does not need the ORM), so these two queries name only the columns they read.
They take a Core ``Connection`` or a ``Session`` alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, String, Uuid, column, select, table

from db.errors import NotFound
from db.org.access import ROLE_LABELS, Actor
from db.roles import Role

# The columns of the ``staff`` and ``site`` tables (db.org.models) that these queries read.
_staff = table(
    "staff",
    column("id", Uuid), column("login", String), column("first_name", String),
    column("last_name", String), column("role", String), column("site_id", Uuid),
    column("active", Boolean), column("deleted_at"),
)
_site = table("site", column("id", Uuid), column("name", String))


@dataclass(frozen=True)
class Account:
    login: str
    display_name: str
    role_label: str
    site_name: str


def list_accounts(connection) -> list[Account]:
    """Active accounts for the sign-in picker, by role then name."""
    order = {role: index for index, role in enumerate(Role)}
    rows = connection.execute(
        select(_staff.c.login, _staff.c.first_name, _staff.c.last_name, _staff.c.role,
               _site.c.name.label("site_name"))
        .select_from(_staff.outerjoin(_site, _site.c.id == _staff.c.site_id))
        .where(_staff.c.active.is_(True), _staff.c.deleted_at.is_(None))
    ).all()
    rows = sorted(rows, key=lambda r: (order[Role(r.role)], r.login))
    return [
        Account(r.login, f"{r.first_name} {r.last_name}", ROLE_LABELS[Role(r.role)],
                r.site_name or "")
        for r in rows
    ]


def sign_in(connection, login: str) -> Actor:
    """The actor of an active account; refuses an unknown, inactive or deleted one."""
    row = connection.execute(
        select(_staff.c.id, _staff.c.login, _staff.c.first_name, _staff.c.last_name,
               _staff.c.role, _staff.c.site_id, _staff.c.active, _staff.c.deleted_at)
        .where(_staff.c.login == login.strip().lower())
    ).one_or_none()
    if row is None or not row.active or row.deleted_at is not None:
        raise NotFound(f"Le compte « {login} » n'existe pas ou est désactivé.")
    return Actor(row.id, row.login, f"{row.first_name} {row.last_name}", Role(row.role),
                 row.site_id)
