"""Pathway kinds (ALD, maternité, invalidité…): their list, their code, their editing.

The import lives in ``extract_import``, the worklists in ``worklists``, the rebound offers in
``offers`` and the funnel in ``funnel``; a month is always the ``date`` of its first day
(``months``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from db.agenda.models import Motive
from db.errors import NotFound, ValidationError
from db.org.access import Permission
from db.pathways.models import PathwayKind
from db.unit import Unit, rows

_KIND_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True)
class KindView:
    id: uuid.UUID
    code: str
    label: str
    active: bool
    version: int
    motive_id: uuid.UUID | None  # preset when booking from the worklist


def list_kinds(unit: Unit, include_inactive: bool = False) -> list[KindView]:
    """The pathway kinds in display order (reference data: no permission needed to read)."""
    statement = select(PathwayKind)
    if not include_inactive:
        statement = statement.where(PathwayKind.active)
    return [
        KindView(k.id, k.code, k.label, k.active, k.version, k.motive_id)
        for k in unit.session.scalars(
            statement.order_by(PathwayKind.position, PathwayKind.label))
    ]


def kind_by_code(unit: Unit, code: str) -> PathwayKind:
    """An active kind; ``NotFound`` naming the codes that exist otherwise."""
    kind = unit.session.scalar(select(PathwayKind).where(
        PathwayKind.code == code.strip().lower(), PathwayKind.active))
    if kind is None:
        known = ", ".join(k.code for k in list_kinds(unit))
        raise NotFound(f"Type de parcours inconnu « {code} » (types existants : {known}).")
    return kind


def _clean_label(label: str, field: str = "label") -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise ValidationError({field: "Le libellé est obligatoire."})
    if len(cleaned) > 120:
        raise ValidationError({field: "Le libellé ne doit pas dépasser 120 caractères."})
    return cleaned


def create_kind(unit: Unit, code: str, label: str) -> uuid.UUID:
    """A new pathway kind (indemnités journalières, naissance…), added by an administrator."""
    session = unit.session
    unit.require(Permission.ADMINISTER)
    code = code.strip().lower()
    if not _KIND_CODE.match(code):
        raise ValidationError({"code": "Le code s'écrit en minuscules sans accents ni espaces "
                                       "(lettres, chiffres, _), 2 à 32 caractères."})
    if session.scalar(select(PathwayKind.id).where(PathwayKind.code == code)
                      .execution_options(include_deleted=True)) is not None:
        raise ValidationError({"code": f"Le code « {code} » existe déjà."})
    position = session.scalar(select(func.coalesce(func.max(PathwayKind.position), -1))) + 1
    kind = PathwayKind(code=code, label=_clean_label(label), position=position, active=True)
    return rows.create(unit, kind).id


def update_kind(
    unit: Unit, kind_id: uuid.UUID, expected_version: int, label: str,
    active: bool, motive_id: uuid.UUID | None,
) -> int:
    """Edit a kind: label, active, booking motive; its code never changes (scripts use it)."""
    unit.require(Permission.ADMINISTER)
    kind = rows.load_version(unit, PathwayKind, kind_id, expected_version)
    if motive_id is not None and rows.get(unit, Motive, motive_id) is None:
        raise ValidationError({"motive_id": "Ce motif de rendez-vous n'existe pas."})
    rows.save(unit, kind, {"label": _clean_label(label), "active": active,
                           "motive_id": motive_id})
    return kind.version
