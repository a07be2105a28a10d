"""How people are named and described, in French."""

from __future__ import annotations

from db.people.models import MessageChannel, Person, PersonKind

KIND_LABELS = {
    PersonKind.BENEFICIARY: "Assuré(e)",
    PersonKind.HEALTH_PROFESSIONAL: "Professionnel de santé",
    PersonKind.EMPLOYER: "Employeur",
}

MESSAGE_CHANNEL_LABELS = {
    MessageChannel.NONE: "Aucun message",
    MessageChannel.EMAIL: "E-mail",
    MessageChannel.SMS: "SMS",
}

# The 14 categories of health professionals the CPAM deals with.
PROFESSIONS = {
    "general_practitioner": "Médecin généraliste",
    "specialist": "Médecin spécialiste",
    "dentist": "Chirurgien-dentiste",
    "midwife": "Sage-femme",
    "pharmacist": "Pharmacien",
    "nurse": "Infirmier",
    "physiotherapist": "Masseur-kinésithérapeute",
    "speech_therapist": "Orthophoniste",
    "orthoptist": "Orthoptiste",
    "podiatrist": "Pédicure-podologue",
    "laboratory": "Laboratoire de biologie médicale",
    "medical_transport": "Transporteur sanitaire",
    "medical_supplier": "Fournisseur de dispositifs médicaux",
    "health_centre": "Centre de santé",
}


def display_name(person: Person) -> str:
    """« DUPONT Marie », or an employer's name."""
    if person.kind is PersonKind.EMPLOYER:
        return person.organisation_name
    return f"{person.last_name.upper()} {person.first_name}".strip()
