"""Mediation case files: intake, lifecycle, deadlines, confidentiality, references, case list."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.errors import NotFound, PermissionDenied, ValidationError
from db.mediation import common as mediation_common
from db.mediation import files as mediation_files
from db.mediation import intake as mediation_intake
from db.mediation import lifecycle
from db.mediation import reading as mediation_reading
from db.mediation import setup as mediation_setup
from db.mediation.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    InadmissibleReason,
    MediationCase,
    MediationChannel,
    MediationCounter,
    MediationEvent,
    Redirection,
    WaitingOn,
)
from db.mediation.records import CaseFilter, CaseInput, EntryInput, StepInput
from db.mediation.rules import Step
from db.mediation.wording import cra_text
from db.org.models import Site
from db.people import records as people_records
from db.people.models import Person, PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit import Unit, rows
from db.unit.audit import AuditEvent

# A Friday; the next Monday 11/05/2026 is an ordinary working day, Thursday 14/05 Ascension.
RECEIVED = date(2026, 5, 8)


def add_person(store, actor, last_name="Lefèvre", first_name="Éloïse",
               nir="2 70 03 71 334 050 51", birth_date=date(1970, 3, 3)) -> uuid.UUID:
    with store.unit(actor) as unit:
        return people_records.create_person(unit, PersonInput(
            kind=PersonKind.BENEFICIARY, last_name=last_name, first_name=first_name,
            nir=nir, birth_date=birth_date, address="3 rue des Alpes", postcode="38000",
            city="Grenoble"))


def motive_id(store, actor, code: str) -> uuid.UUID:
    with store.unit(actor) as unit:
        return next(m.id for m in mediation_setup.list_motives(unit) if m.code == code)


def intake(person_id, motive, **overrides) -> CaseInput:
    values = dict(
        received_on=RECEIVED, channel=MediationChannel.AMELI_ACCOUNT, person_id=person_id,
        motive_id=motive, prior_step_done=True, court_action_pending=False,
        summary="Indemnités journalières non versées depuis mars malgré l'envoi des arrêts.",
        contested_decision="Refus de versement des IJ", decision_notified_on=date(2026, 4, 2),
    )
    values.update(overrides)
    return CaseInput(**values)


@pytest.fixture
def mediator(actors):
    return actors[Role.MEDIATOR]


def case_maker(store, actors):
    """A function creating a case received on ``RECEIVED`` (or as overridden)."""
    mediator = actors[Role.MEDIATOR]
    person = add_person(store, actors[Role.ADVISER])
    default_motive = motive_id(store, mediator, "ij_unpaid")

    def create(today=RECEIVED, **overrides):
        overrides.setdefault("motive_id", default_motive)
        overrides.setdefault("person_id", person)
        with store.session() as session:
            return mediation_intake.create_case(
                Unit(session, mediator), intake(overrides.pop("person_id"),
                                          overrides.pop("motive_id"), **overrides),
                today=today)

    return create


@pytest.fixture
def new_case(store, actors):
    return case_maker(store, actors)


def advance(store, actor, case_id, step: Step, today=RECEIVED, **fields) -> int:
    with store.unit(actor) as unit:
        version = unit.session.get(MediationCase, case_id).version
        return lifecycle.advance(unit, case_id, version,
                                 StepInput(step, **fields), today=today)


def acknowledge(store, actor, case_id, day: date) -> None:
    with store.unit(actor) as unit:
        lifecycle.acknowledge(unit, case_id, day, today=day)


def opened(store, actor, case_id, today=RECEIVED):
    with store.unit(actor) as unit:
        return mediation_reading.open_case(unit, case_id, today=today)


# -- intake and references ---------------------------------------------------------------------

def test_intake_gives_a_reference_and_urgency_from_the_motive(store, mediator, new_case):
    created = new_case()
    assert created.reference == "MED-2026-00001"
    record = opened(store, mediator, created.id)
    assert record.status is CaseStatus.RECEIVED
    assert record.data.urgent is True  # IJ unpaid: no income
    assert record.person_name == "LEFÈVRE Éloïse"
    assert [e.title for e in record.timeline] == ["Demande reçue"]
    assert new_case(received_on=date(2026, 5, 7)).reference == "MED-2026-00002"
    assert new_case(received_on=date(2025, 12, 30),
                    decision_notified_on=None).reference == "MED-2025-00001"


def test_intake_refuses_bad_input_with_every_message(store, mediator, new_case):
    with pytest.raises(ValidationError) as refused:
        new_case(summary="  ", received_on=date(2026, 6, 1), representative_name="M. Dupont",
                 decision_notified_on=date(2026, 6, 2))
    errors = refused.value.field_errors
    assert errors["summary"] == "Le résumé de la demande est obligatoire."
    assert "futur" in errors["received_on"]
    assert "à quel titre" in errors["representative_capacity"]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_a_case_created_on_a_laptop_gets_a_provisional_reference_and_no_number(replica):
    """The final number is the server's, given at the sync (tests/db/test_replica_sync.py)."""
    from db.org import accounts
    from db.replica.models import replica_op
    from tests.conftest import ROLE_LOGINS

    with replica.unit(None) as unit:
        mediator = accounts.load_actor(unit.session, ROLE_LOGINS[Role.MEDIATOR])
        person = unit.session.scalars(select(Person.id)).first()
    motive = motive_id(replica, mediator, "ij_unpaid")
    created = []
    for _ in range(2):
        with replica.unit(mediator) as unit:
            created.append(mediation_intake.create_case(
                unit, intake(person, motive), today=RECEIVED))
    first, second = created
    assert first.reference.startswith("MED-2026-P") and first.reference != second.reference
    with replica.unit(mediator) as unit:
        assert mediation_reading.find_reference(unit, first.reference.lower()) == first.id
        assert mediation_reading.search_cases(
            unit, CaseFilter(text=second.reference)) == [second.id]
        assert unit.session.get(MediationCase, first.id).reference is None
        assert unit.session.scalar(select(func.count()).select_from(MediationCounter)) == 0
        journaled = unit.session.execute(select(replica_op.c.fields).where(
            replica_op.c.table_name == "mediation_case")).scalars().all()
    assert [fields["provisional_reference"] for fields in journaled] == [
        first.reference, second.reference]


def test_unknown_and_malformed_references_are_refused_in_french(store, mediator):
    with store.session() as session, pytest.raises(NotFound) as unknown:
        mediation_reading.find_reference(Unit(session, mediator), "MED-2026-00077")
    assert str(unknown.value) == "Aucun dossier de médiation n'a la référence MED-2026-00077."
    with store.session() as session, pytest.raises(ValidationError) as malformed:
        mediation_reading.find_reference(Unit(session, mediator), "2026-77")
    assert "n'est pas une référence de dossier" in str(malformed.value)


@pytest.mark.postgres
def test_concurrent_sessions_on_postgresql_never_share_a_number(store, actors, mediator,
                                                                  new_case):
    if store.is_sqlite:
        pytest.skip("concurrent writers are a server matter")
    new_case()  # the year's counter row exists: the sessions below contend for it
    person = add_person(store, actors[Role.ADVISER], "Martin", "Luc", "1 84 12 76 451 089 46",
                        date(1984, 12, 3))
    motive = motive_id(store, mediator, "c2s")
    barrier = threading.Barrier(8)
    references, errors = [], []

    def create():
        try:
            with store.unit(mediator) as unit:
                barrier.wait()
                created = mediation_intake.create_case(unit, intake(person, motive),
                                                today=RECEIVED)
                references.append(created.reference)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"MED-2026-{n:05d}" for n in range(2, 10)]


@pytest.mark.postgres
def test_the_counter_row_lock_makes_the_second_session_wait(store, mediator, new_case):
    if store.is_sqlite:
        pytest.skip("concurrent writers are a server matter")
    new_case()
    first = store._sessions()
    second_result = []
    try:
        assert rows.next_number(Unit(first, None), MediationCounter, {"year": 2026},
                                "last_number") == 2
        waiting = threading.Thread(target=lambda: second_result.append(_number(store)))
        waiting.start()
        waiting.join(timeout=0.5)
        assert waiting.is_alive(), "the second session should wait for the row lock"
        first.commit()
        waiting.join(timeout=5)
        assert second_result == [3]
    finally:
        first.close()


def _number(store) -> int:
    with store.unit(None) as unit:
        return rows.next_number(unit, MediationCounter, {"year": 2026}, "last_number")


# -- lifecycle ---------------------------------------------------------------------------------

def test_a_case_goes_from_intake_to_closure(store, mediator, new_case):
    case_id = new_case().id
    assert opened(store, mediator, case_id).allowed_steps == [
        Step.DECLARE_ADMISSIBLE, Step.DECLARE_INADMISSIBLE, Step.REDIRECT, Step.CLOSE]
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 5, 11))
    advance(store, mediator, case_id, Step.START_INSTRUCTION, today=date(2026, 5, 11))
    advance(store, mediator, case_id, Step.WAIT, today=date(2026, 5, 12),
            waiting_on=WaitingOn.MEDICAL_SERVICE, party="ELSM de Grenoble")
    record = opened(store, mediator, case_id, today=date(2026, 5, 12))
    assert record.status is CaseStatus.WAITING
    # 10 working days after Tuesday 12/05, Ascension (14/05) and Whit Monday (25/05) skipped.
    assert record.waits[0].follow_up_on == date(2026, 5, 28)
    assert record.allowed_steps == [Step.RESUME, Step.CLOSE]
    advance(store, mediator, case_id, Step.RESUME, today=date(2026, 5, 20))
    advance(store, mediator, case_id, Step.ISSUE_RECOMMENDATION, today=date(2026, 5, 26),
            comment="Verser les IJ dues depuis mars.")
    with pytest.raises(ValidationError) as refused:
        advance(store, mediator, case_id, Step.CLOSE, today=date(2026, 5, 27))
    assert "Choisissez l'issue du dossier" in str(refused.value)
    advance(store, mediator, case_id, Step.CLOSE, today=date(2026, 5, 27),
            outcome=CaseOutcome.FAVOURABLE)
    record = opened(store, mediator, case_id, today=date(2026, 6, 30))
    assert record.status is CaseStatus.CLOSED and record.outcome_label == "Favorable"
    assert record.deadlines.age_days == 19 and record.deadlines.handled_on == date(2026, 5, 26)
    assert record.allowed_steps == [Step.REOPEN]
    assert [e.title for e in record.timeline][-3:] == [
        "Instruction reprise", "Recommandation émise",
        "Dossier clôturé — issue : favorable"]
    advance(store, mediator, case_id, Step.REOPEN, today=date(2026, 6, 30),
            comment="Nouveau refus de versement.")
    record = opened(store, mediator, case_id, today=date(2026, 6, 30))
    assert (record.status, record.reopen_count, record.outcome) == (
        CaseStatus.IN_PROGRESS, 1, None)
    assert record.timeline[-1].title == "Dossier rouvert"


@pytest.mark.parametrize("step", [Step.START_INSTRUCTION, Step.RESUME,
                                  Step.ISSUE_RECOMMENDATION, Step.REOPEN])
def test_forbidden_transitions_are_refused_and_write_nothing(store, mediator, new_case, step):
    case_id = new_case().id
    with store.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationError) as refused:
        advance(store, mediator, case_id, step)
    assert "à l'état « Reçue »" in str(refused.value)
    with store.session() as session:
        case = session.get(MediationCase, case_id)
        assert (case.status, case.version) == (CaseStatus.RECEIVED, 1)
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert session.scalar(select(func.count()).select_from(MediationEvent)) == 1


def test_admissibility_needs_a_prior_step_and_no_court_action(store, mediator, new_case):
    case_id = new_case(prior_step_done=False).id
    assert Step.DECLARE_ADMISSIBLE not in opened(store, mediator, case_id).allowed_steps
    with pytest.raises(ValidationError) as refused:
        advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE)
    assert "aucune démarche préalable" in str(refused.value)
    advance(store, mediator, case_id, Step.DECLARE_INADMISSIBLE,
            inadmissible_reason=InadmissibleReason.NO_PRIOR_STEP)
    record = opened(store, mediator, case_id)
    assert record.status is CaseStatus.INADMISSIBLE
    assert record.deadlines.handled_on == RECEIVED
    other = new_case(court_action_pending=True).id
    with pytest.raises(ValidationError, match="recours contentieux est en cours"):
        advance(store, mediator, other, Step.DECLARE_ADMISSIBLE)


def test_redirection_and_outcomes_allowed_by_status(store, mediator, new_case):
    case_id = new_case().id
    advance(store, mediator, case_id, Step.REDIRECT, redirection=Redirection.JOINT_COMMISSION)
    assert opened(store, mediator, case_id).timeline[-1].title == (
        "Demande réorientée vers la commission mixte de conciliation")
    other = new_case().id
    with pytest.raises(ValidationError, match="désistement, fin par recours contentieux"):
        advance(store, mediator, other, Step.CLOSE, outcome=CaseOutcome.FAVOURABLE)
    advance(store, mediator, other, Step.CLOSE, outcome=CaseOutcome.WITHDRAWN)
    # A closed case never admitted goes back to reception when reopened.
    advance(store, mediator, other, Step.REOPEN)
    assert opened(store, mediator, other).status is CaseStatus.RECEIVED


def test_two_mediators_on_the_same_version_second_is_refused(store, mediator, new_case):
    case_id = new_case().id
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE)
    with store.session() as session, pytest.raises(Exception) as refused:
        lifecycle.advance(Unit(session, mediator), case_id, 1, StepInput(Step.START_INSTRUCTION),
                          today=RECEIVED)
    assert "Quelqu'un d'autre a modifié ce dossier entre-temps" in str(refused.value)


# -- deadlines -------------------------------------------------------------------------------

def test_acknowledgement_and_handling_due_dates_skip_weekends_and_holidays(
        store, mediator, new_case):
    # Received Friday 24/04/2026: +7 days = Friday 01/05 (May Day) → Monday 04/05.
    # +1 month = Sunday 24/05 → Monday 25/05 is Whit Monday → Tuesday 26/05.
    case_id = new_case(received_on=date(2026, 4, 24), decision_notified_on=None,
                       today=date(2026, 4, 24)).id
    record = opened(store, mediator, case_id, today=date(2026, 5, 4))
    assert record.deadlines.acknowledgement_due_on == date(2026, 5, 4)
    assert record.deadlines.handling_due_on == date(2026, 5, 26)
    assert record.deadlines.overdue == ()
    record = opened(store, mediator, case_id, today=date(2026, 5, 5))
    assert record.deadlines.overdue == ("accusé de réception",)
    acknowledge(store, mediator, case_id, date(2026, 5, 5))
    record = opened(store, mediator, case_id, today=date(2026, 5, 27))
    assert record.deadlines.overdue == ("délai de traitement",)


def test_waiting_on_the_requester_pauses_the_handling_clock(store, mediator, new_case):
    case_id = new_case(received_on=date(2026, 4, 24), decision_notified_on=None,
                       today=date(2026, 4, 24)).id
    acknowledge(store, mediator, case_id, date(2026, 4, 27))
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 4, 27))
    advance(store, mediator, case_id, Step.WAIT, today=date(2026, 4, 28),
            waiting_on=WaitingOn.REQUESTER, follow_up_on=date(2026, 5, 12))
    # While paused, the target moves with the days and the case is not late.
    record = opened(store, mediator, case_id, today=date(2026, 6, 5))
    assert record.deadlines.handling_paused
    assert "délai de traitement" not in record.deadlines.overdue
    assert record.deadlines.overdue == ("relance",)
    with store.unit(mediator) as unit:
        assert case_id in mediation_reading.search_cases(unit, CaseFilter(
            overdue_only=True), today=date(2026, 6, 5))
    advance(store, mediator, case_id, Step.RESUME, today=date(2026, 5, 8))
    # 10 days paused (28/04 → 08/05): 24/05 + 10 = Wednesday 03/06.
    record = opened(store, mediator, case_id, today=date(2026, 6, 3))
    assert record.deadlines.handling_due_on == date(2026, 6, 3)
    assert record.deadlines.handling_days == 40 - 10
    assert record.deadlines.overdue == ()
    assert opened(store, mediator, case_id, today=date(2026, 6, 4)).deadlines.overdue == (
        "délai de traitement",)


def test_a_wait_on_a_department_does_not_pause_the_clock(store, mediator, new_case):
    case_id = new_case(received_on=date(2026, 4, 24), decision_notified_on=None,
                       today=date(2026, 4, 24)).id
    acknowledge(store, mediator, case_id, date(2026, 4, 27))
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 4, 27))
    advance(store, mediator, case_id, Step.WAIT, today=date(2026, 4, 28),
            waiting_on=WaitingOn.DEPARTMENT, party="Service des IJ",
            follow_up_on=date(2026, 6, 30))
    record = opened(store, mediator, case_id, today=date(2026, 5, 27))
    assert not record.deadlines.handling_paused
    assert record.deadlines.overdue == ("délai de traitement",)


def test_the_cra_delay_is_suspended_from_admissibility_to_recommendation(
        store, mediator, new_case):
    # Notified 02/04/2026: the CRA must be seized by 02/06/2026.
    case_id = new_case(decision_notified_on=date(2026, 4, 2)).id
    cra = opened(store, mediator, case_id, today=date(2026, 5, 8)).deadlines.cra
    assert (cra.deadline, cra.remaining_days, cra.suspended) == (date(2026, 6, 2), 25, False)
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, today=date(2026, 5, 12))
    advance(store, mediator, case_id, Step.START_INSTRUCTION, today=date(2026, 5, 12))
    cra = opened(store, mediator, case_id, today=date(2026, 7, 1)).deadlines.cra
    assert (cra.deadline, cra.remaining_days, cra.suspended) == (None, 21, True)
    assert "suspendu" in cra_text(cra)
    advance(store, mediator, case_id, Step.ISSUE_RECOMMENDATION, today=date(2026, 7, 1))
    cra = opened(store, mediator, case_id, today=date(2026, 7, 1)).deadlines.cra
    assert (cra.deadline, cra.remaining_days) == (date(2026, 7, 22), 21)
    assert cra_text(cra) == ("Reste 21\u00a0jours sur le délai de 2 mois de la CRA, jusqu'au "
                             "22/07/2026 (suspendu du 12/05/2026 au 01/07/2026 : "
                             "recommandation)")


# -- timeline and documents ----------------------------------------------------------------------

def test_timeline_keeps_notes_calls_requests_answers_and_attachments(store, mediator, new_case):
    case_id = new_case().id
    with store.unit(mediator) as unit:
        mediation_files.add_entry(unit, case_id, EntryInput(
            CaseEventKind.CALL, "Appel de l'assurée : toujours sans ressources.",
            internal=False))
        request_id = mediation_files.add_entry(unit, case_id, EntryInput(
            CaseEventKind.REQUEST, "Pourquoi les IJ sont-elles bloquées ?",
            party="Service des IJ"))
        mediation_files.add_entry(unit, case_id, EntryInput(
            CaseEventKind.ANSWER, "Attestation de salaire manquante.", party="Service des IJ",
            answers_id=request_id))
        mediation_files.attach_document(unit, case_id, "courrier scanné.pdf",
                                  b"%PDF-1.4 scanned", description="Courrier du 02/05")
    record = opened(store, mediator, case_id)
    kinds = [e.kind for e in record.timeline]
    assert kinds == [CaseEventKind.STATUS, CaseEventKind.CALL, CaseEventKind.REQUEST,
                     CaseEventKind.ANSWER, CaseEventKind.ATTACHMENT]
    assert {e.author for e in record.timeline} == {mediator.display_name}
    attachment = record.timeline[-1]
    assert attachment.document_name == "courrier scanné.pdf"
    with store.unit(mediator) as unit:
        document = mediation_files.read_document(unit, attachment.document_id)
    assert (document.content, document.media_type) == (b"%PDF-1.4 scanned", "application/pdf")
    with store.session() as session, pytest.raises(ValidationError, match="Précisez le service"):
        mediation_files.add_entry(Unit(session, mediator), case_id,
                            EntryInput(CaseEventKind.REQUEST, "Sans destinataire"))


# -- confidentiality ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ADVISER, Role.PARTNER, Role.MANAGER, Role.ADMIN])
def test_only_the_mediation_team_reads_case_content(store, actors, new_case, role):
    case_id = new_case().id
    other = actors[role]
    with store.unit(other) as unit:
        for read in (lambda: mediation_reading.open_case(unit, case_id),
                     lambda: mediation_reading.search_cases(unit),
                     lambda: mediation_reading.case_rows(unit, [case_id]),
                     lambda: mediation_reading.find_reference(unit, "MED-2026-00001")):
            with pytest.raises(PermissionDenied):
                read()


def test_others_learn_only_that_a_case_exists_and_openings_are_audited(
        store, actors, new_case):
    case_id = new_case().id
    with store.session() as session:
        person_id = session.get(MediationCase, case_id).person_id
    adviser, partner = actors[Role.ADVISER], actors[Role.PARTNER]
    with store.session() as session:
        assert mediation_reading.person_has_case(Unit(session, adviser), person_id)
        assert mediation_reading.person_has_case(Unit(session, partner), person_id)
        assert not mediation_reading.person_has_case(Unit(session, partner), uuid.uuid4())
    assistant = actors[Role.MEDIATION_ASSISTANT]
    opened(store, assistant, case_id)
    with store.session() as session:
        openings = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "open", AuditEvent.entity_id == case_id)).all()
    assert [(e.actor_id, e.entity_type, e.details) for e in openings] == [
        (assistant.id, "mediation_case", {})]


def test_the_audit_trail_holds_ids_and_codes_never_free_text(store, mediator, new_case):
    case_id = new_case().id
    advance(store, mediator, case_id, Step.DECLARE_ADMISSIBLE, comment="Confidentiel")
    with store.session() as session:
        details = [e.details for e in session.scalars(select(AuditEvent))]
    flat = repr(details)
    assert "Confidentiel" not in flat and "Indemnités" not in flat and "270037" not in flat


# -- the case list -----------------------------------------------------------------------------

def test_list_filters_and_orders_urgent_open_cases_first(store, actors, mediator, new_case):
    c2s = motive_id(store, mediator, "c2s")
    plain_old = new_case(motive_id=c2s, received_on=date(2026, 3, 2),
                         decision_notified_on=None).id
    urgent_new = new_case().id
    closed = new_case(motive_id=c2s, received_on=date(2026, 1, 5),
                      decision_notified_on=None).id
    advance(store, mediator, closed, Step.CLOSE, outcome=CaseOutcome.WITHDRAWN)
    assigned = new_case(motive_id=c2s, mediator_id=mediator.id,
                        received_on=date(2026, 5, 4)).id
    with store.unit(mediator) as unit:
        def ids(**filters):
            return mediation_reading.search_cases(unit, CaseFilter(**filters),
                                          today=RECEIVED)

        assert ids() == [urgent_new, plain_old, assigned, closed]
        assert ids(urgent_only=True) == [urgent_new]
        assert ids(motive_id=c2s) == [plain_old, assigned, closed]
        assert ids(statuses=frozenset({CaseStatus.CLOSED})) == [closed]
        assert ids(mediator_id=mediator.id) == [assigned]
        assert ids(overdue_only=True) == [plain_old]  # acknowledgement and handling late
        assert mediation_reading.count_cases(unit, CaseFilter(motive_id=c2s)) == 3
        rows = mediation_reading.case_rows(unit, [plain_old, assigned], today=RECEIVED)
    assert [r.reference for r in rows] == ["MED-2026-00001", "MED-2026-00004"]
    assert rows[0].age_days == 67
    assert rows[0].overdue == ("accusé de réception", "délai de traitement")
    assert rows[1].mediator_name == mediator.display_name and rows[1].overdue == ()


def test_full_text_search_on_names_summary_and_decision(store, actors, mediator, new_case):
    other_person = add_person(store, actors[Role.ADVISER], "Dubœuf", "Hervé",
                              "1 84 12 76 451 089 46", date(1984, 12, 3))
    ij = new_case().id
    gp = new_case(person_id=other_person, motive_id=motive_id(store, mediator, "gp"),
                  summary="Aucun médecin traitant n'accepte de nouveaux patients à Mens.",
                  contested_decision="", decision_notified_on=None).id
    with store.unit(mediator) as unit:
        def found(query):
            return set(mediation_reading.search_cases(unit, CaseFilter(text=query)))

        assert found("lefevre") == {ij}
        assert found("LEFÈ") == {ij}
        assert found("herve") == {gp}
        assert found("medecin traitant") == {gp}
        assert found("indemnités") == {ij}
        assert found("versement") == {ij}
        assert found("mens medecin") == {gp}
        assert found("inconnu") == set()
        assert found("MED-2026-00002") == {gp}


def test_cases_of_a_site_count_its_departments_holidays(store, mediator, new_case):
    # In Moselle, 26/12 is a holiday: received 19/12/2025, ack due 26/12 → Monday 29/12.
    with store.session() as session:
        site = Site(name="Agence de Metz", kind="agency", department="57")
        session.add(site)
        session.flush()
        site_id = site.id
    case_id = new_case(received_on=date(2025, 12, 19), site_id=site_id,
                       decision_notified_on=None, today=date(2025, 12, 19)).id
    record = opened(store, mediator, case_id, today=date(2025, 12, 19))
    assert record.deadlines.acknowledgement_due_on == date(2025, 12, 29)
    assert record.site_name == "Agence de Metz"
    # The same day in Isère: Friday 26/12 is a working day.
    iso = new_case(received_on=date(2025, 12, 19), decision_notified_on=None,
                   today=date(2025, 12, 19)).id
    assert opened(store, mediator, iso, today=date(2025, 12, 19)).deadlines.\
        acknowledgement_due_on == date(2025, 12, 26)


def test_changing_the_delays_moves_the_open_cases_due_dates(store, actors, mediator,
                                                             new_case):
    case_id = new_case().id
    with store.session() as session:
        version = mediation_common.settings(Unit(session, None)).version
        with pytest.raises(PermissionDenied):
            mediation_setup.update_settings(Unit(session, mediator), version,
                                            acknowledgement_days=10,
                                      handling_months=2, follow_up_working_days=5)
        mediation_setup.update_settings(Unit(session, actors[Role.ADMIN]), version,
                                  acknowledgement_days=10, handling_months=2,
                                  follow_up_working_days=5)
    record = opened(store, mediator, case_id)
    assert record.deadlines.acknowledgement_due_on == RECEIVED + timedelta(days=10)
    assert record.deadlines.handling_due_on == date(2026, 7, 8)
