"""The journal's words: what each audited action, kind of record and field is called in French.

Every action string the code writes has its label here (``tests/db/test_journal_labels.py``
reads the code for ``record(…)`` and ``action="…"`` and checks), and so has every table: an
action or a kind of record the journal does not know shows as its code, which a test keeps
from happening. An action that means something else on another kind of record has its own
label for that kind (``ENTITY_ACTION_LABELS``): « withdraw » takes a person off a waiting list,
but a message out of the queue.
"""

from __future__ import annotations

SYSTEM_NAME = "système"

ACTION_LABELS = {
    # The save path (db.unit.rows), one row or in bulk (imports, demo data)
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    # Accounts and readings
    "sign_in": "Connexion",
    "sign_in_failed": "Échec de connexion",
    "enable": "Réactivation du compte",
    "disable": "Désactivation du compte",
    "reset_password": "Mot de passe à usage unique",
    "set_password": "Mot de passe donné par un administrateur",
    "change_password": "Changement de mot de passe",
    "read_nir": "Lecture du NIR en clair",
    "open": "Consultation",
    "open_document": "Consultation d'un document",
    # Agenda
    "book": "Prise de rendez-vous",
    "reschedule": "Report",
    "cancel": "Annulation",
    "outcome": "Issue enregistrée",
    "resolve_at_preparation": "Réglé lors de la préparation",
    "wait": "Mise en liste d'attente",
    "promote": "Inscription depuis la liste d'attente",
    "withdraw": "Retrait de la liste d'attente",
    "set_opening_hours": "Horaires d'ouverture",
    "set_availability": "Disponibilités",
    # Preparations, call-backs, pathways
    "follow": "Suivi du rendez-vous reporté",
    "attempt": "Tentative d'appel",
    "close": "Clôture",
    "assign": "Attribution",
    "import": "Import",
    "offers": "Offres sur rebond",
    "contacts_checked": "Coordonnées vérifiées",
    # Mediation
    "transition": "Changement d'état",
    "acknowledge": "Accusé de réception",
    "assign_reference": "Référence définitive",
    "set_follow_up": "Date de relance",
    "add_entry": "Ajout au fil du dossier",
    "attach": "Pièce jointe ajoutée",
    "letter": "Courrier",
    # Messages to the people booked
    "queue": "Message mis en file",
    "resend": "Message renvoyé",
    "interrupted": "Envoi interrompu",
    "fail": "Échec d'envoi",
    "export": "Message exporté (fichier SMS)",
    # The data lifecycle
    "purge": "Purge des données échues",
    "anonymise": "Anonymisation",
    "detach": "Lien retiré vers une donnée purgée",
    # The command line
    "generate": "Génération",
}

# (kind of record, action) whose words differ from the action's own, above.
ENTITY_ACTION_LABELS = {
    ("message", "withdraw"): "Message retiré de la file d'envoi",
}

# Every table, by the name the audit trail gives it, and what the trail writes besides.
ENTITY_LABELS = {
    "person": "Personne",
    "message": "Message à une personne",
    "retention_settings": "Durées de conservation",
    "retention": "Conservation des données",  # the purge's audit events
    "archived_month": "Mois archivé du tableau de bord",
    "message_settings": "Réglages des messages",
    "message_template": "Modèle de message",
    "staff": "Compte",
    "site": "Lieu d'accueil",
    "office_settings": "Réglages de l'accueil",
    "appointment": "Rendez-vous",
    "workshop_session": "Session d'atelier",
    "waiting_list_entry": "Liste d'attente d'atelier",
    "motive": "Motif de rendez-vous",
    "opening_hours": "Horaires d'ouverture",
    "closed_day": "Fermeture exceptionnelle",
    "availability": "Disponibilités",
    "absence": "Absence",
    "adviser_busy": "Occupation d'un conseiller",
    "callback_request": "Demande de rappel",
    "preparation_task": "Préparation",
    "preparation_attempt": "Appel de préparation",
    "preparation_settings": "Réglages des préparations",
    "pathway_kind": "Type de parcours",
    "pathway_import": "Import de parcours",
    "pathway_entry": "Ligne de parcours",
    "pathway_attempt": "Tentative d'appel de parcours",
    "offer_segment": "Segment d'offres",
    "rebound_offer": "Offre sur rebond",
    "person_offer": "Offre proposée",
    "mediation_case": "Dossier de médiation",
    "mediation_wait": "Attente d'un dossier de médiation",
    "mediation_event": "Fil d'un dossier de médiation",
    "mediation_document": "Document de médiation",
    "mediation_counter": "Compteur des références de médiation",
    "mediation_motive": "Motif de médiation",
    "mediation_settings": "Réglages de la médiation",
    "mediation_letter_template": "Modèle de courrier de médiation",
    "audit_event": "Journal",
    "demo_data": "Données de démonstration",
}

# Tables that are bookkeeping, never audited on their own: not offered as a filter.
NEVER_AUDITED = frozenset({"adviser_busy", "audit_event", "mediation_counter"})

# A column's name as a form calls it, in lower case (« Champs : nom, téléphone »).
FIELD_LABELS = {
    "accepted": "acceptée", "acknowledged_on": "accusé de réception",
    "acknowledgement_days": "délai d'accusé de réception", "active": "actif",
    "active_from": "actif à partir du", "active_to": "actif jusqu'au", "address": "adresse",
    "admitted_on": "date de recevabilité", "adviser_id": "conseiller",
    "appointment_day": "jour du rendez-vous", "appointment_id": "rendez-vous",
    "assigned_to_id": "attribuée à", "attempts": "tentatives",
    "birth_date": "date de naissance", "birth_name": "nom de naissance", "body": "texte",
    "break_minutes": "pause après chaque rendez-vous", "cancel_reason": "motif d'annulation",
    "cancelled_at": "annulée le", "cancelled_by": "annulé par", "capacity": "capacité",
    "channel": "canal", "city": "commune", "civility": "civilité", "closed_on": "clôturé le",
    "closes": "fermeture", "code": "code", "contact_email": "e-mail du contact",
    "contact_name": "nom du contact", "contact_phone": "téléphone du contact",
    "contested_decision": "décision contestée",
    "court_action_pending": "recours contentieux en cours", "day": "jour",
    "decision_notified_on": "décision notifiée le", "default_minutes": "durée par défaut",
    "deleted_at": "suppression", "demo": "données de démonstration",
    "department": "département", "description": "description", "documents": "pièces à fournir",
    "due_at": "à rappeler avant", "due_on": "à préparer avant", "email": "e-mail",
    "ended_on": "fin de l'attente", "ends": "fin", "ends_at": "fin",
    "entry_date": "date d'entrée", "failed_sign_ins": "échecs de connexion",
    "first_name": "prénom", "follow_up_on": "date de relance",
    "follow_up_working_days": "délai de relance", "handled_by_id": "traitée par",
    "handled_on": "traité le", "handling_months": "délai de traitement",
    "inadmissible_reason": "motif d'irrecevabilité", "kind": "type", "kinds": "types",
    "label": "libellé", "last_attempt_at": "dernière tentative", "last_name": "nom",
    "last_sign_in_at": "dernière connexion", "lead_working_days": "délai de préparation",
    "letterhead": "en-tête des courriers", "letterhead_logo": "logo des courriers",
    "lock_after_minutes": "verrouillage après inactivité", "locked_until": "bloqué jusqu'au",
    "login": "identifiant", "max_attempts": "nombre de tentatives",
    "max_horizon_days": "horizon de réservation", "mediator_id": "médiateur",
    "min_notice_hours": "délai de prévenance", "month": "mois", "motive_id": "motif",
    "must_change_password": "mot de passe à changer", "name": "nom", "nir": "NIR",
    "note": "note", "opens": "ouverture", "organisation_name": "raison sociale",
    "outcome": "issue", "outcome_at": "date de l'issue",
    "password_hash": "mot de passe", "person_id": "personne", "phone": "téléphone",
    "position": "ordre", "postcode": "code postal", "prepared_by_id": "préparée par",
    "prior_step_done": "démarche préalable faite", "profession": "profession",
    "provisional_reference": "référence provisoire", "reached_at": "joint le",
    "reason": "motif", "received_on": "reçue le",
    "recommendation_on": "date de la recommandation", "redirection": "réorientation",
    "reference": "référence", "reopen_count": "réouvertures",
    "representative_capacity": "qualité du représentant",
    "representative_name": "représentant", "role": "rôle", "rpps": "RPPS",
    "seats_taken": "places prises", "sector": "secteur", "siret": "SIRET",
    "site_id": "lieu", "starts": "début", "starts_at": "début", "status": "état",
    "summary": "résumé", "time_zone": "fuseau horaire", "title": "titre",
    "urgent": "urgent", "urgent_by_default": "urgent par défaut",
    "valid_from": "valable à partir du", "valid_until": "valable jusqu'au",
    "withdrawn_at": "retrait", "workshop_session_id": "session d'atelier",
}

# Columns the services derive from the others: an edit lists the field the person changed,
# not these.
DERIVED_FIELDS = frozenset({
    "sort_key", "phone_digits", "search_text", "ical_sequence", "ical_uid", "is_open",
    "acknowledgement_due_on", "handling_due_on", "paused_days", "paused_since",
})


def action_label(action: str, entity_type: str = "") -> str:
    """What ``action`` on a record of ``entity_type`` is called."""
    return ENTITY_ACTION_LABELS.get((entity_type, action)) or ACTION_LABELS.get(action, action)


def entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, entity_type)


def is_mediation(entity_type: str) -> bool:
    """An entry of the mediation team's own (CSS L217-7-1): shown to them only."""
    return entity_type.startswith("mediation")
