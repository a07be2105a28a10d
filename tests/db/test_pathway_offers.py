"""Rebound offers: the 8 seeded segments, admin edits, ticks during a call, kept on the person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.errors import PermissionDenied, ValidationError
from db.pathways import kinds as pathways_kinds
from db.pathways import offers as pathways_offers
from db.pathways import worklists
from db.pathways.extract_import import import_extract
from db.pathways.models import PathwayOutcome, PersonOffer
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent
from tests.db.test_pathway_import import OCTOBER, PEOPLE, TODAY, extract


def test_eight_segments_each_with_offers_seeded_in_french(store):
    with store.unit(None) as unit:
        segments = pathways_offers.list_segments(unit)
    assert len(segments) == 8
    assert segments[0].label == "Jeunes de 16 à 25 ans"
    assert all(segment.offers for segment in segments)
    labels = {offer.label for segment in segments for offer in segment.offers}
    assert {"Ouverture du compte ameli", "Mon espace santé", "M'T dents",
            "Complémentaire santé solidaire (C2S)",
            "Examen de prévention en santé"} <= labels


def test_an_administrator_adds_edits_and_deactivates_offers(store, actors):
    admin = actors[Role.ADMIN]
    with store.session() as session:
        young = pathways_offers.list_segments(Unit(session, None))[0]
        offer_id = pathways_offers.create_offer(Unit(session, admin), young.id,
                                                "  Atelier  numérique ",
                                       "Découvrir les démarches en ligne.")
        with pytest.raises(ValidationError, match="libellé est obligatoire"):
            pathways_offers.create_offer(Unit(session, admin), young.id, " ")
        with pytest.raises(PermissionDenied):
            pathways_offers.create_offer(Unit(session, actors[Role.ADVISER]), young.id, "Autre")
        pathways_offers.update_segment(Unit(session, admin), young.id, young.version,
                                       "Jeunes (16-25 ans)")
    with store.unit(admin) as unit:
        young = pathways_offers.list_segments(unit)[0]
        added = young.offers[-1]
        assert (young.label, added.id, added.label) == (
            "Jeunes (16-25 ans)", offer_id, "Atelier numérique")
        version = pathways_offers.update_offer(unit, offer_id, added.version,
                                      "Atelier numérique", added.description, active=False)
        assert version == 2
    with store.unit(None) as unit:
        assert offer_id not in {o.id for o in pathways_offers.list_segments(unit)[0].offers}
        every = pathways_offers.list_segments(unit, include_inactive=True)[0].offers
        assert [o.active for o in every if o.id == offer_id] == [False]


def test_offers_ticked_during_a_call_are_kept_on_the_person(store, actors):
    adviser = actors[Role.ADVISER]
    with store.session() as session:
        import_extract(Unit(session, adviser), "ald", extract(PEOPLE), today=TODAY)
        import_extract(Unit(session, adviser), "maternity", extract(PEOPLE[:1]), today=TODAY)
        ald = worklists.search_worklist(Unit(session, adviser), pathways_kinds.kind_by_code(
            Unit(session, None), "ald").id, OCTOBER)[0]
        maternity = worklists.search_worklist(Unit(session, adviser), pathways_kinds.kind_by_code(
            Unit(session, None), "maternity").id, OCTOBER)[0]
        person_id = worklists.get_entry(Unit(session, adviser), ald).person_id
        segments = {s.code: s for s in pathways_offers.list_segments(Unit(session, None))}
        ameli, dental, c2s = (segments["young"].offers[i].id for i in (0, 3, 4))
        prado = segments["expecting"].offers[3].id
        pathways_offers.record_offers(Unit(session, adviser), ald, {ameli: True, dental: False,
                                                                    c2s: False})
        pathways_offers.record_offers(Unit(session, adviser), maternity, {prado: True})
    # The adviser changes their mind about the ALD call: C2S accepted, dental not offered.
    with store.session() as session:
        pathways_offers.record_offers(Unit(session, adviser), ald, {ameli: True, c2s: True})
        assert pathways_offers.offers_for_entry(Unit(session, adviser), ald) == {ameli: True,
                                                                                 c2s: True}
        rows = pathways_offers.offers_for_person(Unit(session, actors[Role.PARTNER]), person_id)
    assert sorted((r.offer_label, r.accepted, r.pathway_label) for r in rows) == [
        ("Complémentaire santé solidaire (C2S)", True, "Affection de longue durée (ALD)"),
        ("Ouverture du compte ameli", True, "Affection de longue durée (ALD)"),
        ("Retour à domicile après l'accouchement (Prado)", True, "Maternité"),
    ]
    assert {r.made_by for r in rows} == {"Camille Conseiller01"}
    assert {r.month for r in rows} == {OCTOBER}
    with store.unit(adviser) as unit:
        withdrawn = unit.session.scalar(select(PersonOffer).where(PersonOffer.offer_id == dental)
                                        .execution_options(include_deleted=True))
        assert withdrawn.deleted_at is not None and withdrawn.version == 2
        events = unit.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_id == ald, AuditEvent.action == "offers")
            .order_by(AuditEvent.occurred_at)).all()
        assert [sorted(e.details["withdrawn"]) for e in events] == [[], [str(dental)]]
        # Saving the same ticks again writes nothing.
        pathways_offers.record_offers(unit, ald, {ameli: True, c2s: True})
        assert unit.session.scalar(select(AuditEvent).where(AuditEvent.action == "offers")
                              .order_by(AuditEvent.occurred_at.desc())).id == events[-1].id


def test_offers_are_refused_on_a_closed_entry_and_to_other_roles(store, actors):
    adviser = actors[Role.ADVISER]
    with store.session() as session:
        import_extract(Unit(session, adviser), "ald", extract(PEOPLE[:1]), today=TODAY)
        entry_id = worklists.search_worklist(Unit(session, adviser), pathways_kinds.kind_by_code(
            Unit(session, None), "ald").id, OCTOBER)[0]
        offer_id = pathways_offers.list_segments(Unit(session, None))[0].offers[0].id
        with pytest.raises(PermissionDenied):
            pathways_offers.record_offers(Unit(session, actors[Role.PARTNER]), entry_id,
                                          {offer_id: True})
        worklists.set_outcome(Unit(session, adviser), entry_id, 1,
                              PathwayOutcome.NOT_CONCERNED)
        worklists.close_entry(Unit(session, adviser), entry_id, 2)
        with pytest.raises(ValidationError, match="terminée"):
            pathways_offers.record_offers(Unit(session, adviser), entry_id, {offer_id: True})


@pytest.mark.parametrize("kind_code, age, segment", [
    ("ald", 49, "chronic"), ("ald", 20, "chronic"), ("maternity", 31, "expecting"),
    ("invalidity", 58, "work_stoppage"),
    # A pathway an administrator added: the age decides.
    ("self_employed", 19, "young"), ("self_employed", 49, "working"),
    ("self_employed", 70, "seniors"), ("self_employed", None, "working"),
])
def test_the_segment_follows_the_situation_then_the_age(kind_code, age, segment):
    assert pathways_offers.segment_for(kind_code, age) == segment


def test_a_call_opens_on_the_persons_segment_not_the_first(store, actors):
    """Moreau, 44, in the ALD pathway: the chronic illness's offers, not the young's."""
    adviser = actors[Role.ADVISER]
    with store.unit(adviser) as unit:
        import_extract(unit, "ald", extract(PEOPLE[1:2]), today=TODAY)
        kind_id = pathways_kinds.kind_by_code(unit, "ald").id
        (entry_id,) = worklists.search_worklist(unit, kind_id, OCTOBER)
        suggested = pathways_offers.suggested_segment(unit, entry_id, today=TODAY)
        segments = {s.id: s for s in pathways_offers.list_segments(unit)}
    assert segments[suggested].code == "chronic"
    assert segments[suggested].label == "Personnes atteintes d'une maladie chronique"
