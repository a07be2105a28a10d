"""The office's activity for a month: appointments, call-backs, preparations and pathways."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, true
from sqlalchemy.orm import Session

from db.agenda.labels import CHANNEL_LABELS, KIND_LABELS
from db.agenda.models import Appointment, AppointmentKind, AppointmentStatus, Channel
from db.callbacks.models import CallbackRequest
from db.dashboard.model import Chart, Drill, Figure, Section, Table, month_bounds, next_month
from db.messages.models import Message, MessageKind, MessageStatus
from db.pathways import funnel as pathways_funnel
from db.pathways.models import PathwayEntry, PathwayOutcome
from db.preparation import rates as preparation_rates
from db.preparation.models import PreparationOutcome, PreparationStatus, PreparationTask
from db.preparation.rates import RateGroup
from db.unit import Unit

# The outcome columns of the tables, in the order a manager reads them.
APPOINTMENT_STATUSES: tuple[tuple[AppointmentStatus, str], ...] = (
    (AppointmentStatus.HONOURED, "Honorés"),
    (AppointmentStatus.NO_SHOW, "Absents"),
    (AppointmentStatus.CANCELLED, "Annulés"),
    (AppointmentStatus.RESOLVED_AT_PREPARATION, "Réglés à la préparation"),
    (AppointmentStatus.BOOKED, "Sans issue (à venir ou à renseigner)"),
)


_TABLE_STATUSES = APPOINTMENT_STATUSES[:3]


def _appointment_scope(drill: Drill) -> list[ColumnElement[bool]]:
    """The month's appointments at the site; a moved one counts once, at its new time."""
    starts, ends = month_bounds(drill.month)
    clauses = [Appointment.starts_at >= starts,
               Appointment.starts_at < ends,
               Appointment.status != AppointmentStatus.RESCHEDULED]
    if drill.site_id is not None:
        clauses.append(Appointment.site_id == drill.site_id)
    return clauses


_APPOINTMENT_COLUMNS = {
    "kind": (Appointment.kind, AppointmentKind),
    "channel": (Appointment.channel, Channel),
    "status": (Appointment.status, AppointmentStatus),
    "site": (Appointment.site_id, uuid.UUID),
}


def appointment_section(session: Session, scope: Drill, site_names: dict) -> Section:
    column_names = list(_APPOINTMENT_COLUMNS)
    columns = [_APPOINTMENT_COLUMNS[name][0] for name in column_names]
    counts: dict[tuple, int] = {
        tuple(row[:-1]): row[-1]
        for row in session.execute(select(*columns, func.count())
                                   .where(*_appointment_scope(scope)).group_by(*columns))
    }

    def total(**wanted) -> int:
        positions = {column_names.index(name): value for name, value in wanted.items()}
        return sum(n for key, n in counts.items()
                   if all(key[i] == value for i, value in positions.items()))

    def figure(label: str, of: int | None = None, **wanted) -> Figure:
        conditions = tuple((name, str(value)) for name, value in wanted.items())
        return Figure(label, total(**wanted), scope.narrowed(*conditions), of)

    everything = total()
    headline = (figure("Rendez-vous du mois"), *(
        figure(label, everything, status=status) for status, label in APPOINTMENT_STATUSES))

    def breakdown(title: str, heading: str, name: str, labels: dict) -> Table:
        rows = []
        for value, label in labels.items():
            row_total = total(**{name: value})
            if not row_total:
                continue
            cells = (figure("Total", **{name: value}), *(
                figure(status_label, row_total, **{name: value, "status": status})
                for status, status_label in _TABLE_STATUSES))
            rows.append((label, cells))
        return Table(title, heading, ("Total", *(lbl for _s, lbl in _TABLE_STATUSES)),
                     tuple(rows))

    tables = [breakdown("Par type de rendez-vous", "Type", "kind", KIND_LABELS),
              breakdown("Par canal de prise de rendez-vous", "Canal", "channel",
                        CHANNEL_LABELS)]
    if scope.site_id is None:
        tables.append(breakdown("Par site", "Site", "site", site_names))
    tables.append(reminder_table(session, scope))
    charts = (
        Chart("Issue des rendez-vous", headline[1:]),
        Chart("Rendez-vous par type", tuple(
            figure(label, everything, kind=kind) for kind, label in KIND_LABELS.items())),
        Chart("Rendez-vous par canal", tuple(
            figure(label, everything, channel=channel)
            for channel, label in CHANNEL_LABELS.items())),
    )
    return Section("appointments", "Rendez-vous", headline, charts=charts, tables=tuple(tables),
                   note="Un rendez-vous déplacé compte une fois, à sa nouvelle date ; les taux "
                        "sont rapportés aux rendez-vous du mois.", activity=everything)


def _appointment_condition(name: str, value: str) -> ColumnElement[bool]:
    if name in _REMINDER_CONDITIONS:
        condition = _REMINDER_CONDITIONS[name]()
        return condition if value == "yes" else ~condition
    column, kind = _APPOINTMENT_COLUMNS[name]
    return column == kind(value)


# -- no-shows with and without a reminder ----------------------------------------------------

_SETTLED = (AppointmentStatus.HONOURED, AppointmentStatus.NO_SHOW)
_REMINDER_CONDITIONS = {
    # A reminder went to the person: e-mailed, or written to the SMS platform's file — its
    # row still in the queue, or marked on the appointment when the purge took the row.
    # ``SELECT 1``: answered from the message index alone.
    "reminded": lambda: or_(Appointment.reminded, select(literal_column("1")).where(
        Message.appointment_id == Appointment.id, Message.kind == MessageKind.REMINDER,
        Message.status == MessageStatus.SENT).exists()),
    "settled": lambda: Appointment.status.in_(_SETTLED),
}


def reminder_table(session: Session, scope: Drill) -> Table:
    """The no-show rate of the month's appointments whose outcome is known, with a reminder
    sent and without (RDV Service Public: about 25 % without, 6 % with)."""
    reminded = _REMINDER_CONDITIONS["reminded"]()
    counts = dict(((row[0], row[1]), row[2]) for row in session.execute(
        select(reminded, Appointment.status, func.count())
        .where(*_appointment_scope(scope), Appointment.status.in_(_SETTLED))
        .group_by(reminded, Appointment.status)))
    rows = []
    for was_reminded, label in ((True, "Avec un rappel envoyé"), (False, "Sans rappel")):
        flag = "yes" if was_reminded else "no"
        settled = sum(counts.get((was_reminded, status), 0) for status in _SETTLED)
        drill = scope.narrowed(("reminded", flag), ("settled", "yes"))
        rows.append((label, (
            Figure("Honorés ou absents", settled, drill),
            Figure("Absents", counts.get((was_reminded, AppointmentStatus.NO_SHOW), 0),
                   drill.narrowed(("status", AppointmentStatus.NO_SHOW.value)), settled))))
    return Table("Absences avec et sans rappel", "Rappel", ("Honorés ou absents", "Absents"),
                 tuple(rows))


CALLBACK_STATES = (
    ("in_time", "Traitées sous 24 h"),
    ("late", "Traitées après 24 h"),
    ("overdue", "En attente, délai dépassé"),
    ("pending", "En attente, dans le délai"),
)


def _callback_state(now: datetime) -> ColumnElement[str]:
    """Each request's state; « within 24 h » is its due time (24 working hours)."""
    request = CallbackRequest
    return case(
        (and_(request.outcome.is_not(None), request.outcome_at <= request.due_at), "in_time"),
        (request.outcome.is_not(None), "late"),
        (request.due_at < now, "overdue"),
        else_="pending",
    )


def _callback_scope(drill: Drill) -> list[ColumnElement[bool]]:
    starts, ends = month_bounds(drill.month)
    clauses = [CallbackRequest.requested_at >= starts,
               CallbackRequest.requested_at < ends]
    if drill.site_id is not None:
        clauses.append(CallbackRequest.site_id == drill.site_id)
    return clauses


def callback_section(session: Session, scope: Drill, now: datetime) -> Section:
    state = _callback_state(now)
    counts = dict(session.execute(
        select(state, func.count()).where(*_callback_scope(scope)).group_by(state)).all())
    received = sum(counts.values())
    figures = (Figure("Demandes de rappel reçues", received, scope), *(
        Figure(label, counts.get(key, 0), scope.narrowed(("state", key)), received)
        for key, label in CALLBACK_STATES))
    return Section("callbacks", "Demandes de rappel", figures,
                   charts=(Chart("Traitement des demandes de rappel", figures[1:]),),
                   note="Délai : 24 heures ouvrées après la demande (week-ends et jours "
                        "fériés exclus).", activity=received)


def _preparation_scope(drill: Drill) -> list[ColumnElement[bool]]:
    """Preparations with an outcome for visits of the month, as ``conclusive_rates`` counts
    them (by the visit's day at its site)."""
    clauses = [PreparationTask.status == PreparationStatus.DONE,
               PreparationTask.appointment_day >= drill.month,
               PreparationTask.appointment_day < next_month(drill.month)]
    if drill.site_id is not None:
        clauses.append(Appointment.site_id == drill.site_id)
    return clauses


def _preparation_condition(name: str, value: str) -> ColumnElement[bool]:
    if name == "outcome":
        return PreparationTask.outcome == PreparationOutcome(value)
    return (Appointment.site_id if name == "site" else Appointment.adviser_id) == uuid.UUID(value)


def preparation_section(unit: Unit, scope: Drill) -> Section:
    """Prepared visits and the share settled on the phone, per site and per adviser
    (``rates.conclusive_rates``)."""
    by_site = [r for r in preparation_rates.conclusive_rates(unit, scope.month, scope.month,
                                                       RateGroup.SITE)
               if scope.site_id is None or r.key == scope.site_id]
    prepared = sum(r.prepared for r in by_site)
    conclusive = scope.narrowed(("outcome", PreparationOutcome.CONCLUSIVE.value))
    figures = (Figure("Préparations menées à terme", prepared, scope),
               Figure("Conclusives (déplacement évité)", sum(r.conclusive for r in by_site),
                      conclusive, prepared))

    def table(title: str, heading: str, name: str, rows) -> Table:
        return Table(title, heading, ("Préparées", "Conclusives"), tuple(
            (r.label, (Figure("Préparées", r.prepared, scope.narrowed((name, str(r.key)))),
                       Figure("Conclusives", r.conclusive,
                              conclusive.narrowed((name, str(r.key))), r.prepared)))
            for r in rows))

    tables = [table("Par site", "Site", "site", by_site)] if scope.site_id is None else []
    if scope.site_id is None:  # an adviser's preparations may span several sites
        tables.append(table("Par conseiller", "Conseiller", "adviser",
                            preparation_rates.conclusive_rates(unit, scope.month,
                                                         scope.month, RateGroup.ADVISER)))
    return Section("preparations", "Préparations des rendez-vous physiques", figures,
                   tables=tuple(tables), activity=prepared,
                   note="Rapportées aux préparations menées à terme (personne jointe ou "
                        "dernier essai passé) pour les rendez-vous du mois.")


FUNNEL_STEPS = (
    ("imported", "Importés"),
    ("reached", "Joints"),
    ("booked", "RDV pris"),
    ("honoured", "RDV honorés"),
    ("declined", "Refus"),
    ("unreachable", "Injoignables"),
    ("not_concerned", "Non concernés"),
    ("open", "À traiter"),
)


def _pathway_step(step: str) -> ColumnElement[bool]:
    """The entries a funnel step counts, as ``funnel.funnels`` counts them."""
    entry = PathwayEntry
    match step:
        case "imported":
            return true()
        case "reached":
            return entry.reached_at.is_not(None)
        case "honoured":
            return entry.appointment_id.in_(select(Appointment.id).where(
                Appointment.status == AppointmentStatus.HONOURED))
        case "open":
            return entry.outcome.is_(None)
        case _:
            return entry.outcome == PathwayOutcome(step)


def pathway_section(unit: Unit, scope: Drill) -> Section:
    funnels = pathways_funnel.funnels(unit, scope.month, scope.month)
    steps = {}  # kind code → its figures, step by step
    for funnel in funnels:
        steps[funnel.kind_code] = tuple(
            Figure(label, getattr(funnel, step), scope.narrowed(("kind", funnel.kind_code),
                                                       ("step", step)),
                   None if step == "imported" else funnel.imported)
            for step, label in FUNNEL_STEPS)
    figures = tuple(Figure(f"{f.kind_label} — personnes à appeler", f.imported,
                           steps[f.kind_code][0].drill) for f in funnels)
    charts = tuple(Chart(f"Entonnoir — {f.kind_label}", steps[f.kind_code][:4])
                   for f in funnels)
    # Steps down, pathways across: a kind an administrator adds is one more column.
    table = Table("Entonnoir de chaque parcours", "Étape",
                  tuple(f.kind_label for f in funnels),
                  tuple((label, tuple(steps[f.kind_code][position] for f in funnels))
                        for position, (_step, label) in enumerate(FUNNEL_STEPS)))
    return Section("pathways", "Parcours attentionnés", figures, charts=charts,
                   tables=(table,),
                   note="Cohorte du mois (personnes importées pour ce mois), tous sites : "
                        "les parcours ne sont pas rattachés à un site.",
                   activity=sum(f.imported for f in funnels))
