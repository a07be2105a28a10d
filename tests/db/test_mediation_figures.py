"""Yearly figures and letters of the mediation team, on a small known data set."""

from __future__ import annotations

from datetime import date

import pytest

from db.errors import PermissionDenied, ValidationError
from db.mediation import figures as mediation_figures
from db.mediation import letters
from db.mediation.models import CaseOutcome, LetterKind, MediationCase, MediationChannel
from db.mediation.rules import Step
from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.roles import Role
from db.unit import Unit
from tests.db.test_mediation import acknowledge, advance, case_maker, motive_id


@pytest.fixture
def new_case(store, actors):
    return case_maker(store, actors)


@pytest.fixture
def year_2025(store, actors, new_case):
    """Four cases of 2025 and one of 2026 (not counted)."""
    mediator = actors[Role.MEDIATOR]
    c2s = motive_id(store, mediator, "c2s")
    employer_motive = motive_id(store, mediator, "other")
    employer = _employer(store, actors[Role.ADVISER])

    def received(day, **overrides):
        overrides.setdefault("decision_notified_on", None)
        return new_case(received_on=day, today=day, **overrides).id

    # 1. IJ, acknowledged in 3 days, recommendation after 20 days, closed favourably on day 25.
    first = received(date(2025, 3, 3))
    acknowledge(store, mediator, first, date(2025, 3, 6))
    advance(store, mediator, first, Step.DECLARE_ADMISSIBLE, today=date(2025, 3, 6))
    advance(store, mediator, first, Step.START_INSTRUCTION, today=date(2025, 3, 7))
    advance(store, mediator, first, Step.ISSUE_RECOMMENDATION, today=date(2025, 3, 23))
    advance(store, mediator, first, Step.CLOSE, today=date(2025, 3, 28),
            outcome=CaseOutcome.FAVOURABLE)
    # 2. C2S by mail, acknowledged late (day 15), withdrawn on day 45 (handled late).
    second = received(date(2025, 6, 2), motive_id=c2s, channel=MediationChannel.MAIL)
    acknowledge(store, mediator, second, date(2025, 6, 17))
    advance(store, mediator, second, Step.CLOSE, today=date(2025, 7, 17),
            outcome=CaseOutcome.WITHDRAWN)
    # 3. C2S, never acknowledged, still open.
    received(date(2025, 11, 3), motive_id=c2s, channel=MediationChannel.MAIL)
    # 4. An employer by e-mail, acknowledged the same day, still open.
    fourth = received(date(2025, 12, 1), motive_id=employer_motive, person_id=employer,
                      channel=MediationChannel.EMAIL)
    acknowledge(store, mediator, fourth, date(2025, 12, 1))
    received(date(2026, 1, 5))
    return mediator


def _employer(store, adviser):
    with store.unit(adviser) as unit:
        return people_records.create_person(unit, PersonInput(
            kind=PersonKind.EMPLOYER, organisation_name="Boulangerie Reynaud",
            siret="73282932000074"))


def test_yearly_figures_on_a_known_data_set(store, actors, year_2025):
    with store.unit(actors[Role.MANAGER]) as unit:
        figures = mediation_figures.yearly_figures(unit, 2025)
    assert figures.received == 4 and figures.urgent == 1 and figures.open_cases == 2
    assert figures.by_motive == [("Complémentaire santé solidaire (C2S)", 2), ("Autre", 1),
                                 ("IJ non versées depuis plus de 2 mois", 1)]
    assert figures.by_public == [("Assuré(e)", 3), ("Employeur", 1)]
    assert figures.by_channel == [("Courrier", 2), ("Compte ameli « Demander l'aide du "
                                                    "médiateur »", 1), ("E-mail", 1)]
    assert figures.outcomes == [("Désistement", 1), ("Favorable", 1)]
    assert (figures.acknowledged, figures.acknowledged_in_time) == (3, 2)
    assert figures.mean_days_to_acknowledge == 6.0  # (3 + 15 + 0) / 3
    assert (figures.handled, figures.handled_in_time) == (2, 1)
    assert (figures.closed, figures.mean_days_to_close) == (2, 35.0)  # (25 + 45) / 2
    assert figures.share_acknowledged_in_time == 0.5
    assert figures.share_handled_in_time == 0.25


def test_figures_are_refused_to_roles_without_dashboard_or_mediation(store, actors):
    with store.session() as session, pytest.raises(PermissionDenied):
        mediation_figures.yearly_figures(Unit(session, actors[Role.ADVISER]), 2025)


def test_letters_merge_the_case_into_the_admin_template(store, actors, new_case):
    mediator = actors[Role.MEDIATOR]
    case_id = new_case().id
    with store.unit(mediator) as unit:
        draft = letters.merge_letter(unit, case_id,
                                               LetterKind.ACKNOWLEDGEMENT,
                                               today=date(2026, 5, 11))
        assert letters.available_letters(unit.session.get(MediationCase, case_id)) == [
            LetterKind.ACKNOWLEDGEMENT]
        with pytest.raises(ValidationError, match="ne correspond pas à l'état du dossier"):
            letters.merge_letter(unit, case_id,
                                           LetterKind.RECOMMENDATION)
    assert draft.title == "Accusé de réception de votre demande de médiation"
    assert draft.body.startswith("Madame,\n\nNous avons bien reçu le 08/05/2026 votre demande")
    assert "MED-2026-00001" in draft.body and "IJ non versées" in draft.body
    assert draft.recipient == ("Madame Éloïse LEFÈVRE", "3 rue des Alpes", "38000 Grenoble")
    assert draft.place_and_date == "Grenoble, le 11/05/2026"
    assert draft.filename == "MED-2026-00001-acknowledgement.pdf"


def test_only_the_administrator_edits_templates_and_fields_are_checked(store, actors):
    admin, mediator = actors[Role.ADMIN], actors[Role.MEDIATOR]
    with store.session() as session:
        template = next(t for t in letters.letter_templates(Unit(session, mediator))
                        if t.kind is LetterKind.RECOMMENDATION)
        with pytest.raises(PermissionDenied):
            letters.update_letter_template(
                Unit(session, mediator), LetterKind.RECOMMENDATION, template.version, "Objet", "x")
        with pytest.raises(ValidationError) as refused:
            letters.update_letter_template(
                Unit(session, admin), LetterKind.RECOMMENDATION, template.version,
                "Recommandation {reference}", "{destinataire},\n{numero_secu}")
        assert "Champs inconnus : {numero_secu}" in str(refused.value)
        version = letters.update_letter_template(
            Unit(session, admin), LetterKind.RECOMMENDATION, template.version,
            "Recommandation {reference}", "{destinataire},\n\n{texte}\n\n{mediateur}")
    assert version == template.version + 1

