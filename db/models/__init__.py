"""Mapped classes.

The registry's core (organisation, people, audit) is imported at once. The areas' models
(agenda, mediation, pathways, preparation) load together the first time one of their names is
used (PEP 562 ``__getattr__``): the first window does not pay for them (cold-start budget), and
they load as one because their tables refer to each other. Whatever needs the complete
metadata — migrations, the test fixtures — calls ``load_all()``.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from db.models.audit import AuditEvent
from db.models.base import Base, Entity
from db.models.org import Role, Site, SiteKind, Staff
from db.models.people import Civility, Person, PersonKind

_AREA_NAMES: dict[str, tuple[str, ...]] = {
    "agenda": (
        "Absence",
        "AdviserBusy",
        "Appointment",
        "AppointmentKind",
        "AppointmentStatus",
        "Availability",
        "CallbackOutcome",
        "CallbackRequest",
        "CancelledBy",
        "Channel",
        "ClosedDay",
        "Motive",
        "OpeningHours",
        "WaitingListEntry",
        "WorkshopSession",
    ),
    "mediation": (
        "CaseEventKind",
        "CaseOutcome",
        "CaseStatus",
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
        "Redirection",
        "WaitingOn",
    ),
    "pathways": (
        "AttemptResult",
        "Offer",
        "PathwayAttempt",
        "PathwayEntry",
        "PathwayImport",
        "PathwayKind",
        "PathwayOutcome",
        "PathwayStatus",
        "PersonOffer",
        "Segment",
    ),
    "preparation": (
        "PreparationAttempt",
        "PreparationOutcome",
        "PreparationSettings",
        "PreparationStatus",
        "PreparationTask",
    ),
}


def load_all() -> MetaData:
    """Import every area's models; returns the complete metadata."""
    for area in _AREA_NAMES:
        importlib.import_module(f"db.models.{area}")
    return Base.metadata


def __getattr__(name: str):
    for area, names in _AREA_NAMES.items():
        if name in names:
            load_all()
            return getattr(importlib.import_module(f"db.models.{area}"), name)
    raise AttributeError(f"module 'db.models' has no attribute {name!r}")


__all__ = [
    "Absence",
    "AdviserBusy",
    "Appointment",
    "AppointmentKind",
    "AppointmentStatus",
    "AttemptResult",
    "AuditEvent",
    "Availability",
    "Base",
    "CallbackOutcome",
    "CallbackRequest",
    "CancelledBy",
    "CaseEventKind",
    "CaseOutcome",
    "CaseStatus",
    "Channel",
    "Civility",
    "ClosedDay",
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
    "Motive",
    "Offer",
    "OpeningHours",
    "PathwayAttempt",
    "PathwayEntry",
    "PathwayImport",
    "PathwayKind",
    "PathwayOutcome",
    "PathwayStatus",
    "Person",
    "PersonKind",
    "PersonOffer",
    "PreparationAttempt",
    "PreparationOutcome",
    "PreparationSettings",
    "PreparationStatus",
    "PreparationTask",
    "Redirection",
    "Role",
    "Segment",
    "Site",
    "SiteKind",
    "Staff",
    "WaitingListEntry",
    "WaitingOn",
    "WorkshopSession",
    "load_all",
]
