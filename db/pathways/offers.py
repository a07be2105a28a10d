"""Rebound offers (offres sur rebond): the 8 segments, their offers, and what a person was offered.

Administrators edit segments and offers; an adviser ticks, during a pathway call, the offers
made and those accepted. They are kept on the person (``offers_for_person``).

The call opens on the segment the person's situation and age point to (``segment_for``):
the pathway's own situation first — a maternity calls for the offers to future parents, an
ALD for those of a chronic illness, an invalidity for those of a work stoppage —, else the
age: 16 to 25 the young, from 62 (the legal retirement age) the seniors, the working-age
otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from db.base import utcnow
from db.errors import NotFound, ValidationError
from db.org.access import Permission
from db.org.models import Staff
from db.pathways.models import Offer, PathwayEntry, PathwayKind, PathwayStatus, PersonOffer, Segment
from db.people.models import Person
from db.unit import Unit, audit, rows

# The segment (seeded codes, migration 0003) of each pathway's situation.
SITUATION_SEGMENTS = {"maternity": "expecting", "ald": "chronic", "invalidity": "work_stoppage"}
YOUNG, RETIREMENT_AGE = range(16, 26), 62


def segment_for(kind_code: str, age: int | None) -> str:
    """The code of the segment a person of this pathway and age belongs to."""
    if kind_code in SITUATION_SEGMENTS:
        return SITUATION_SEGMENTS[kind_code]
    if age in YOUNG:
        return "young"
    if age is not None and age >= RETIREMENT_AGE:
        return "seniors"
    return "working"


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class OfferView:
    id: uuid.UUID
    label: str
    description: str
    active: bool
    version: int


@dataclass(frozen=True)
class SegmentView:
    id: uuid.UUID
    code: str
    label: str
    version: int
    offers: list[OfferView] = field(default_factory=list)


@dataclass(frozen=True)
class PersonOfferRow:
    """An offer made to a person: which, when, by whom, accepted or not, in which pathway."""

    offer_id: uuid.UUID
    offer_label: str
    segment_label: str
    made_at: datetime
    made_by: str
    accepted: bool
    pathway_label: str
    month: date | None


def list_segments(unit: Unit, include_inactive: bool = False) -> list[SegmentView]:
    """The segments in order, each with its offers (active ones only unless asked)."""
    session = unit.session
    offers = select(Offer)
    if not include_inactive:
        offers = offers.where(Offer.active)
    by_segment: dict[uuid.UUID, list[OfferView]] = {}
    for offer in session.scalars(offers.order_by(Offer.position, Offer.label)):
        by_segment.setdefault(offer.segment_id, []).append(
            OfferView(offer.id, offer.label, offer.description, offer.active, offer.version))
    return [
        SegmentView(s.id, s.code, s.label, s.version, by_segment.get(s.id, []))
        for s in session.scalars(
            select(Segment).order_by(Segment.position))
    ]


def _clean(label: str, description: str) -> dict:
    errors = {}
    label = " ".join(label.split())
    description = " ".join(description.split())
    if not label:
        errors["label"] = "Le libellé est obligatoire."
    elif len(label) > 120:
        errors["label"] = "Le libellé ne doit pas dépasser 120 caractères."
    if len(description) > 500:
        errors["description"] = "La description ne doit pas dépasser 500 caractères."
    if errors:
        raise ValidationError(errors)
    return {"label": label, "description": description}


def update_segment(
    unit: Unit, segment_id: uuid.UUID, expected_version: int, label: str
) -> int:
    unit.require(Permission.ADMINISTER)
    segment = rows.load_version(unit, Segment, segment_id, expected_version)
    rows.save(unit, segment, {"label": _clean(label, "")["label"]})
    return segment.version


def create_offer(
    unit: Unit, segment_id: uuid.UUID, label: str, description: str = ""
) -> uuid.UUID:
    session = unit.session
    unit.require(Permission.ADMINISTER)
    rows.load(unit, Segment, segment_id)
    position = session.scalar(
        select(func.coalesce(func.max(Offer.position), -1)).where(Offer.segment_id == segment_id)
    ) + 1
    offer = Offer(segment_id=segment_id, position=position, active=True,
                  **_clean(label, description))
    return rows.create(unit, offer, segment_id=str(segment_id)).id


def update_offer(
    unit: Unit, offer_id: uuid.UUID, expected_version: int, label: str,
    description: str, active: bool,
) -> int:
    """Edit or (de)activate an offer; a deactivated one stays on the records it was made on."""
    unit.require(Permission.ADMINISTER)
    offer = rows.load_version(unit, Offer, offer_id, expected_version)
    rows.save(unit, offer, _clean(label, description) | {"active": active})
    return offer.version


def suggested_segment(unit: Unit, entry_id: uuid.UUID, today: date | None = None
                      ) -> uuid.UUID | None:
    """The segment to open a call's offers on (``segment_for``); None when an
    administrator removed it."""
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load(unit, PathwayEntry, entry_id)
    kind_code = session.scalar(select(PathwayKind.code).where(PathwayKind.id == entry.kind_id))
    born = session.scalar(select(Person.birth_date).where(Person.id == entry.person_id))
    code = segment_for(kind_code, age_on(born, today or date.today()))
    return session.scalar(select(Segment.id).where(Segment.code == code))


def offers_for_entry(
    unit: Unit, entry_id: uuid.UUID
) -> dict[uuid.UUID, bool]:
    """The offers ticked during this entry's call: offer id → accepted."""
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    return dict(session.execute(
        select(PersonOffer.offer_id, PersonOffer.accepted)
        .where(PersonOffer.entry_id == entry_id)
    ).all())


def record_offers(
    unit: Unit, entry_id: uuid.UUID, offers: Mapping[uuid.UUID, bool]
) -> None:
    """Save the ticks of a pathway call: ``offers`` maps each offer made to « accepted ».

    It is the whole set for this call: an offer left out is un-ticked (soft-deleted), one
    ticked again comes back. Only changed rows are written, each with its version bumped.
    """
    session = unit.session
    unit.require(Permission.WORK_PATHWAYS)
    entry = rows.load(unit, PathwayEntry, entry_id)
    if entry.status is PathwayStatus.DONE:
        raise ValidationError({"offers": "Cette ligne est terminée : les offres ne se "
                                         "modifient plus."})
    known = set(session.scalars(select(Offer.id).where(
        Offer.id.in_(list(offers)))))
    if known != set(offers):
        raise NotFound("Une des offres cochées n'existe plus.")
    existing = {row.offer_id: row for row in session.scalars(
        select(PersonOffer).where(PersonOffer.entry_id == entry_id)
        .execution_options(include_deleted=True))}
    now = utcnow()
    changed: dict[str, list[str]] = {"made": [], "accepted": [], "withdrawn": []}
    for offer_id, accepted in offers.items():
        row = existing.get(offer_id)
        if row is None:
            rows.create(unit, PersonOffer(person_id=entry.person_id, offer_id=offer_id,
                                          entry_id=entry_id, made_at=now,
                                          made_by_id=unit.actor_id, accepted=accepted),
                        action=None)
        elif not rows.save(unit, row, {"deleted_at": None, "accepted": accepted},
                           action=None):
            continue
        changed["made"].append(str(offer_id))
        if accepted:
            changed["accepted"].append(str(offer_id))
    for offer_id, row in existing.items():
        if offer_id not in offers and row.deleted_at is None:
            rows.remove(unit, row, action=None)
            changed["withdrawn"].append(str(offer_id))
    if changed["made"] or changed["withdrawn"]:
        audit.record(unit, "offers", "pathway_entry", entry_id, **changed)


def offers_for_person(
    unit: Unit, person_id: uuid.UUID
) -> list[PersonOfferRow]:
    """Every offer made to this person, the latest first."""
    session = unit.session
    unit.require(Permission.VIEW_PEOPLE)
    rows.load(unit, Person, person_id)
    by = aliased(Staff)
    statement = (
        select(PersonOffer.offer_id, Offer.label, Segment.label, PersonOffer.made_at,
               by.first_name, by.last_name, PersonOffer.accepted, PathwayKind.label,
               PathwayEntry.month)
        .join(Offer, Offer.id == PersonOffer.offer_id)
        .join(Segment, Segment.id == Offer.segment_id)
        .outerjoin(by, by.id == PersonOffer.made_by_id)
        .outerjoin(PathwayEntry, PathwayEntry.id == PersonOffer.entry_id)
        .outerjoin(PathwayKind, PathwayKind.id == PathwayEntry.kind_id)
        .where(PersonOffer.person_id == person_id)
        .order_by(PersonOffer.made_at.desc(), Segment.position, Offer.position)
    )
    return [
        PersonOfferRow(offer_id, offer_label, segment_label, made_at,
                       f"{first} {last}" if first else "", accepted, pathway or "", month)
        for (offer_id, offer_label, segment_label, made_at, first, last, accepted, pathway,
             month) in session.execute(statement)
    ]
