"""The mediation team's set-up: motives, delays, and who is in the team."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from db.errors import ValidationError
from db.mediation.common import refresh, settings
from db.mediation.models import MediationCase, MediationMotive
from db.org.access import Permission
from db.org.models import Staff
from db.roles import Role
from db.unit import Unit, rows


@dataclass(frozen=True)
class MotiveRecord:
    id: uuid.UUID
    version: int
    code: str
    label: str
    urgent_by_default: bool
    valid_from: date
    valid_until: date | None


@dataclass
class MotiveInput:
    code: str
    label: str
    valid_from: date
    valid_until: date | None = None
    urgent_by_default: bool = False


def list_motives(unit: Unit, *, on: date | None = None) -> list[MotiveRecord]:
    """The motives in force ``on`` that day (intake), or all of them when ``on`` is None."""
    session = unit.session
    unit.require_any(Permission.MEDIATION, Permission.ADMINISTER)
    statement = select(MediationMotive)
    if on is not None:
        statement = statement.where(
            MediationMotive.valid_from <= on,
            MediationMotive.valid_until.is_(None) | (MediationMotive.valid_until >= on))
    return [
        MotiveRecord(m.id, m.version, m.code, m.label, m.urgent_by_default, m.valid_from,
                     m.valid_until)
        for m in session.scalars(statement.order_by(MediationMotive.position,
                                                    MediationMotive.label))
    ]


def save_motive(unit: Unit, data: MotiveInput,
                motive_id: uuid.UUID | None = None, expected_version: int | None = None,
                ) -> uuid.UUID:
    """Create a motive, or edit one (a motive in use is retired with ``valid_until``)."""
    session = unit.session
    unit.require(Permission.ADMINISTER)
    errors = {}
    code, label = data.code.strip().lower(), " ".join(data.label.split())
    if not re.fullmatch(r"[a-z0-9_]{2,40}", code):
        errors["code"] = "Le code compte 2 à 40 lettres minuscules, chiffres ou « _ »."
    if not label:
        errors["label"] = "Le libellé est obligatoire."
    if data.valid_until is not None and data.valid_until < data.valid_from:
        errors["valid_until"] = "La fin de validité précède son début."
    other = session.scalar(select(MediationMotive.id).where(MediationMotive.code == code)
                           .execution_options(include_deleted=True))
    if other is not None and other != motive_id:
        errors["code"] = f"Le code « {code} » est déjà pris."
    if errors:
        raise ValidationError(errors)
    values = {"code": code, "label": label, "valid_from": data.valid_from,
              "valid_until": data.valid_until, "urgent_by_default": data.urgent_by_default}
    if motive_id is None:
        last = session.scalar(select(func.coalesce(func.max(MediationMotive.position), 0)))
        values["position"] = last + 1
    return rows.create_or_update(unit, MediationMotive, values, motive_id, expected_version)


@dataclass(frozen=True)
class SettingsRecord:
    """The team's delays: the acknowledgement (days), the handling target (months), the
    follow-up of a wait (working days)."""

    version: int
    acknowledgement_days: int
    handling_months: int
    follow_up_working_days: int


def get_settings(unit: Unit) -> SettingsRecord:
    unit.require_any(Permission.MEDIATION, Permission.ADMINISTER)
    current = settings(unit)
    return SettingsRecord(current.version, current.acknowledgement_days,
                          current.handling_months, current.follow_up_working_days)


def update_settings(unit: Unit, expected_version: int, *,
                    acknowledgement_days: int, handling_months: int,
                    follow_up_working_days: int) -> int:
    """Change the team's delays; the open cases' due dates follow."""
    session = unit.session
    unit.require(Permission.ADMINISTER)
    current = settings(unit)
    rows.check_version(current, expected_version)
    errors = {}
    if not 1 <= acknowledgement_days <= 60:
        errors["acknowledgement_days"] = "Le délai d'accusé de réception va de 1 à 60 jours."
    if not 1 <= handling_months <= 12:
        errors["handling_months"] = "L'objectif de traitement va de 1 à 12 mois."
    if not 1 <= follow_up_working_days <= 60:
        errors["follow_up_working_days"] = "Le délai de relance va de 1 à 60 jours ouvrés."
    if errors:
        raise ValidationError(errors)
    rows.save(unit, current, {"acknowledgement_days": acknowledgement_days,
                              "handling_months": handling_months,
                              "follow_up_working_days": follow_up_working_days})
    for case in session.scalars(select(MediationCase).where(MediationCase.is_open)).all():
        with rows.editing(unit, case, action=None):
            refresh(unit, case)
    return current.version


def team_members(unit: Unit) -> list[tuple[uuid.UUID, str]]:
    """The mediation team, for the mediator filter and the assignment field."""
    session = unit.session
    unit.require(Permission.MEDIATION)
    return [(s.id, s.display_name) for s in session.scalars(
        select(Staff).where(Staff.role.in_((Role.MEDIATOR, Role.MEDIATION_ASSISTANT)),
                            Staff.active)
        .order_by(Staff.last_name, Staff.first_name))]
