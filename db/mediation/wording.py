"""How a case's delays are said, in French: one wording for one state, on the case's screen,
in its PDF summary and in the letters (Qt-free, so that all three share it)."""

from __future__ import annotations

from db.mediation.deadlines import CRA_MONTHS, CRA_RUNNING_OUT, CraDelay, NextDue
from db.mediation.labels import WAITING_LABELS
from db.mediation.records import CaseRecord, CaseRow
from db.wording import day, days

CRA_LABEL = "Délai de la CRA"


def alert_text(row: CaseRow) -> str:
    """Said in words, not only in colour: « ⚠ En retard · Urgent », « ⚠ Délai CRA » when
    all there is to say is that the CRA delay runs out soon."""
    parts = []
    if row.overdue:
        parts.append("⚠ Délai CRA" if set(row.overdue) == {CRA_RUNNING_OUT} else "⚠ En retard")
    if row.urgent:
        parts.append("Urgent")
    return " · ".join(parts)


def next_due_text(due: NextDue | None) -> str:
    return f"{day(due.on)} ({due.label})" if due else ""


def delay_lines(record: CaseRecord) -> list[tuple[str, str]]:
    """(label, sentence) for every delay of the case the mediator has to know, as of the
    day its deadlines were computed for."""
    due = record.deadlines
    today = due.today
    if record.closed_on:
        age = f"clôturée le {day(record.closed_on)}, {days(due.age_days)} après la réception"
    else:
        age = (f"reçue il y a {days(due.age_days)}, dont {days(due.handling_days)} "
               "de traitement")
    lines = [("Ancienneté", age)]
    if due.acknowledged_on:
        ack = f"fait le {day(due.acknowledged_on)}"
    elif due.acknowledgement_due_on < today:
        ack = f"EN RETARD : attendu le {day(due.acknowledgement_due_on)}"
    else:
        ack = f"à faire d'ici le {day(due.acknowledgement_due_on)}"
    lines.append(("Accusé de réception", ack))

    current_wait = next((w for w in reversed(record.waits) if w.ended_on is None), None)
    if due.handled_on:
        handling = f"traitée le {day(due.handled_on)} (objectif : {day(due.handling_due_on)})"
    elif due.handling_paused and current_wait is not None:
        handling = (f"horloge suspendue depuis le {day(current_wait.started_on)} (attente "
                    f"du demandeur) ; objectif reporté au {day(due.handling_due_on)} tant "
                    "que l'attente dure")
    else:
        left = (due.handling_due_on - today).days
        handling = (f"EN RETARD de {days(-left)} : objectif du {day(due.handling_due_on)}"
                    if left < 0 else
                    f"objectif le {day(due.handling_due_on)} (reste {days(left)})")
    lines.append(("Traitement", handling))

    if current_wait is not None:
        late = " — EN RETARD" if current_wait.follow_up_on < today else ""
        lines.append(("Attente en cours",
                      f"de {current_wait.label} depuis le {day(current_wait.started_on)} ; "
                      f"relance prévue le {day(current_wait.follow_up_on)}{late}"))
    if due.cra is not None:
        lines.append((CRA_LABEL, cra_text(due.cra)))
    if due.overdue:
        lines.append(("En retard", ", ".join(due.overdue)))
    return lines


def cra_text(cra: CraDelay) -> str:
    """« Reste 21 jours sur le délai de 2 mois de la CRA, jusqu'au 22/07/2026 (suspendu du
    12/05/2026 au 01/07/2026 : recommandation) »: what the case screen, its PDF and the
    letters' « {delai_cra} » say."""
    frame = f"le délai de {CRA_MONTHS} mois de la CRA"
    if cra.suspended:
        return (f"Reste {days(cra.remaining_days)} sur {frame}, suspendu depuis le "
                f"{day(cra.suspended_on)} pendant la médiation : il reprendra à sa fin "
                "(recommandation ou clôture)")
    pause = (f" (suspendu du {day(cra.suspended_on)} au {day(cra.resumed_on)} : "
             f"{cra.ending})" if cra.resumed_on else "")
    if cra.expired:
        return f"Le délai de {CRA_MONTHS} mois de la CRA a expiré le {day(cra.deadline)}{pause}"
    return f"Reste {days(cra.remaining_days)} sur {frame}, jusqu'au {day(cra.deadline)}{pause}"


def waiting_choices() -> dict:
    """Whom a case may wait on, as the step dialog offers it (« le demandeur »…)."""
    return {key: label[0].upper() + label[1:] for key, label in WAITING_LABELS.items()}
