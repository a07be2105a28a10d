"""How the messages' kinds and states read, in French."""

from __future__ import annotations

from db.messages.models import MessageKind, MessageStatus, SmtpSecurity

KIND_LABELS = {
    MessageKind.CONFIRMATION: "Confirmation",
    MessageKind.MOVE: "Déplacement",
    MessageKind.CANCELLATION: "Annulation",
    MessageKind.REMINDER: "Rappel",
    MessageKind.WORKSHOP: "Inscription à un atelier",
    MessageKind.PROMOTION: "Place libérée (liste d'attente)",
}

STATUS_LABELS = {
    MessageStatus.PENDING: "En attente",
    MessageStatus.SENDING: "En cours d'envoi",
    MessageStatus.HANDING_OVER: "En cours d'envoi",
    MessageStatus.SENT: "Envoyé",
    MessageStatus.FAILED: "Échec",
    MessageStatus.UNCERTAIN: "Envoi interrompu (à vérifier)",
    MessageStatus.WITHDRAWN: "Retiré",
}

SECURITY_LABELS = {
    SmtpSecurity.STARTTLS: "STARTTLS (port 587)",
    SmtpSecurity.TLS: "TLS dès la connexion (port 465)",
    SmtpSecurity.NONE: "Aucun chiffrement (relais du réseau local)",
}
