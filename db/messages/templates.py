"""The messages' French templates: merge fields in braces (« {date} »), checked when an
administrator saves, filled when a message goes.

A field's value never carries more than a message may say: the person's title and name, the
date and time on the site's clock, the kind, the place (or the number we will call), the
motive's public label and its documents, how to cancel — no NIR, no note, no mediation.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from db.errors import ValidationError

MERGE_FIELDS = {
    "civilite_nom": "la personne : « Madame Dupont »",
    "date": "le jour du rendez-vous : « jeudi 3 décembre 2026 »",
    "date_courte": "le jour, court (SMS) : « jeu. 03/12 »",
    "heure": "l'heure, à l'horloge du lieu : « 09:30 »",
    "type": "« rendez-vous téléphonique », « rendez-vous à l'accueil », « atelier »…",
    "motif": "le motif, son libellé public : « Indemnités journalières »",
    "lieu": "le lieu et son adresse, ou « nous vous appellerons au 06 … »",
    "lieu_court": "le lieu, ou « au 06 … » (SMS)",
    "pieces": "les pièces à apporter que le motif demande",
    "annulation": "comment annuler ou déplacer (onglet Réglages)",
    "ancienne_date": "l'ancien jour et l'heure d'un rendez-vous déplacé",
    "raison": "pourquoi le rendez-vous est annulé : « à votre demande »…",
    "site": "le nom du lieu d'accueil",
}


def fields_in(text: str) -> list[str]:
    """The merge fields ``text`` names; a brace left open is refused in French."""
    try:
        return [name for _literal, name, _spec, _conversion in string.Formatter().parse(text)
                if name is not None]
    except ValueError:
        raise ValidationError({"body": "Une accolade n'est pas fermée : écrivez les champs "
                                       "ainsi : {date}."}) from None


def unknown_fields(*texts: str) -> list[str]:
    return sorted({name for text in texts for name in fields_in(text)
                   if name not in MERGE_FIELDS})


def merge(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its fields filled; « {{ » and « }} » write braces."""
    return text.format_map({name: values.get(name, "") for name in fields_in(text)})
