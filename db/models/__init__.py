"""All mapped classes, imported here so the metadata is complete."""

from db.models.audit import AuditEvent
from db.models.base import Base, Entity
from db.models.org import Role, Site, SiteKind, Staff
from db.models.people import Civility, Person, PersonKind

__all__ = [
    "AuditEvent",
    "Base",
    "Civility",
    "Entity",
    "Person",
    "PersonKind",
    "Role",
    "Site",
    "SiteKind",
    "Staff",
]
