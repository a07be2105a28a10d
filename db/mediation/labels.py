"""The words of mediation: channels, states, endings, whom a case waits on, in French."""

from __future__ import annotations

from db.mediation.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    InadmissibleReason,
    MediationChannel,
    Redirection,
    WaitingOn,
)

CHANNEL_LABELS = {
    MediationChannel.AMELI_ACCOUNT: "Compte ameli « Demander l'aide du médiateur »",
    MediationChannel.MAIL: "Courrier",
    MediationChannel.EMAIL: "E-mail",
    MediationChannel.PHONE: "Téléphone",
    MediationChannel.FRANCE_SERVICES: "France Services",
    MediationChannel.OTHER_DEPARTMENT: "Autre service de la CPAM",
}


STATUS_LABELS = {
    CaseStatus.RECEIVED: "Reçue",
    CaseStatus.ADMISSIBLE: "Recevable",
    CaseStatus.INADMISSIBLE: "Irrecevable",
    CaseStatus.REDIRECTED: "Réorientée",
    CaseStatus.IN_PROGRESS: "En instruction",
    CaseStatus.WAITING: "En attente",
    CaseStatus.RECOMMENDATION_ISSUED: "Recommandation émise",
    CaseStatus.CLOSED: "Clôturée",
}


INADMISSIBLE_LABELS = {
    InadmissibleReason.NO_PRIOR_STEP: "aucune démarche préalable auprès du service concerné",
    InadmissibleReason.COURT_ACTION: "un recours contentieux est en cours",
    InadmissibleReason.OUT_OF_SCOPE: "la demande ne relève pas de la médiation",
}


REDIRECTION_LABELS = {
    Redirection.CRA: "la Commission de recours amiable (CRA)",
    Redirection.DEPARTMENT: "le service concerné",
    Redirection.JOINT_COMMISSION: "la commission mixte de conciliation",
}


WAITING_LABELS = {
    WaitingOn.REQUESTER: "le demandeur",
    WaitingOn.DEPARTMENT: "un service de la CPAM",
    WaitingOn.MEDICAL_SERVICE: "le service médical",
    WaitingOn.PARTNER: "un partenaire",
}

# « Mise en attente du service médical »: French contracts « de le » and elides « de un ».
WAITING_FROM_LABELS = {
    WaitingOn.REQUESTER: "du demandeur",
    WaitingOn.DEPARTMENT: "d'un service de la CPAM",
    WaitingOn.MEDICAL_SERVICE: "du service médical",
    WaitingOn.PARTNER: "d'un partenaire",
}


OUTCOME_LABELS = {
    CaseOutcome.FAVOURABLE: "Favorable",
    CaseOutcome.PARTLY_FAVOURABLE: "Partiellement favorable",
    CaseOutcome.UNFAVOURABLE: "Défavorable",
    CaseOutcome.REDIRECTED: "Réorientée",
    CaseOutcome.WITHDRAWN: "Désistement",
    CaseOutcome.COURT_ACTION: "Fin par recours contentieux",
}


EVENT_LABELS = {
    CaseEventKind.STATUS: "Étape",
    CaseEventKind.NOTE: "Note",
    CaseEventKind.CALL: "Appel",
    CaseEventKind.LETTER: "Courrier",
    CaseEventKind.REQUEST: "Demande à un service",
    CaseEventKind.ANSWER: "Réponse d'un service",
    CaseEventKind.ATTACHMENT: "Pièce jointe",
}
