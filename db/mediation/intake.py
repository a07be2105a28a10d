"""Registering a mediation request: the intake form, its checks and the case's reference.

References (``MED-YYYY-NNNNN``) — the choice for offline laptops:
a final reference comes from the per-year counter of the database that holds the authority —
the server, or the single PC's own SQLite file. ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
on ``mediation_counter`` takes the counter row's lock, so two sessions on the server never get
the same number: the second waits for the first to commit, then reads the incremented value.
An offline replica (a France Services laptop) must not draw from its own copy of the counter:
its cases get a *provisional* reference ``MED-YYYY-PXXXXXXXX`` (8 hex digits of the case's
UUID, so two laptops never collide) and no final one; the server gives the final one as the
sync applies the case's creation (``db.sync.server``), in the order the cases arrive, and
the next pull brings it back to the laptop; the provisional one stays searchable. We preferred this
to a replica prefix in the reference because the published reference keeps one format and the
yearly numbering stays dense, as the team and the requesters expect.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from db import validation
from db.errors import ValidationError
from db.mediation.common import add_event, refresh, search_text, today_in_office
from db.mediation.labels import CHANNEL_LABELS
from db.mediation.models import (
    CaseEventKind,
    CaseStatus,
    MediationCase,
    MediationChannel,
    MediationCounter,
    MediationMotive,
)
from db.mediation.records import CaseCreated, CaseInput
from db.org.access import Permission
from db.org.models import Site, Staff
from db.people.models import Person
from db.roles import Role
from db.unit import Unit, rows


def _validate_intake(session: Session, data: CaseInput, today: date) -> dict:
    """Clean the intake form; collect every French message before refusing."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {
        "received_on": data.received_on, "channel": data.channel,
        "prior_step_done": bool(data.prior_step_done),
        "court_action_pending": bool(data.court_action_pending),
        "decision_notified_on": data.decision_notified_on,
    }
    for name in ("representative_name", "representative_capacity", "contested_decision"):
        values[name] = " ".join(getattr(data, name).split())
    values["summary"] = data.summary.strip()

    if data.received_on > today:
        errors["received_on"] = "La date de réception ne peut pas être dans le futur."
    elif data.received_on.year < 2000:
        errors["received_on"] = "La date de réception est antérieure à 2000."
    if not isinstance(data.channel, MediationChannel):
        errors["channel"] = "Choisissez le canal de la demande."
    person = session.get(Person, data.person_id) if data.person_id else None
    if person is None or person.deleted_at is not None:
        errors["person_id"] = "Choisissez le demandeur dans le registre des personnes."
    values["person_id"] = data.person_id
    if values["representative_name"] and not values["representative_capacity"]:
        errors["representative_capacity"] = (
            "Précisez à quel titre cette personne agit (tuteur, aidant, association…).")
    motive = session.get(MediationMotive, data.motive_id) if data.motive_id else None
    if motive is None or motive.deleted_at is not None:
        errors["motive_id"] = "Choisissez le motif de la demande."
    elif not (motive.valid_from <= data.received_on
              and (motive.valid_until is None or data.received_on <= motive.valid_until)):
        errors["motive_id"] = (f"Le motif « {motive.label} » n'était pas en vigueur le "
                               f"{data.received_on:%d/%m/%Y}.")
    values["motive_id"] = data.motive_id
    if data.decision_notified_on and data.decision_notified_on > data.received_on:
        errors["decision_notified_on"] = (
            "La décision contestée ne peut pas avoir été notifiée après la demande.")
    if data.decision_notified_on and not values["contested_decision"]:
        errors["contested_decision"] = "Décrivez la décision contestée."
    if not values["summary"]:
        errors["summary"] = "Le résumé de la demande est obligatoire."
    values["mediator_id"] = data.mediator_id
    if data.mediator_id is not None:
        mediator = session.get(Staff, data.mediator_id)
        if mediator is None or not mediator.active or mediator.role not in (
                Role.MEDIATOR, Role.MEDIATION_ASSISTANT):
            errors["mediator_id"] = "Choisissez un membre de l'équipe de médiation."
    values["site_id"] = data.site_id
    if data.site_id is not None and session.get(Site, data.site_id) is None:
        errors["site_id"] = "Ce site n'existe pas."
    if errors:
        raise ValidationError(errors)
    values["urgent"] = motive.urgent_by_default if data.urgent is None else bool(data.urgent)
    return values | {"_person": person, "_motive": motive}


def final_reference(year: int, number: int) -> str:
    return f"MED-{year}-{number:05d}"


def searchable_with_final_reference(text: str, reference: str) -> str:
    """The search text of a case numbered after its creation (a laptop's, at the sync)."""
    return f"{validation.fold(reference.replace('-', ' '))} {text.strip()}"


def _final_reference(unit: Unit, year: int) -> str:
    """The next final reference of ``year``, safe under concurrency (see the module
    docstring)."""
    return final_reference(
        year, rows.next_number(unit, MediationCounter, {"year": year}, "last_number"))


def create_case(unit: Unit, data: CaseInput, *, today: date | None = None) -> CaseCreated:
    """Register a request; on a laptop's replica, with a provisional reference."""
    unit.require(Permission.MEDIATION)
    today = today or today_in_office()
    values = _validate_intake(unit.session, data, today)
    person, motive = values.pop("_person"), values.pop("_motive")
    case = MediationCase(id=uuid.uuid4(), status=CaseStatus.RECEIVED,
                         site_id=values.pop("site_id") or unit.actor.site_id, **values)
    year = data.received_on.year
    offline = rows.on_replica(unit)
    if offline:
        case.provisional_reference = f"MED-{year}-P{case.id.hex[:8].upper()}"
    else:
        case.reference = _final_reference(unit, year)
    case.search_text = search_text(case, person, motive)
    refresh(unit, case, waits=[])
    rows.create(unit, case, motive_id=str(case.motive_id), person_id=str(case.person_id),
                provisional=offline)
    add_event(unit, case, CaseEventKind.STATUS, "Demande reçue",
              f"Canal : {CHANNEL_LABELS[case.channel]}", internal=False)
    return CaseCreated(case.id, case.display_reference)


def update_intake(unit: Unit, case_id: uuid.UUID, expected_version: int,
                  data: CaseInput, *, today: date | None = None) -> int:
    """Correct the intake; returns the new version (unchanged when nothing changed)."""
    unit.require(Permission.MEDIATION)
    case = rows.load_version(unit, MediationCase, case_id, expected_version)
    values = _validate_intake(unit.session, data, today or today_in_office())
    person, motive = values.pop("_person"), values.pop("_motive")
    if values["site_id"] is None:
        values.pop("site_id")
    changed = sorted(key for key, value in values.items() if getattr(case, key) != value)
    if changed:
        with rows.editing(unit, case, fields=changed):
            for key in changed:
                setattr(case, key, values[key])
            case.search_text = search_text(case, person, motive)
            refresh(unit, case)
    return case.version
