"""The words of a preparation's outcome, in French."""

from __future__ import annotations

from db.preparation.models import (
    PreparationOutcome,
)

OUTCOME_LABELS = {
    PreparationOutcome.CONCLUSIVE: "Conclusive",
    PreparationOutcome.MAINTAINED: "Maintenu",
    PreparationOutcome.UNREACHABLE: "Injoignable",
}


# What an outcome means for the visit, in the words of the day sheet and the screens.
OUTCOME_EFFECTS = {
    PreparationOutcome.CONCLUSIVE: "Conclusive : réglé par téléphone, rendez-vous annulé",
    PreparationOutcome.MAINTAINED: "Maintenu après l'appel",
    PreparationOutcome.UNREACHABLE: "Injoignable : rendez-vous maintenu",
}
