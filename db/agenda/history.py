"""A person's history for their record, in words: the record's own audit trail and what
happened to their appointments (« rendez-vous du 14/12/2026 à 10:00 pris par É. Garnier »).

The audit trail says who did what and when; appointments written in bulk (the demo, an
import) have no audit row of their own, so what their row tells (booked when, by whom, the
outcome) stands in for it. No free text is shown: no note, no reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.agenda.labels import STATUS_LABELS
from db.agenda.models import Appointment, AppointmentStatus
from db.org.access import Permission
from db.org.models import Site, Staff
from db.unit import INCLUDE_DELETED, Unit
from db.unit.audit import AuditEvent
from db.wording import clock, day

# What was done to the record; who read it (« read_nir », a NIR handed over in clear) is the
# journal's business, not the record's history.
_PERSON_ACTIONS = {"create": "fiche créée", "update": "fiche modifiée",
                   "anonymise": "fiche anonymisée"}
_APPOINTMENT_ACTIONS = {"book": "pris", "reschedule": "déplacé", "cancel": "annulé",
                        "resolve_at_preparation": "réglé lors de la préparation"}


@dataclass(frozen=True)
class HistoryLine:
    occurred_at: datetime  # UTC
    what: str  # « rendez-vous du 14/12/2026 à 10:00 pris »
    who: str  # « É. Garnier », "" for a system job

    def text(self) -> str:
        """« 12/11/2026 — rendez-vous du 14/12/2026 à 10:00 pris par É. Garnier » (the day
        on this computer's clock)."""
        when = day(self.occurred_at.astimezone().date())
        what = self.what[:1].upper() + self.what[1:]
        return f"{when} — {what}" + (f" par {self.who}" if self.who else "")


def person_history(unit: Unit, person_id: uuid.UUID) -> list[HistoryLine]:
    """The record's history, the latest first."""
    unit.require(Permission.VIEW_PEOPLE)
    session = unit.session
    appointments = list(session.scalars(
        select(Appointment).where(Appointment.person_id == person_id)
        .execution_options(**{INCLUDE_DELETED: True})))
    by_id = {a.id: a for a in appointments}
    events = list(session.scalars(select(AuditEvent).where(
        ((AuditEvent.entity_type == "person") & (AuditEvent.entity_id == person_id))
        | ((AuditEvent.entity_type == "appointment") & AuditEvent.entity_id.in_(by_id)))))
    zones = dict(session.execute(select(Site.id, Site.time_zone).where(
        Site.id.in_({a.site_id for a in appointments}))).all())
    names = _short_names(unit, {e.actor_id for e in events}
                         | {a.booked_by_id for a in appointments})
    lines = [_event_line(e, by_id, zones, names) for e in events]
    audited = {(e.entity_id, e.action) for e in events}
    for appointment in appointments:
        lines += _row_lines(appointment, audited, zones, names)
    return sorted((line for line in lines if line is not None),
                  key=lambda line: line.occurred_at, reverse=True)


def _short_names(unit: Unit, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """« É. Garnier » for each account (a removed one keeps its name in the history)."""
    wanted = {i for i in ids if i is not None}
    rows = unit.session.execute(
        select(Staff.id, Staff.first_name, Staff.last_name).where(Staff.id.in_(wanted))
        .execution_options(**{INCLUDE_DELETED: True})) if wanted else []
    return {i: f"{first[:1]}. {last}" if first else last for i, first, last in rows}


def _appointment(appointment: Appointment, zones: dict) -> str:
    local = appointment.starts_at.astimezone(ZoneInfo(zones.get(appointment.site_id,
                                                                "Europe/Paris")))
    return f"rendez-vous du {day(local.date())} à {clock(local)}"


def _event_line(event: AuditEvent, appointments: dict, zones: dict,
                names: dict) -> HistoryLine | None:
    who = names.get(event.actor_id, "")
    if event.entity_type == "person":
        what = _PERSON_ACTIONS.get(event.action)
        return HistoryLine(event.occurred_at, what, who) if what else None
    appointment = appointments[event.entity_id]
    if event.action == "outcome":
        status = AppointmentStatus(event.details.get("status", appointment.status.value))
        what = f"{_appointment(appointment, zones)} : {STATUS_LABELS[status].lower()}"
    elif event.action in _APPOINTMENT_ACTIONS:
        what = f"{_appointment(appointment, zones)} {_APPOINTMENT_ACTIONS[event.action]}"
    else:
        return None  # a technical change (an invitation's sequence…)
    return HistoryLine(event.occurred_at, what, who)


def _row_lines(appointment: Appointment, audited: set, zones: dict,
               names: dict) -> list[HistoryLine]:
    """What an appointment's row tells when no audit row says it (written in bulk)."""
    lines = []
    if not ({(appointment.id, "book"), (appointment.id, "reschedule")} & audited) \
            and appointment.rescheduled_from_id is None:
        lines.append(HistoryLine(appointment.created_at,
                                 f"{_appointment(appointment, zones)} pris",
                                 names.get(appointment.booked_by_id, "")))
    if appointment.outcome_at is not None and (appointment.id, "outcome") not in audited \
            and appointment.status in (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW):
        lines.append(HistoryLine(
            appointment.outcome_at,
            f"{_appointment(appointment, zones)} : "
            f"{STATUS_LABELS[appointment.status].lower()}", ""))
    if appointment.status is AppointmentStatus.CANCELLED and (appointment.id, "cancel") \
            not in audited:
        lines.append(HistoryLine(appointment.updated_at,
                                 f"{_appointment(appointment, zones)} annulé", ""))
    return lines
