"""All mapped classes, imported here so the metadata is complete."""

from db.models.audit import AuditEvent
from db.models.base import Base, Entity
from db.models.mediation import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    InadmissibleReason,
    LetterKind,
    LetterTemplate,
    MediationCase,
    MediationChannel,
    MediationCounter,
    MediationDocument,
    MediationEvent,
    MediationMotive,
    MediationSettings,
    MediationWait,
    Redirection,
    WaitingOn,
)
from db.models.org import Role, Site, SiteKind, Staff
from db.models.people import Civility, Person, PersonKind

__all__ = [
    "AuditEvent",
    "Base",
    "CaseEventKind",
    "CaseOutcome",
    "CaseStatus",
    "Civility",
    "Entity",
    "InadmissibleReason",
    "LetterKind",
    "LetterTemplate",
    "MediationCase",
    "MediationChannel",
    "MediationCounter",
    "MediationDocument",
    "MediationEvent",
    "MediationMotive",
    "MediationSettings",
    "MediationWait",
    "Person",
    "PersonKind",
    "Redirection",
    "Role",
    "Site",
    "SiteKind",
    "Staff",
    "WaitingOn",
]
