"""Worklist entries follow the agenda (a handler of ``db.agenda.events``): an appointment
booked from a worklist and then moved — once or many times — stays the entry's appointment.

Moving an appointment makes a new row (the old one becomes « reporté »), so the link is
carried over when the agenda says so (``AppointmentMoved``), in the same transaction. The
entry always names the appointment that is current: the funnel counts « RDV honorés » with
one join, and the entry, the person's record and the report agree on which appointment it is.
"""

from __future__ import annotations

from sqlalchemy import select

from db.agenda.events import AppointmentMoved
from db.pathways.models import PathwayEntry
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
