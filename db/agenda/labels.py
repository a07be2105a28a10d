"""The agenda's words: kinds, channels and states of an appointment, in French."""

from __future__ import annotations

from db.agenda.models import (
    AppointmentKind,
    AppointmentStatus,
    Channel,
)

KIND_LABELS = {
    AppointmentKind.PHONE: "Téléphonique",
    AppointmentKind.PHYSICAL: "Physique",
    AppointmentKind.VIDEO: "Visio",
    AppointmentKind.WORKSHOP: "Atelier",
}


CHANNEL_LABELS = {
    Channel.AMELI_ACCOUNT: "Compte ameli",
    Channel.PHONE_3646: "36 46",
    Channel.RECEPTION: "Accueil",
    Channel.FRANCE_SERVICES: "France Services",
    Channel.OTHER_DEPARTMENT: "Autre service",
    Channel.PATHWAY: "Parcours",
    Channel.CALLBACK: "Rappel",
}


STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Réservé",
    AppointmentStatus.HONOURED: "Honoré",
    AppointmentStatus.NO_SHOW: "Absent",
    AppointmentStatus.CANCELLED: "Annulé",
    AppointmentStatus.RESCHEDULED: "Reporté",
    AppointmentStatus.RESOLVED_AT_PREPARATION: "Réglé lors de la préparation",
}

# What a past appointment still without an outcome says beside its status.
TO_FILL = "à renseigner"
