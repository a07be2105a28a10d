"""The lifecycle of a case: the steps a user may take from each status and where they lead."""

from __future__ import annotations

import enum

from db.mediation.models import (
    CaseOutcome,
    CaseStatus,
    MediationCase,
)


class Step(enum.StrEnum):
    """What a user may do to a case's status."""

    DECLARE_ADMISSIBLE = "declare_admissible"
    DECLARE_INADMISSIBLE = "declare_inadmissible"
    REDIRECT = "redirect"
    START_INSTRUCTION = "start_instruction"
    WAIT = "wait"
    RESUME = "resume"
    ISSUE_RECOMMENDATION = "issue_recommendation"
    CLOSE = "close"
    REOPEN = "reopen"


STEP_LABELS = {
    Step.DECLARE_ADMISSIBLE: "Déclarer recevable",
    Step.DECLARE_INADMISSIBLE: "Déclarer irrecevable",
    Step.REDIRECT: "Réorienter",
    Step.START_INSTRUCTION: "Commencer l'instruction",
    Step.WAIT: "Mettre en attente",
    Step.RESUME: "Reprendre l'instruction",
    Step.ISSUE_RECOMMENDATION: "Émettre la recommandation",
    Step.CLOSE: "Clôturer",
    Step.REOPEN: "Rouvrir",
}


# What the timeline says once the step is done.
STEP_DONE = {
    Step.DECLARE_ADMISSIBLE: "Demande déclarée recevable",
    Step.DECLARE_INADMISSIBLE: "Demande déclarée irrecevable",
    Step.REDIRECT: "Demande réorientée",
    Step.START_INSTRUCTION: "Instruction commencée",
    Step.WAIT: "Mise en attente",
    Step.RESUME: "Instruction reprise",
    Step.ISSUE_RECOMMENDATION: "Recommandation émise",
    Step.CLOSE: "Dossier clôturé",
    Step.REOPEN: "Dossier rouvert",
}


# The transition table: from a status, the steps allowed and where they lead.
TRANSITIONS: dict[CaseStatus, dict[Step, CaseStatus]] = {
    CaseStatus.RECEIVED: {
        Step.DECLARE_ADMISSIBLE: CaseStatus.ADMISSIBLE,
        Step.DECLARE_INADMISSIBLE: CaseStatus.INADMISSIBLE,
        Step.REDIRECT: CaseStatus.REDIRECTED,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.ADMISSIBLE: {
        Step.START_INSTRUCTION: CaseStatus.IN_PROGRESS,
        Step.WAIT: CaseStatus.WAITING,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.IN_PROGRESS: {
        Step.WAIT: CaseStatus.WAITING,
        Step.ISSUE_RECOMMENDATION: CaseStatus.RECOMMENDATION_ISSUED,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.WAITING: {
        Step.RESUME: CaseStatus.IN_PROGRESS,
        Step.CLOSE: CaseStatus.CLOSED,
    },
    CaseStatus.RECOMMENDATION_ISSUED: {Step.CLOSE: CaseStatus.CLOSED},
    CaseStatus.INADMISSIBLE: {Step.REOPEN: CaseStatus.RECEIVED},
    CaseStatus.REDIRECTED: {Step.REOPEN: CaseStatus.RECEIVED},
    # A closed case that had been admitted goes back to instruction; otherwise to reception.
    CaseStatus.CLOSED: {Step.REOPEN: CaseStatus.IN_PROGRESS},
}


# The outcomes a closure may have, from each status: a favourable or unfavourable outcome
# follows a recommendation; withdrawal and court action may end the case at any time.
_ENDINGS = frozenset({CaseOutcome.WITHDRAWN, CaseOutcome.COURT_ACTION})


CLOSING_OUTCOMES: dict[CaseStatus, frozenset[CaseOutcome]] = {
    CaseStatus.RECEIVED: _ENDINGS,
    CaseStatus.ADMISSIBLE: _ENDINGS | {CaseOutcome.REDIRECTED},
    CaseStatus.IN_PROGRESS: _ENDINGS | {CaseOutcome.REDIRECTED},
    CaseStatus.WAITING: _ENDINGS | {CaseOutcome.REDIRECTED},
    CaseStatus.RECOMMENDATION_ISSUED: _ENDINGS | {
        CaseOutcome.FAVOURABLE, CaseOutcome.PARTLY_FAVOURABLE, CaseOutcome.UNFAVOURABLE},
}


def admissibility_obstacle(case: MediationCase) -> str | None:
    if not case.prior_step_done:
        return ("aucune démarche préalable n'a été faite auprès du service concerné "
                "(condition de recevabilité)")
    if case.court_action_pending:
        return "un recours contentieux est en cours (la médiation ne peut pas s'engager)"
    return None


def allowed_transitions(case: MediationCase) -> list[Step]:
    """The steps to offer for this case, in the table's order."""
    steps = list(TRANSITIONS.get(case.status, {}))
    if admissibility_obstacle(case) is not None:
        steps = [s for s in steps if s is not Step.DECLARE_ADMISSIBLE]
    return steps


def target_of(case: MediationCase, step: Step) -> CaseStatus:
    if step is Step.REOPEN and case.status is CaseStatus.CLOSED and case.admitted_on is None:
        return CaseStatus.RECEIVED
    return TRANSITIONS[case.status][step]
