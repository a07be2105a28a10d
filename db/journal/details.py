"""A readable summary of an audit row's details: « Type : Téléphonique · Canal : 36 46 ».

The trail keeps ids, codes and field names (``db.unit.audit``); the journal says them in the
words of the screens: a code by its label, a field by its name in the form, a record it
points at by its name (``db.journal.names``). An id with nothing better to say (a line of a
case's timeline, an attempt whose number is given) is left out rather than shown raw.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import date

from db.agenda.labels import CHANNEL_LABELS as APPOINTMENT_CHANNELS
from db.agenda.labels import KIND_LABELS as APPOINTMENT_KINDS
from db.agenda.labels import STATUS_LABELS as APPOINTMENT_STATUSES
from db.callbacks.labels import CALLBACK_OUTCOME_LABELS
from db.journal.labels import DERIVED_FIELDS, FIELD_LABELS
from db.journal.names import Names
from db.mediation.labels import EVENT_LABELS, WAITING_LABELS
from db.mediation.labels import OUTCOME_LABELS as CASE_OUTCOMES
from db.mediation.labels import STATUS_LABELS as CASE_STATUSES
from db.mediation.letters import LETTER_LABELS
from db.mediation.rules import STEP_LABELS
from db.pathways.labels import RESULT_LABELS
from db.pathways.labels import STATUS_LABELS as PATHWAY_STATUSES
from db.people.labels import KIND_LABELS as PERSON_KINDS
from db.preparation.labels import OUTCOME_LABELS as PREPARATION_OUTCOMES
from db.wording import NBSP, day, month_label, thousands

# Keys naming another record, and its kind; ``motive_id`` is the mediation's own on a case.
REFERENCES = {
    "person_id": "person", "appointment_id": "appointment", "new_id": "appointment",
    "rescheduled_from_id": "appointment", "adviser_id": "staff", "staff_id": "staff",
    "site_id": "site", "workshop_session_id": "workshop_session", "entry_id":
    "waiting_list_entry", "kind_id": "pathway_kind", "segment_id": "offer_segment",
    "motive_id": "motive", "document_id": "mediation_document",
}
_OWN_REFERENCES = {("mediation_case", "motive_id"): "mediation_motive"}
# Lists of offers (a pathway call's rebound offers).
_OFFER_LISTS = {"made": "offres proposées", "accepted": "acceptées", "withdrawn": "retirées"}
# Ids with nothing better to show: the attempt's number and the entry's kind are given.
_LEFT_OUT = frozenset({"attempt_id", "event_id"})

_CANCELLED_BY = {"person": "la personne", "service": "le service"}
_PATHWAY_OUTCOMES = {status.value: label for status, label in PATHWAY_STATUSES.items()}
# Codes by their labels, per kind of record where the same key means different things.
_CODES: dict[tuple[str | None, str], Mapping] = {
    ("appointment", "kind"): APPOINTMENT_KINDS,
    ("person", "kind"): PERSON_KINDS,
    ("mediation_case", "kind"): EVENT_LABELS,
    ("mediation_letter_template", "kind"): LETTER_LABELS,
    (None, "channel"): APPOINTMENT_CHANNELS,
    (None, "status"): APPOINTMENT_STATUSES,
    (None, "cancelled_by"): _CANCELLED_BY,
    ("callback_request", "outcome"): CALLBACK_OUTCOME_LABELS,
    ("pathway_entry", "outcome"): _PATHWAY_OUTCOMES,
    ("preparation_task", "outcome"): PREPARATION_OUTCOMES,
    ("mediation_case", "outcome"): CASE_OUTCOMES,
    (None, "result"): RESULT_LABELS,
    (None, "step"): STEP_LABELS,
    (None, "from"): CASE_STATUSES,
    (None, "to"): CASE_STATUSES,
    (None, "waiting_on"): WAITING_LABELS,
}
# How each key reads in the summary (with a capital: it begins a part).
KEY_LABELS = {
    "kind": "Type", "channel": "Canal", "status": "Issue", "cancelled_by": "Annulé par",
    "outcome": "Issue", "result": "Résultat", "number": "Tentative", "reached": "Joint",
    "step": "Étape", "waiting_on": "En attente de", "provisional": "Référence provisoire",
    "month": "Mois", "rows": "Lignes", "new": "Nouvelles lignes",
    "already_known": "Déjà sur la liste", "people_created": "Personnes créées",
    "people_updated": "Personnes mises à jour", "registrations": "Inscriptions annulées",
    "waiting": "Personnes en attente prévenues", "failures": "Échecs successifs",
    "source": "Origine", "seed": "Graine", "size": "Taille", "person_id": "Personne",
    "appointment_id": "Rendez-vous", "new_id": "Nouveau rendez-vous",
    "rescheduled_from_id": "Reporté depuis", "adviser_id": "Conseiller",
    "staff_id": "Compte", "site_id": "Lieu", "workshop_session_id": "Session",
    "entry_id": "Personne", "kind_id": "Parcours", "segment_id": "Segment",
    "motive_id": "Motif", "document_id": "Document", "people": "Personnes",
    "appointments": "Rendez-vous", "callbacks": "Demandes de rappel",
    "conclusive_preparations": "Préparations conclusives",
    "mediation_cases": "Dossiers de médiation", "pathway_entries": "Lignes de parcours",
    "preparations": "Préparations", "sites": "Lieux", "staff": "Comptes",
    "advisers": "Conseillers", "workshop_sessions": "Sessions d'atelier",
    # The retention purge's counts, by kind (``db.lifecycle.purge``).
    "pathways": "Lignes de parcours", "cases": "Dossiers de médiation",
    "audit": "Journal d'audit", "messages": "Messages aux personnes",
    "kept_months": "Tableaux de bord mensuels gardés",
    "reminded_appointments": "Rendez-vous marqués comme rappelés", "before": "Avant le",
}
# Codes of free values: said in words, or left as they are.
_WORDS = {"source": {"pathway_import": "import de parcours"},
          "size": {"small": "petite", "large": "grande"}}
_NOT_COUNTS = frozenset({"seed"})  # numbers that are not amounts: no thousands separator


def _kind_of(entity_type: str, key: str) -> str | None:
    return _OWN_REFERENCES.get((entity_type, key), REFERENCES.get(key))


def _as_id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def want_references(names: Names, entity_type: str, details: Mapping) -> None:
    """Ask ``names`` for the records ``details`` point at (before ``names.resolve()``)."""
    for key, value in details.items():
        kind = "rebound_offer" if key in _OFFER_LISTS else _kind_of(entity_type, key)
        if kind is None:
            continue
        values = value if isinstance(value, list) else [value]
        names.want(kind, filter(None, map(_as_id, values)))


def summary(names: Names, entity_type: str, details: Mapping, subject: str = "") -> str:
    """« Champs : nom, téléphone · Lieu : Agence de Grenoble », from resolved ``names``;
    a record named as the line's ``subject`` already is not said twice."""
    return " · ".join(_parts(names, entity_type, details, subject))


def _parts(names: Names, entity_type: str, details: Mapping, subject: str) -> Iterator[str]:
    if "from" in details and "to" in details:
        yield (f"État{NBSP}: {_code(entity_type, 'from', details['from'])} → "
               f"{_code(entity_type, 'to', details['to'])}")
    for key, value in details.items():
        if key in ("from", "to") and "from" in details and "to" in details:
            continue
        if key == "fields":
            fields = [FIELD_LABELS.get(f, f) for f in value if f not in DERIVED_FIELDS]
            if fields:
                yield f"Champs{NBSP}: {', '.join(fields)}"
        elif key in _OFFER_LISTS:
            offers = [names.of("rebound_offer", i) for i in filter(None, map(_as_id, value))]
            if any(offers):
                yield f"{_OFFER_LISTS[key].capitalize()}{NBSP}: {', '.join(filter(None, offers))}"
        elif key not in _LEFT_OUT and value is not None:
            shown = _value(names, entity_type, key, value)
            if shown and not (shown == subject and _kind_of(entity_type, key)):
                yield f"{KEY_LABELS.get(key, key)}{NBSP}: {shown}"


def _value(names: Names, entity_type: str, key: str, value: object) -> str:
    kind = _kind_of(entity_type, key)
    if kind is not None:
        record_id = _as_id(value)
        return names.of(kind, record_id) if record_id else ""  # unnamed: left out
    if isinstance(value, bool):
        return "oui" if value else "non"
    if key == "before":  # the purge's dates, by kind: « rendez-vous 13/10/2026 »
        return ", ".join(f"{KEY_LABELS.get(kind, kind).lower()} {_day(on)}"
                         for kind, on in value.items())
    if isinstance(value, int):
        return str(value) if key in _NOT_COUNTS else thousands(value)
    if key == "month":
        try:
            return month_label(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if key in _WORDS:
        return _WORDS[key].get(str(value), str(value))
    return _code(entity_type, key, value)


def _day(value: object) -> str:
    try:
        return day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _code(entity_type: str, key: str, value: object) -> str:
    labels = _CODES.get((entity_type, key)) or _CODES.get((None, key))
    return str(labels.get(value, value)) if labels is not None else str(value)
