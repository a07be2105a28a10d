"""The words of a worklist: an entry's status and an attempt's result, in French."""

from __future__ import annotations

from db.pathways.models import (
    AttemptResult,
    PathwayStatus,
)

STATUS_LABELS = {
    PathwayStatus.TO_CONTACT: "À contacter",
    PathwayStatus.ATTEMPT_1: "Tentative 1",
    PathwayStatus.ATTEMPT_2: "Tentative 2",
    PathwayStatus.ATTEMPT_3: "Tentative 3",
    PathwayStatus.BOOKED: "RDV pris",
    PathwayStatus.DECLINED: "Refus",
    PathwayStatus.UNREACHABLE: "Injoignable",
    PathwayStatus.NOT_CONCERNED: "Non concerné",
    PathwayStatus.DONE: "Terminé",
}


RESULT_LABELS = {
    AttemptResult.REACHED: "Joint",
    AttemptResult.NO_ANSWER: "Pas de réponse",
    AttemptResult.VOICEMAIL: "Message laissé",
    AttemptResult.WRONG_NUMBER: "Numéro erroné",
}
