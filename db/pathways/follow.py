"""Worklist entries follow the agenda and the registry (handlers of ``db.agenda.events`` and
``db.people.events``): an appointment
booked from a worklist and then moved — once or many times — stays the entry's appointment,
and so does the one booked again after it was cancelled or missed.

Moving an appointment makes a new row (the old one becomes « reporté »), so the link is
carried over when the agenda says so (``AppointmentMoved``), in the same transaction. A
rebooking is a new appointment of the same person for the same motive, booked within
``REBOOKING_DAYS`` of the pathway's « RDV pris », while the entry's appointment was cancelled
or missed (``AppointmentBooked``). And an entry imported with « coordonnées à vérifier » is
checked once an adviser saved the person's phone or e-mail (``ContactsChanged``).

The entry always names the appointment that is current: the funnel counts « RDV honorés »
with one join, and the entry, the person's record and the report agree on which appointment
it is.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.agenda.events import AppointmentBooked, AppointmentMoved
from db.agenda.models import Appointment, AppointmentStatus
from db.pathways.models import PathwayEntry, PathwayStatus
from db.people.events import ContactsChanged
from db.unit import Unit, rows
from db.unit.audit import ids
from db.unit.events import subscribe


@subscribe(AppointmentMoved)
def appointment_moved(unit: Unit, moved: AppointmentMoved) -> None:
    """The entries linked to the old appointment now name the new one."""
    entries = unit.session.scalars(select(PathwayEntry).where(
        PathwayEntry.appointment_id == moved.old_id)).all()
    for entry in entries:
        rows.save(unit, entry, {"appointment_id": moved.new_id}, action="follow",
                  **ids(appointment_id=moved.new_id, moved_from_id=moved.old_id))


# How long after « RDV pris » a new appointment for the same motive is the same booking again.
REBOOKING_DAYS = 90
_NOT_HELD = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


@subscribe(AppointmentBooked)
def appointment_booked(unit: Unit, booked: AppointmentBooked) -> None:
    """The person's entry whose appointment was cancelled or missed now names the new one,
    when it is for the same motive (the latest such entry: one booking is one entry's)."""
    new = unit.session.get(Appointment, booked.appointment_id)
    if new.workshop_session_id is not None:
        return
    previous = aliased(Appointment)
    entry = unit.session.scalars(
        select(PathwayEntry)
        .join(previous, previous.id == PathwayEntry.appointment_id)
        .where(PathwayEntry.person_id == new.person_id,
               PathwayEntry.status.in_((PathwayStatus.BOOKED, PathwayStatus.DONE)),
               PathwayEntry.outcome_at >= new.created_at - timedelta(days=REBOOKING_DAYS),
               previous.status.in_(_NOT_HELD), previous.motive_id == new.motive_id)
        .order_by(PathwayEntry.outcome_at.desc()).limit(1)).first()
    if entry is not None:
        rows.save(unit, entry, {"appointment_id": new.id}, action="follow",
                  **ids(appointment_id=new.id, rebooked_from_id=entry.appointment_id))


@subscribe(ContactsChanged)
def contacts_changed(unit: Unit, changed: ContactsChanged) -> None:
    """The person's phone or e-mail was saved by hand: their lines are checked."""
    for entry in unit.session.scalars(select(PathwayEntry).where(
            PathwayEntry.person_id == changed.person_id, PathwayEntry.contacts_to_check)):
        rows.save(unit, entry, {"contacts_to_check": False}, action="contacts_checked")
