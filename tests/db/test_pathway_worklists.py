"""Pathway worklists (transitions, attempts, assignment, list queries), kinds and the funnel."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from db.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from db.pathways import funnel as pathways_funnel
from db.pathways import kinds as pathways_kinds
from db.pathways import months as pathways_months
from db.pathways import worklists
from db.pathways.extract_import import import_extract
from db.pathways.models import AttemptResult, PathwayOutcome, PathwayStatus
from db.roles import Role
from db.unit import Unit
from db.unit.audit import AuditEvent
from tests.db.test_pathway_import import OCTOBER, PEOPLE, TODAY, extract

S = PathwayStatus
Outcome = PathwayOutcome


@pytest.fixture
def october(store, actors):
    """The three people of ``PEOPLE`` on the October ALD worklist; returns (kind id, ids)."""
    with store.unit(actors[Role.ADVISER]) as unit:
        import_extract(unit, "ald", extract(PEOPLE), today=TODAY)
        kind_id = pathways_kinds.kind_by_code(unit, "ald").id
        ids = worklists.search_worklist(unit, kind_id, OCTOBER)
    return kind_id, ids


def entry(store, actor, entry_id):
    with store.unit(actor) as unit:
        return worklists.get_entry(unit, entry_id)


def act(store, function, actor, entry_id, *args, **kwargs) -> int:
    """Apply a worklist change on the entry's current version; returns the new version."""
    version = entry(store, actor, entry_id).version
    with store.unit(actor) as unit:
        return function(unit, entry_id, version, *args, **kwargs)


def test_a_worklist_in_name_order_with_light_masked_rows(store, actors, october):
    adviser = actors[Role.ADVISER]
    _kind_id, ids = october
    with store.unit(adviser) as unit:
        rows = worklists.worklist_rows(unit, ids)
    assert [(r.name, r.first_name) for r in rows] == [
        ("DURAND", "Léa"), ("LEFEBVRE", "Inès"), ("MOREAU", "Kévin")]
    assert rows[0].masked_nir == "2 70 03 ** *** *** 51"
    assert rows[0].phone == "06\u00a078\u00a022\u00a056\u00a084"
    assert (rows[0].status_label, rows[0].attempts, rows[0].adviser) == ("À contacter", 0, "")
    assert rows[0].entry_date == date(2026, 10, 2)


def test_an_entry_goes_from_attempts_to_a_booked_appointment_and_done(store, actors,
                                                                      october):
    adviser = actors[Role.ADVISER]
    _kind_id, ids = october
    durand = ids[0]
    first = entry(store, adviser, durand)
    assert (first.status, first.can_attempt, first.allowed_outcomes, first.can_close) == (
        S.TO_CONTACT, True, [Outcome.NOT_CONCERNED], False)
    assert first.title == "Affection de longue durée (ALD) — octobre 2026"

    act(store, worklists.record_attempt, adviser, durand, AttemptResult.NO_ANSWER,
        at=datetime(2026, 10, 5, 8, 30, tzinfo=UTC))
    after_one = entry(store, adviser, durand)
    assert (after_one.status, after_one.allowed_outcomes) == (
        S.ATTEMPT_1, [Outcome.UNREACHABLE, Outcome.NOT_CONCERNED])
    act(store, worklists.record_attempt, adviser, durand, AttemptResult.REACHED)
    reached = entry(store, adviser, durand)
    assert reached.status is S.ATTEMPT_2
    assert reached.allowed_outcomes == [Outcome.BOOKED, Outcome.DECLINED, Outcome.NOT_CONCERNED]
    assert [(a.number, a.result_label, a.by) for a in reached.attempts] == [
        (1, "Pas de réponse", "Camille Conseiller01"), (2, "Joint", "Camille Conseiller01")]

    with pytest.raises(NotFound, match="Ce rendez-vous n'existe pas"):
        act(store, worklists.set_outcome, adviser, durand, Outcome.BOOKED,
            appointment_id=uuid.uuid4())
    act(store, worklists.set_outcome, adviser, durand, Outcome.BOOKED)
    booked = entry(store, adviser, durand)
    assert (booked.status, booked.outcome, booked.appointment_id) == (
        S.BOOKED, Outcome.BOOKED, None)
    assert (booked.can_attempt, booked.allowed_outcomes, booked.can_close) == (False, [], True)
    version = act(store, worklists.close_entry, adviser, durand)
    done = entry(store, adviser, durand)
    assert (done.status, done.outcome, done.version, version) == (S.DONE, Outcome.BOOKED, 5, 5)
    with store.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == durand)
                                 .order_by(AuditEvent.occurred_at)).all()
    assert [e.action for e in events] == ["attempt", "attempt", "outcome", "close"]
    assert events[2].details == {"outcome": "booked"}
    assert all(e.actor_id == adviser.id for e in events)


@pytest.mark.parametrize("steps, refused, message", [
    ([], (worklists.set_outcome, Outcome.BOOKED), "Enregistrez d'abord la tentative où la "
                                            "personne a été jointe, puis « RDV pris »."),
    ([], (worklists.set_outcome, Outcome.UNREACHABLE), "Injoignable : enregistrez d'abord au moins "
                                                 "une tentative d'appel."),
    ([AttemptResult.REACHED], (worklists.set_outcome, Outcome.UNREACHABLE),
     "La personne a été jointe : elle n'est pas injoignable."),
    ([AttemptResult.NO_ANSWER] * 3, (worklists.record_attempt, AttemptResult.NO_ANSWER),
     "Les 3 tentatives ont été faites : indiquez l'issue (injoignable, non concerné…)."),
    ([], (worklists.close_entry,), "Indiquez d'abord l'issue (RDV pris, refus, injoignable "
                                   "ou non concerné)."),
    ([], (worklists.record_attempt, AttemptResult.REACHED, datetime(2099, 1, 1, tzinfo=UTC)),
     "Une tentative ne peut pas être datée dans le futur."),
])
def test_transitions_outside_the_rules_are_refused(store, actors, october, steps,
                                                   refused, message):
    adviser = actors[Role.ADVISER]
    entry_id = october[1][0]
    for result in steps:
        act(store, worklists.record_attempt, adviser, entry_id, result)
    before = entry(store, adviser, entry_id)
    with pytest.raises(ValidationError) as error:
        act(store, refused[0], adviser, entry_id, *refused[1:])
    assert str(error.value) == message
    assert entry(store, adviser, entry_id).version == before.version


def test_after_three_attempts_unreachable_then_no_more_changes(store, actors, october):
    adviser = actors[Role.ADVISER]
    entry_id = october[1][1]
    for _ in range(3):
        act(store, worklists.record_attempt, adviser, entry_id, AttemptResult.VOICEMAIL)
    act(store, worklists.set_outcome, adviser, entry_id, Outcome.UNREACHABLE)
    with pytest.raises(ValidationError, match="déjà « Injoignable »"):
        act(store, worklists.set_outcome, adviser, entry_id, Outcome.NOT_CONCERNED)
    with pytest.raises(ValidationError, match="plus de tentative"):
        act(store, worklists.record_attempt, adviser, entry_id, AttemptResult.REACHED)
    act(store, worklists.close_entry, adviser, entry_id)
    with pytest.raises(ValidationError, match="déjà terminée"):
        act(store, worklists.close_entry, adviser, entry_id)


def test_a_stale_version_is_a_conflict_and_roles_are_checked(store, actors, october):
    adviser = actors[Role.ADVISER]
    entry_id = october[1][0]
    version = entry(store, adviser, entry_id).version
    act(store, worklists.record_attempt, adviser, entry_id, AttemptResult.NO_ANSWER)
    with pytest.raises(ConflictError), store.session() as session:
        worklists.record_attempt(Unit(session, adviser), entry_id, version, AttemptResult.REACHED)
    for role in (Role.PARTNER, Role.MEDIATOR):
        with pytest.raises(PermissionDenied), store.session() as session:
            worklists.record_attempt(Unit(session, actors[role]), entry_id, version + 1,
                                     AttemptResult.REACHED)


def test_assignment_and_the_status_and_adviser_filters(store, actors, october):
    adviser, manager = actors[Role.ADVISER], actors[Role.MANAGER]
    kind_id, (durand, lefebvre, moreau) = october
    with store.unit(manager) as unit:
        versions = {e: worklists.get_entry(unit, e).version
                    for e in (durand, moreau)}
        worklists.assign_entries(unit, versions, adviser.id)
    act(store, worklists.record_attempt, adviser, moreau, AttemptResult.NO_ANSWER)
    with store.unit(manager) as unit:
        def search(**filters):
            return worklists.search_worklist(unit, kind_id, OCTOBER, **filters)

        assert search(adviser_id=adviser.id) == [durand, moreau]
        assert search(unassigned=True) == [lefebvre]
        assert search(status=S.TO_CONTACT) == [durand, lefebvre]
        assert search(status=S.ATTEMPT_1, adviser_id=adviser.id) == [moreau]
        assert search(status=S.DONE) == []
        counts = worklists.status_counts(unit, kind_id, OCTOBER)
        assert (counts[S.TO_CONTACT], counts[S.ATTEMPT_1], counts[S.DONE]) == (2, 1, 0)
        rows = worklists.worklist_rows(unit, [moreau])
        assert rows[0].adviser == "Camille Conseiller01"
        with pytest.raises(ValidationError, match="conseiller actif"):
            worklists.assign_entries(unit, {lefebvre: 1},
                                     actors[Role.MEDIATOR].id)
    with store.unit(manager) as unit:
        stale = {durand: 1}  # the assignment moved it to version 2
        with pytest.raises(ConflictError):
            worklists.assign_entries(unit, stale, None)


# -- kinds -------------------------------------------------------------------------------

def test_built_in_kinds_and_kinds_an_administrator_adds(store, actors):
    admin = actors[Role.ADMIN]
    with store.session() as session:
        assert [(k.code, k.label) for k in pathways_kinds.list_kinds(Unit(session, None))] == [
            ("ald", "Affection de longue durée (ALD)"), ("maternity", "Maternité"),
            ("invalidity", "Invalidité")]
        pathways_kinds.create_kind(Unit(session, admin), "daily_allowances",
                                   "Indemnités journalières")
        with pytest.raises(ValidationError, match="existe déjà"):
            pathways_kinds.create_kind(Unit(session, admin), "ald", "Encore l'ALD")
        with pytest.raises(ValidationError, match="minuscules"):
            pathways_kinds.create_kind(Unit(session, admin), "Naissance !", "Naissance")
        with pytest.raises(PermissionDenied):
            pathways_kinds.create_kind(Unit(session, actors[Role.ADVISER]), "birth", "Naissance")
    with store.session() as session:
        report = import_extract(Unit(session, actors[Role.ADVISER]), "daily_allowances",
                                extract(PEOPLE), today=TODAY)
        assert (report.kind_label, report.new) == ("Indemnités journalières", 3)
        kind = pathways_kinds.list_kinds(Unit(session, None))[-1]
        pathways_kinds.update_kind(Unit(session, admin), kind.id, kind.version, "IJ", active=False,
                             motive_id=None)
    with store.unit(None) as unit:
        assert [k.code for k in pathways_kinds.list_kinds(unit)] == ["ald", "maternity",
                                                                  "invalidity"]
        assert pathways_kinds.list_kinds(unit, include_inactive=True)[-1].label == "IJ"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "10/2026", ""])
def test_malformed_months_are_refused_in_french(text):
    with pytest.raises(ValueError, match="mois attendu au format AAAA-MM"):
        pathways_months.parse_month(text)


# -- the funnel --------------------------------------------------------------------------

def test_funnel_figures_on_a_known_cohort(store, actors):
    adviser = actors[Role.ADVISER]
    more = [
        ["1 75 01 71 024 571 67", "Rousseau", "Gaël", "28/01/1975", "", "", "18/10/2026"],
        ["2 57 10 71 287 836 66", "Fontaine", "Zoé", "22/10/1957", "", "", "21/10/2026"],
        ["1 62 06 71 281 730 93", "Mercier", "Luc", "03/06/1962", "", "", "16/10/2026"],
    ]
    with store.session() as session:
        import_extract(Unit(session, adviser), "ald", extract(PEOPLE + more), today=TODAY)
        import_extract(Unit(session, adviser), "maternity", extract(PEOPLE[:1]), today=TODAY)
        kind_id = pathways_kinds.kind_by_code(Unit(session, None), "ald").id
        durand, fontaine, lefebvre, mercier, moreau, rousseau = worklists.search_worklist(
            Unit(session, adviser), kind_id, OCTOBER)
    reached, no_answer = AttemptResult.REACHED, AttemptResult.NO_ANSWER
    for entry_id, attempts, outcome in [
        (durand, [reached], Outcome.BOOKED), (moreau, [no_answer, reached], Outcome.BOOKED),
        (lefebvre, [reached], Outcome.DECLINED), (rousseau, [no_answer] * 3, Outcome.UNREACHABLE),
        (fontaine, [], Outcome.NOT_CONCERNED), (mercier, [no_answer], None),
    ]:
        for result in attempts:
            act(store, worklists.record_attempt, adviser, entry_id, result)
        if outcome:
            act(store, worklists.set_outcome, adviser, entry_id, outcome)
    act(store, worklists.close_entry, adviser, durand)  # done keeps its outcome

    with store.session() as session:
        october = pathways_funnel.funnel(Unit(session, actors[Role.MANAGER]), "ald", OCTOBER)
        grid = pathways_funnel.funnels(Unit(session, actors[Role.MEDIATOR]), date(2026, 9, 1),
                                       OCTOBER)
    assert (october.imported, october.reached, october.booked, october.honoured,
            october.declined, october.unreachable, october.not_concerned, october.open) == (
        6, 3, 2, 0, 1, 1, 1, 1)
    assert [(f.kind_code, f.month.month, f.imported) for f in grid] == [
        ("ald", 9, 0), ("ald", 10, 6), ("maternity", 9, 0), ("maternity", 10, 1),
        ("invalidity", 9, 0), ("invalidity", 10, 0)]
    with pytest.raises(PermissionDenied), store.session() as session:
        pathways_funnel.funnel(Unit(session, actors[Role.PARTNER]), "ald", OCTOBER)


def test_a_person_record_lists_their_pathways_latest_month_first(store, actors, october):
    adviser = actors[Role.ADVISER]
    _kind_id, ids = october
    person_id = entry(store, adviser, ids[0]).person_id
    with store.unit(adviser) as unit:
        import_extract(unit, "maternity", extract(PEOPLE[:1]),
                       month=date(2026, 11, 1), today=TODAY)
    act(store, worklists.record_attempt, adviser, ids[0], AttemptResult.NO_ANSWER)
    with store.session() as session:
        rows = worklists.entries_for_person(Unit(session, adviser), person_id)
        with pytest.raises(PermissionDenied):
            worklists.entries_for_person(Unit(session, actors[Role.PARTNER]), person_id)
    assert [(r.title, r.status_label, r.attempts) for r in rows] == [
        ("Maternité — novembre 2026", "À contacter", 0),
        ("Affection de longue durée (ALD) — octobre 2026", "Tentative 1", 1)]
