"""Whose preparations an account follows."""

from __future__ import annotations

from db.org.access import Actor
from db.roles import Role


def sees_everyone(actor: Actor) -> bool:
    """A manager (or an administrator) follows every adviser's preparations; an adviser
    their own."""
    return actor.role is not Role.ADVISER
