"""Life pathways: kinds, months, the funnel, and what the other pathway modules share.

The import lives in ``pathway_import``, the worklists in ``pathway_worklists`` and the rebound
offers in ``pathway_offers``. A month is always the ``date`` of its first day.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from db.models import (
    Appointment,
    AppointmentStatus,
    Motive,
    PathwayEntry,
    PathwayKind,
    PathwayOutcome,
)
from db.services import audit
from db.services.access import Actor, Permission
from db.services.rows import set_changed

MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_KIND_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


# -- months --------------------------------------------------------------------------------

def parse_month(text: str) -> date:
    """« 2026-10 » → 1 October 2026; ``ValueError`` with a French message otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"mois attendu au format AAAA-MM (exemple : 2026-10), pas « {text} »")
    return date(int(match[1]), int(match[2]), 1)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def month_label(month: date) -> str:
    """« octobre 2026 »."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


# -- shared by the pathway services --------------------------------------------------------

def conflict() -> ConflictError:
    return ConflictError(
        "Cette ligne a été modifiée par quelqu'un d'autre entre-temps. Rien n'a été "
        "enregistré : rouvrez-la pour voir la version à jour."
    )


def require_any(actor: Actor, *permissions: Permission) -> None:
    if not any(actor.can(p) for p in permissions):
        raise PermissionDenied(
            f"Votre rôle ({actor.role_label}) ne permet pas de {permissions[0].value}."
        )


def check_version(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise conflict()


# -- kinds ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class KindView:
    id: uuid.UUID
    code: str
    label: str
    active: bool
    version: int
    motive_id: uuid.UUID | None  # preset when booking from the worklist


def list_kinds(session: Session, include_inactive: bool = False) -> list[KindView]:
    """The pathway kinds in display order (reference data: no permission needed to read)."""
    statement = select(PathwayKind).where(PathwayKind.deleted_at.is_(None))
    if not include_inactive:
        statement = statement.where(PathwayKind.active)
    return [
        KindView(k.id, k.code, k.label, k.active, k.version, k.motive_id)
        for k in session.scalars(statement.order_by(PathwayKind.position, PathwayKind.label))
    ]


def kind_by_code(session: Session, code: str) -> PathwayKind:
    """An active kind; ``NotFound`` naming the codes that exist otherwise."""
    kind = session.scalar(select(PathwayKind).where(
        PathwayKind.code == code.strip().lower(), PathwayKind.active,
        PathwayKind.deleted_at.is_(None)))
    if kind is None:
        known = ", ".join(k.code for k in list_kinds(session))
        raise NotFound(f"Type de parcours inconnu « {code} » (types existants : {known}).")
    return kind


def _clean_label(label: str, field: str = "label") -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise ValidationError({field: "Le libellé est obligatoire."})
    if len(cleaned) > 120:
        raise ValidationError({field: "Le libellé ne doit pas dépasser 120 caractères."})
    return cleaned


def create_kind(session: Session, actor: Actor, code: str, label: str) -> uuid.UUID:
    """A new pathway kind (indemnités journalières, naissance…), added by an administrator."""
    actor.require(Permission.ADMINISTER)
    code = code.strip().lower()
    if not _KIND_CODE.match(code):
        raise ValidationError({"code": "Le code s'écrit en minuscules sans accents ni espaces "
                                       "(lettres, chiffres, _), 2 à 32 caractères."})
    if session.scalar(select(PathwayKind.id).where(PathwayKind.code == code)) is not None:
        raise ValidationError({"code": f"Le code « {code} » existe déjà."})
    position = session.scalar(select(func.coalesce(func.max(PathwayKind.position), -1))) + 1
    kind = PathwayKind(code=code, label=_clean_label(label), position=position, active=True)
    session.add(kind)
    session.flush()
    audit.record(session, actor, "create", "pathway_kind", kind.id)
    return kind.id


def update_kind(
    session: Session, actor: Actor, kind_id: uuid.UUID, expected_version: int, label: str,
    active: bool, motive_id: uuid.UUID | None,
) -> int:
    """Edit a kind: label, active, booking motive; its code never changes (scripts use it)."""
    actor.require(Permission.ADMINISTER)
    kind = session.get(PathwayKind, kind_id)
    if kind is None or kind.deleted_at is not None:
        raise NotFound("Ce type de parcours n'existe pas.")
    check_version(kind, expected_version)
    if motive_id is not None and session.get(Motive, motive_id) is None:
        raise ValidationError({"motive_id": "Ce motif de rendez-vous n'existe pas."})
    values = {"label": _clean_label(label), "active": active, "motive_id": motive_id}
    changed = set_changed(kind, values)
    if changed:
        session.flush()
        audit.record(session, actor, "update", "pathway_kind", kind.id, fields=changed)
    return kind.version


# -- the funnel ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Funnel:
    """How one pathway's cohort of one month went, from import to appointment.

    ``booked`` counts « RDV pris » entries; ``honoured`` those whose appointment, booked from
    the worklist, the agenda has since marked honoured.
    """

    kind_code: str
    kind_label: str
    month: date
    imported: int
    reached: int
    booked: int
    honoured: int
    declined: int
    unreachable: int
    not_concerned: int

    @property
    def open(self) -> int:
        """Still to work: no outcome yet."""
        return (self.imported - self.booked - self.declined - self.unreachable
                - self.not_concerned)


def _count(outcome: PathwayOutcome):
    return func.coalesce(func.sum(case((PathwayEntry.outcome == outcome, 1), else_=0)), 0)


def funnels(
    session: Session, actor: Actor, first_month: date, last_month: date,
    kind_code: str | None = None,
) -> list[Funnel]:
    """Funnels per kind and month between two months (included), counted in the database.

    Every active kind appears for every month, with zeros when nothing was imported, so a
    dashboard can draw a full grid.
    """
    require_any(actor, Permission.WORK_PATHWAYS, Permission.DASHBOARD)
    first_month, last_month = first_of_month(first_month), first_of_month(last_month)
    statement = (
        select(
            PathwayEntry.kind_id, PathwayEntry.month, func.count(),
            func.count(PathwayEntry.reached_at), _count(PathwayOutcome.BOOKED),
            _count(PathwayOutcome.DECLINED), _count(PathwayOutcome.UNREACHABLE),
            _count(PathwayOutcome.NOT_CONCERNED),
            func.count(Appointment.id),
        )
        .outerjoin(Appointment, (Appointment.id == PathwayEntry.appointment_id)
                   & (Appointment.status == AppointmentStatus.HONOURED))
        .where(PathwayEntry.deleted_at.is_(None), PathwayEntry.month >= first_month,
               PathwayEntry.month <= last_month)
        .group_by(PathwayEntry.kind_id, PathwayEntry.month)
    )
    kinds = list_kinds(session)
    if kind_code is not None:
        kind_id = kind_by_code(session, kind_code).id
        kinds = [k for k in kinds if k.id == kind_id]
        statement = statement.where(PathwayEntry.kind_id == kind_id)
    figures = {(row[0], row[1]): row[2:] for row in session.execute(statement)}
    result = []
    for kind in kinds:
        for month in _months(first_month, last_month):
            imported, reached, booked, declined, unreachable, not_concerned, honoured = (
                figures.get((kind.id, month), (0,) * 7))
            result.append(Funnel(kind.code, kind.label, month, imported, reached, booked,
                                 honoured, declined, unreachable, not_concerned))
    return result


def funnel(session: Session, actor: Actor, kind_code: str, month: date) -> Funnel:
    """The funnel of one pathway for one month."""
    return funnels(session, actor, month, month, kind_code)[0]


def _months(first: date, last: date) -> list[date]:
    months = []
    while first <= last:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months
