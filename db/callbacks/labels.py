"""How a call-back request ended, in French."""

from __future__ import annotations

from db.callbacks.models import CallbackOutcome

CALLBACK_OUTCOME_LABELS = {
    CallbackOutcome.SETTLED: "Rappelé, demande traitée",
    CallbackOutcome.UNREACHABLE: "Injoignable",
    CallbackOutcome.APPOINTMENT: "Rendez-vous pris",
    CallbackOutcome.WITHDRAWN: "Sans objet",
}
