"""Preparations follow the agenda (handlers of ``db.agenda.events``): a physical appointment
booked gets its task, due a number of working days before the visit (working days of the
site's département); a moved one takes it along; a cancelled one calls it off."""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.events import AppointmentBooked, AppointmentCancelled, AppointmentMoved
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus
from db.org.models import Site
from db.preparation.models import PreparationStatus, PreparationTask
from db.preparation.settings import settings
from db.unit import Unit, rows
from db.unit.audit import ids
from db.unit.events import subscribe
from db.workdays import WorkingCalendar


def _days(unit: Unit, appointment: Appointment) -> tuple[date, date]:
    """The appointment's local day and the working day its preparation is due."""
    site = unit.session.get(Site, appointment.site_id)
    day = appointment.starts_at.astimezone(ZoneInfo(site.time_zone)).date()
    lead = settings(unit).lead_working_days
    return day, WorkingCalendar(site.department).add_working_days(day, -lead)


def task_of(unit: Unit, appointment_id: uuid.UUID) -> PreparationTask | None:
    return unit.session.scalar(select(PreparationTask).where(
        PreparationTask.appointment_id == appointment_id))


def _prepared(appointment: Appointment) -> bool:
    return (appointment.kind is AppointmentKind.PHYSICAL
            and appointment.status is AppointmentStatus.BOOKED)


def _create_task(unit: Unit, appointment: Appointment) -> None:
    if not _prepared(appointment):
        return
    day, due_on = _days(unit, appointment)
    rows.create(unit, PreparationTask(appointment_id=appointment.id, appointment_day=day,
                                      due_on=due_on),
                **ids(appointment_id=appointment.id))


@subscribe(AppointmentBooked)
def appointment_booked(unit: Unit, booked: AppointmentBooked) -> None:
    """A new physical appointment gets its preparation task."""
    _create_task(unit, unit.session.get(Appointment, booked.appointment_id))


@subscribe(AppointmentMoved)
def appointment_moved(unit: Unit, moved: AppointmentMoved) -> None:
    """The task follows the appointment to its new time (its calls are kept); a visit
    turned into a phone appointment needs no preparation any more."""
    new = unit.session.get(Appointment, moved.new_id)
    task = task_of(unit, moved.old_id)
    if task is None:
        _create_task(unit, new)
    elif not _prepared(new):
        _call_off(unit, task)
    else:
        day, due_on = _days(unit, new)
        rows.save(unit, task, {"appointment_id": new.id, "appointment_day": day,
                               "due_on": due_on},
                  action="follow", **ids(appointment_id=new.id))


@subscribe(AppointmentCancelled)
def appointment_cancelled(unit: Unit, cancelled: AppointmentCancelled) -> None:
    task = task_of(unit, cancelled.appointment_id)
    if task is not None:
        _call_off(unit, task)


def _call_off(unit: Unit, task: PreparationTask) -> None:
    if task.status is PreparationStatus.OPEN:  # one already done stays (and in the figures)
        rows.save(unit, task, {"status": PreparationStatus.CANCELLED}, action="cancel")
