"""How long each kind of data is kept: read by the purge, set by administrators."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select

from db.errors import ValidationError
from db.lifecycle.models import RetentionSettings
from db.org.access import Permission
from db.unit import Unit, rows

MONTHS_RANGE = range(1, 241)


@dataclass(frozen=True)
class Retention:
    """Months each kind is kept (mediation: None, never purged until one is set)."""

    appointments_months: int = 24
    callbacks_months: int = 12
    pathways_months: int = 24
    mediation_months: int | None = None
    audit_months: int = 12
    messages_months: int = 3


@dataclass(frozen=True)
class RetentionRecord:
    data: Retention
    version: int


_LABELS = {
    "appointments_months": "Rendez-vous", "callbacks_months": "Demandes de rappel",
    "pathways_months": "Lignes de parcours", "mediation_months": "Dossiers de médiation",
    "audit_months": "Journal d'audit", "messages_months": "Messages aux personnes",
}


def _row(unit: Unit) -> RetentionSettings:
    return unit.session.scalar(select(RetentionSettings))


def get_retention(unit: Unit) -> RetentionRecord:
    unit.require(Permission.ADMINISTER, system=True)
    row = _row(unit)
    return RetentionRecord(Retention(**{f.name: getattr(row, f.name) for f in fields(Retention)}),
                           row.version)


def save_retention(unit: Unit, data: Retention, expected_version: int) -> int:
    """Set the durations (refused, nothing written, when one is out of 1 to 240 months)."""
    unit.require(Permission.ADMINISTER)
    errors = {}
    for field in fields(Retention):
        months = getattr(data, field.name)
        if months is None and field.name == "mediation_months":
            continue
        if months not in MONTHS_RANGE:
            errors[field.name] = (f"{_LABELS[field.name]} : une durée de 1 à 240 mois est "
                                  "attendue.")
    if errors:
        raise ValidationError(errors)
    row = rows.load_version(unit, RetentionSettings, _row(unit).id, expected_version)
    rows.save(unit, row, {f.name: getattr(data, f.name) for f in fields(Retention)})
    return row.version
