"""The managers' dashboard and the monthly report: the office's figures for one month, and
for each figure the list of records behind it.

Every count is computed by an aggregate query (GROUP BY in the database); the list behind a
figure is selected by the same SQL condition the count was grouped on (``drill_ids``), so the
dashboard, the PDF report and the lists agree by construction. A month is the calendar month
on the office's clock (Europe/Paris) for every site, so that the sites add up to the total.

What each role sees: the office's activity (appointments, preparations, call-backs,
pathways) goes to those who hold the dashboard and see the agenda (managers,
administrators); the mediation figures to every dashboard holder (managers, mediators,
administrators) — as counts and anonymous lists only, since case content belongs to the
mediation team.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from db.errors import PermissionDenied
from db.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CallbackRequest,
    CaseOutcome,
    CaseStatus,
    Channel,
    MediationCase,
    PathwayEntry,
    PathwayKind,
    PathwayOutcome,
    Person,
    PreparationOutcome,
    PreparationStatus,
    PreparationTask,
    Site,
)
from db.models.base import utcnow
from db.services import pathways, preparation
from db.services.access import Actor, Permission
from db.services.agenda import CALLBACK_OUTCOME_LABELS, CHANNEL_LABELS, KIND_LABELS
from db.services.mediation import OFFICE_TIME_ZONE, OUTCOME_LABELS
from db.services.mediation import STATUS_LABELS as CASE_STATUS_LABELS
from db.services.mediation_figures import _days as days_between
from db.services.pathways import month_label
from db.services.people import display_name
from db.services.preparation import RateGroup

# -- what a figure is ---------------------------------------------------------------------------


class Source(enum.StrEnum):
    """The kind of records a figure counts (and its list shows)."""

    APPOINTMENTS = "appointments"
    PREPARATIONS = "preparations"
    CALLBACKS = "callbacks"
    PATHWAYS = "pathways"
    CASES = "cases"


@dataclass(frozen=True)
class Drill:
    """Which records a figure counts: a source, the month and site, and conditions."""

    source: Source
    month: date
    site_id: uuid.UUID | None
    conditions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    drill: Drill
    of: int | None = None  # the total the count is a share of, when a share is shown

    @property
    def share(self) -> float | None:
        return self.count / self.of if self.of else None


@dataclass(frozen=True)
class Measure:
    """A value that is not a count (a median), with the records it was computed on."""

    label: str
    text: str
    drill: Drill | None = None


@dataclass(frozen=True)
class Table:
    title: str
    heading: str  # of the first column, the rows' labels
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]


@dataclass(frozen=True)
class Chart:
    """Horizontal bars, one per figure."""

    title: str
    bars: tuple[Figure, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: tuple[Figure, ...]
    measures: tuple[Measure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    note: str = ""
    activity: int = 0  # records of the month it counts: all zero makes a month with none

    def all_figures(self) -> Iterable[Figure]:
        """Every figure of the section: headline, charts and table cells."""
        yield from self.figures
        for chart in self.charts:
            yield from chart.bars
        for table in self.tables:
            for _label, cells in table.rows:
                yield from cells


@dataclass(frozen=True)
class Dashboard:
    month: date
    site_id: uuid.UUID | None
    site_name: str  # « Tous les sites » when none is chosen
    sections: tuple[Section, ...]
    activity: int  # records of the month, all sections: 0 is a month with no activity

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


ALL_SITES = "Tous les sites"

# -- who sees what ------------------------------------------------------------------------------


def sees_activity(actor: Actor) -> bool:
    """The office's activity: dashboard holders who also see the agenda."""
    return actor.can(Permission.DASHBOARD) and actor.can(Permission.BOOK_APPOINTMENTS)


def _require_dashboard(actor: Actor) -> None:
    actor.require(Permission.DASHBOARD)


def _require_source(actor: Actor, source: Source) -> None:
    _require_dashboard(actor)
    if source is not Source.CASES and not sees_activity(actor):
        raise PermissionDenied(f"Votre rôle ({actor.role_label}) ne permet pas de consulter "
                               "l'activité de l'accueil.")


# -- months -------------------------------------------------------------------------------------


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """UTC instants of the month's first and next month's first midnight, office time."""
    start = datetime.combine(month.replace(day=1), time(), OFFICE_TIME_ZONE)
    end = datetime.combine(next_month(month), time(), OFFICE_TIME_ZONE)
    return start.astimezone(UTC), end.astimezone(UTC)


# -- appointments -------------------------------------------------------------------------------

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
    clauses = [Appointment.deleted_at.is_(None), Appointment.starts_at >= starts,
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


def _appointment_section(session: Session, scope: Drill, site_names: dict) -> Section:
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
        return Figure(label, total(**wanted), _with(scope, *conditions), of)

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
    column, kind = _APPOINTMENT_COLUMNS[name]
    return column == kind(value)


# -- call-backs ---------------------------------------------------------------------------------

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
    clauses = [CallbackRequest.deleted_at.is_(None), CallbackRequest.requested_at >= starts,
               CallbackRequest.requested_at < ends]
    if drill.site_id is not None:
        clauses.append(CallbackRequest.site_id == drill.site_id)
    return clauses


def _callback_section(session: Session, scope: Drill, now: datetime) -> Section:
    state = _callback_state(now)
    counts = dict(session.execute(
        select(state, func.count()).where(*_callback_scope(scope)).group_by(state)).all())
    received = sum(counts.values())
    figures = (Figure("Demandes de rappel reçues", received, scope), *(
        Figure(label, counts.get(key, 0), _with(scope, ("state", key)), received)
        for key, label in CALLBACK_STATES))
    return Section("callbacks", "Demandes de rappel", figures,
                   charts=(Chart("Traitement des demandes de rappel", figures[1:]),),
                   note="Délai : 24 heures ouvrées après la demande (week-ends et jours "
                        "fériés exclus).", activity=received)


# -- preparations -------------------------------------------------------------------------------


def _preparation_scope(drill: Drill) -> list[ColumnElement[bool]]:
    """Preparations with an outcome for visits of the month, as ``conclusive_rates`` counts
    them (by the visit's day at its site)."""
    clauses = [PreparationTask.deleted_at.is_(None),
               PreparationTask.status == PreparationStatus.DONE,
               PreparationTask.appointment_day >= drill.month,
               PreparationTask.appointment_day < next_month(drill.month)]
    if drill.site_id is not None:
        clauses.append(Appointment.site_id == drill.site_id)
    return clauses


def _preparation_condition(name: str, value: str) -> ColumnElement[bool]:
    if name == "outcome":
        return PreparationTask.outcome == PreparationOutcome(value)
    return (Appointment.site_id if name == "site" else Appointment.adviser_id) == uuid.UUID(value)


def _preparation_section(session: Session, actor: Actor, scope: Drill) -> Section:
    """Prepared visits and the share settled on the phone, per site and per adviser
    (``preparation.conclusive_rates``)."""
    by_site = [r for r in preparation.conclusive_rates(session, actor, scope.month, scope.month,
                                                       RateGroup.SITE)
               if scope.site_id is None or r.key == scope.site_id]
    prepared = sum(r.prepared for r in by_site)
    conclusive = _with(scope, ("outcome", PreparationOutcome.CONCLUSIVE.value))
    figures = (Figure("Préparations menées à terme", prepared, scope),
               Figure("Conclusives (déplacement évité)", sum(r.conclusive for r in by_site),
                      conclusive, prepared))

    def table(title: str, heading: str, name: str, rows) -> Table:
        return Table(title, heading, ("Préparées", "Conclusives"), tuple(
            (r.label, (Figure("Préparées", r.prepared, _with(scope, (name, str(r.key)))),
                       Figure("Conclusives", r.conclusive,
                              _with(conclusive, (name, str(r.key))), r.prepared)))
            for r in rows))

    tables = [table("Par site", "Site", "site", by_site)] if scope.site_id is None else []
    if scope.site_id is None:  # an adviser's preparations may span several sites
        tables.append(table("Par conseiller", "Conseiller", "adviser",
                            preparation.conclusive_rates(session, actor, scope.month,
                                                         scope.month, RateGroup.ADVISER)))
    return Section("preparations", "Préparations des rendez-vous physiques", figures,
                   tables=tuple(tables), activity=prepared,
                   note="Rapportées aux préparations menées à terme (personne jointe ou "
                        "dernier essai passé) pour les rendez-vous du mois.")


# -- pathways -----------------------------------------------------------------------------------

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
    """The entries a funnel step counts, as ``pathways.funnels`` counts them."""
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


def _pathway_section(session: Session, actor: Actor, scope: Drill) -> Section:
    funnels = pathways.funnels(session, actor, scope.month, scope.month)
    steps = {}  # kind code → its figures, step by step
    for funnel in funnels:
        steps[funnel.kind_code] = tuple(
            Figure(label, getattr(funnel, step), _with(scope, ("kind", funnel.kind_code),
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


# -- mediation ----------------------------------------------------------------------------------

# Age of the cases still open at the end of the month, in days since received.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("age_0_7", 0, 7),
    ("age_8_30", 8, 30),
    ("age_31_60", 31, 60),
    ("age_61", 61, None),
)
AGE_LABELS = {"age_0_7": "Moins de 8 jours", "age_8_30": "8 à 30 jours",
              "age_31_60": "31 à 60 jours", "age_61": "Plus de 60 jours"}


def _snapshot_day(month: date, today: date) -> date:
    """The day open cases are counted on: the month's last day, or today for this month."""
    return min(next_month(month) - timedelta(days=1), today)


def _case_condition(name: str, value: str, month: date, today: date) -> ColumnElement[bool]:
    c = MediationCase
    first, last = month, next_month(month) - timedelta(days=1)
    if name == "received":
        return c.received_on.between(first, last)
    if name == "closed":
        return and_(c.status == CaseStatus.CLOSED, c.closed_on.between(first, last))
    if name == "outcome":
        return and_(_case_condition("closed", "", month, today),
                    c.outcome == CaseOutcome(value))
    if name == "open":
        # Open on that day: received by then, not yet finished (closed, declared
        # inadmissible or redirected) by then.
        day = _snapshot_day(month, today)
        finished = func.coalesce(c.closed_on, c.handled_on)
        still_open = and_(c.received_on <= day, or_(c.is_open, finished > day))
        if not value:
            return still_open
        _key, low, high = next(b for b in AGE_BUCKETS if b[0] == value)
        newest, oldest = day - timedelta(days=low), (
            day - timedelta(days=high) if high is not None else None)
        age = c.received_on <= newest
        if oldest is not None:
            age = and_(age, c.received_on >= oldest)
        return and_(still_open, age)
    raise ValueError(name)


def _cases_where(drill: Drill, today: date) -> list[ColumnElement[bool]]:
    return [MediationCase.deleted_at.is_(None)] + [
        _case_condition(name, value, drill.month, today) for name, value in drill.conditions]


def _mediation_section(session: Session, scope: Drill, today: date) -> Section:
    c = MediationCase

    def count_if(drill: Drill) -> ColumnElement[int]:
        condition = and_(*_cases_where(drill, today))
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    received, closed, still_open = (_with(scope, (name, "")) for name in
                                    ("received", "closed", "open"))
    buckets = [_with(scope, ("open", key)) for key, _low, _high in AGE_BUCKETS]
    totals = session.execute(
        select(*(count_if(d) for d in (received, closed, still_open, *buckets)))
        .where(c.deleted_at.is_(None))).one()
    outcome_counts = dict(session.execute(
        select(c.outcome, func.count())
        .where(*_cases_where(closed, today)).group_by(c.outcome)).all())
    closed_count, open_count = totals[1], totals[2]
    day = _snapshot_day(scope.month, today)
    figures = (
        Figure("Saisines reçues", totals[0], received),
        Figure("Dossiers clôturés", closed_count, closed),
        Figure(f"Dossiers en cours au {day:%d/%m/%Y}", open_count, still_open),
    )
    ages = tuple(Figure(AGE_LABELS[key], count, drill, open_count)
                 for (key, _l, _h), count, drill in zip(AGE_BUCKETS, totals[3:], buckets,
                                                        strict=True))
    outcomes = tuple(Figure(label, outcome_counts.get(outcome, 0),
                            _with(scope, ("outcome", outcome.value)), closed_count)
                     for outcome, label in OUTCOME_LABELS.items())
    median = median_days_to_close(session, scope, today)
    measures = (Measure("Délai médian de clôture", days_text(median), closed),)
    return Section(
        "mediation", "Médiation", figures, measures,
        charts=(Chart("Dossiers en cours par ancienneté", ages),
                Chart("Issues des dossiers clôturés", outcomes)),
        tables=(Table("Dossiers en cours par ancienneté", "Ancienneté", ("Dossiers",),
                      tuple((f.label, (f,)) for f in ages)),
                Table("Issues des dossiers clôturés dans le mois", "Issue", ("Dossiers",),
                      tuple((f.label, (f,)) for f in outcomes))),
        note="Tous sites : l'équipe de médiation traite les saisines de tout le département. "
             "Chiffres sans contenu de dossier.", activity=totals[0] + closed_count)


def median_days_to_close(session: Session, scope: Drill, today: date) -> float | None:
    """Median of (closed − received) in days over the month's closed cases, in the database:
    the middle one or two values of the ordered list (no MEDIAN on SQLite)."""
    closed = _with(scope, ("closed", ""))
    where = _cases_where(closed, today)
    count = session.scalar(select(func.count()).select_from(MediationCase).where(*where))
    if not count:
        return None
    days = days_between(session, MediationCase.closed_on, MediationCase.received_on)
    middle = session.scalars(select(days).where(*where).order_by(days)
                             .offset((count - 1) // 2).limit(2 - count % 2)).all()
    return float(sum(middle)) / len(middle)


def days_text(value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{shown}\u00a0jour{'s' if value >= 2 else ''}"


# -- the dashboard ------------------------------------------------------------------------------


def _with(drill: Drill, *conditions: tuple[str, str]) -> Drill:
    """The records of ``drill`` that also meet ``conditions``."""
    return Drill(drill.source, drill.month, drill.site_id, drill.conditions + conditions)


def dashboard(
    session: Session, actor: Actor, month: date, site_id: uuid.UUID | None = None, *,
    now: datetime | None = None,
) -> Dashboard:
    """The figures of ``month`` (any day of it) at one site or all, as ``actor`` may see them."""
    _require_dashboard(actor)
    month = month.replace(day=1)
    now = now or utcnow()
    today = now.astimezone(OFFICE_TIME_ZONE).date()
    site_names = {site_id_: name for site_id_, name in session.execute(
        select(Site.id, Site.name).where(Site.deleted_at.is_(None)).order_by(Site.name))}
    sections: list[Section] = []
    if sees_activity(actor):
        sections.append(_appointment_section(
            session, Drill(Source.APPOINTMENTS, month, site_id), site_names))
        sections.append(_preparation_section(
            session, actor, Drill(Source.PREPARATIONS, month, site_id)))
        sections.append(_callback_section(session, Drill(Source.CALLBACKS, month, site_id),
                                          now))
        sections.append(_pathway_section(session, actor,
                                         Drill(Source.PATHWAYS, month, None)))
    sections.append(_mediation_section(session, Drill(Source.CASES, month, None), today))
    activity = sum(section.activity for section in sections)
    return Dashboard(month, site_id, site_names.get(site_id, ALL_SITES) if site_id else ALL_SITES,
                     tuple(sections), activity)



# -- the lists behind the figures ---------------------------------------------------------------


def drill_ids(session: Session, actor: Actor, drill: Drill, *,
              now: datetime | None = None) -> list[uuid.UUID]:
    """Ids of the records a figure counts, in the order their list shows them."""
    _require_source(actor, drill.source)
    now = now or utcnow()
    match drill.source:
        case Source.APPOINTMENTS:
            statement = select(Appointment.id).where(
                *_appointment_scope(drill),
                *(_appointment_condition(n, v) for n, v in drill.conditions)
            ).order_by(Appointment.starts_at, Appointment.id)
        case Source.PREPARATIONS:
            statement = (
                select(PreparationTask.id)
                .join(Appointment, Appointment.id == PreparationTask.appointment_id)
                .where(*_preparation_scope(drill),
                       *(_preparation_condition(n, v) for n, v in drill.conditions))
                .order_by(Appointment.starts_at, PreparationTask.id))
        case Source.CALLBACKS:
            state = _callback_state(now)
            statement = select(CallbackRequest.id).where(
                *_callback_scope(drill),
                *(state == value for _name, value in drill.conditions)
            ).order_by(CallbackRequest.requested_at, CallbackRequest.id)
        case Source.PATHWAYS:
            wanted = dict(drill.conditions)
            statement = (
                select(PathwayEntry.id)
                .join(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
                .join(Person, Person.id == PathwayEntry.person_id)
                .where(PathwayEntry.deleted_at.is_(None), PathwayEntry.month == drill.month,
                       PathwayKind.code == wanted["kind"], _pathway_step(wanted["step"]))
                .order_by(Person.sort_key, PathwayEntry.id))
        case Source.CASES:
            today = now.astimezone(OFFICE_TIME_ZONE).date()
            statement = (select(MediationCase.id).where(*_cases_where(drill, today))
                         .order_by(MediationCase.received_on, MediationCase.id))
    return list(session.scalars(statement))


@dataclass(frozen=True)
class CallbackLine:
    id: uuid.UUID
    requested_at: datetime
    due_at: datetime
    outcome_at: datetime | None
    name: str
    site_name: str
    outcome_label: str  # « En attente » while open


def callback_lines(session: Session, actor: Actor, ids: list[uuid.UUID]) -> list[CallbackLine]:
    """The lines of these call-back requests, in the order of ``ids``."""
    _require_source(actor, Source.CALLBACKS)
    request = CallbackRequest
    found = {}
    for r, person, site_name in session.execute(
            select(request, Person, Site.name)
            .outerjoin(Person, Person.id == request.person_id)
            .join(Site, Site.id == request.site_id)
            .where(request.id.in_(ids))):
        found[r.id] = CallbackLine(
            r.id, r.requested_at, r.due_at, r.outcome_at,
            display_name(person) if person else r.contact_name, site_name,
            CALLBACK_OUTCOME_LABELS[r.outcome] if r.outcome else "En attente")
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class CaseLine:
    """A mediation case as the dashboard lists it: no name, no motive, no content."""

    id: uuid.UUID
    reference: str
    received_on: date
    status_label: str
    finished_on: date | None
    outcome_label: str
    urgent: bool


def case_lines(session: Session, actor: Actor, ids: list[uuid.UUID]) -> list[CaseLine]:
    _require_source(actor, Source.CASES)
    c = MediationCase
    found = {}
    for row in session.execute(
            select(c.id, c.reference, c.provisional_reference, c.received_on, c.status,
                   c.closed_on, c.handled_on, c.is_open, c.outcome, c.urgent)
            .where(c.id.in_(ids))):
        found[row.id] = CaseLine(
            row.id, row.reference or row.provisional_reference, row.received_on,
            CASE_STATUS_LABELS[row.status],
            None if row.is_open else (row.closed_on or row.handled_on),
            OUTCOME_LABELS[row.outcome] if row.outcome else "", row.urgent)
    return [found[i] for i in ids if i in found]
