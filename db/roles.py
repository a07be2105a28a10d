"""The roles of the staff, free of the ORM: signing in and the first screen need them before
the mapped classes are loaded (cold-start budget). ``db.org.models`` re-exports ``Role``."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADVISER = "adviser"
    MEDIATOR = "mediator"
    MEDIATION_ASSISTANT = "mediation_assistant"
    MANAGER = "manager"
    PARTNER = "partner"
    ADMIN = "admin"
