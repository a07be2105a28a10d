"""The preparations' settings: how many working days before the visit, how many calls."""

from __future__ import annotations

from sqlalchemy import select

from db.agenda.models import Appointment
from db.errors import ValidationError
from db.org.access import Permission
from db.org.models import Site
from db.preparation.models import PreparationSettings, PreparationStatus, PreparationTask
from db.unit import Unit, rows
from db.workdays import WorkingCalendar


def settings(unit: Unit) -> PreparationSettings:
    return unit.session.scalars(select(PreparationSettings)).one()


def update_settings(unit: Unit, expected_version: int, *,
                    lead_working_days: int, max_attempts: int) -> int:
    """Change the delays; the open tasks' due days follow. Returns the new version."""
    unit.require(Permission.ADMINISTER)
    current = settings(unit)
    rows.check_version(current, expected_version)
    errors = {}
    if not 1 <= lead_working_days <= 10:
        errors["lead_working_days"] = ("La préparation se fait de 1 à 10 jours ouvrés avant "
                                       "le rendez-vous.")
    if not 1 <= max_attempts <= 5:
        errors["max_attempts"] = "Le nombre d'appels va de 1 à 5."
    if errors:
        raise ValidationError(errors)
    changed = rows.save(unit, current, {"lead_working_days": lead_working_days,
                                        "max_attempts": max_attempts})
    if "lead_working_days" in changed:
        departments = dict(unit.session.execute(select(Site.id, Site.department)).all())
        rows.update_many(unit, PreparationTask, {
            task_id: {"due_on": WorkingCalendar(departments[site_id]).add_working_days(
                day, -lead_working_days)}
            for task_id, day, site_id in unit.session.execute(
                select(PreparationTask.id, PreparationTask.appointment_day,
                       Appointment.site_id)
                .join(Appointment, Appointment.id == PreparationTask.appointment_id)
                .where(PreparationTask.status == PreparationStatus.OPEN))
        }, action=None)
    return current.version
