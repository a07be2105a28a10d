"""Moving a case through its lifecycle: steps, waits, follow-ups and the acknowledgement."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from db.errors import ValidationError
from db.mediation import deadlines
from db.mediation.common import (
    OFFICE_TIME_ZONE,
    add_event,
    calendar_of,
    check_day,
    refresh,
    settings,
    today_in_office,
    waits_of,
)
from db.mediation.labels import (
    INADMISSIBLE_LABELS,
    OUTCOME_LABELS,
    REDIRECTION_LABELS,
    STATUS_LABELS,
    WAITING_FROM_LABELS,
)
from db.mediation.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    MediationCase,
    MediationWait,
)
from db.mediation.records import StepInput
from db.mediation.rules import (
    CLOSING_OUTCOMES,
    STEP_DONE,
    STEP_LABELS,
    Step,
    admissibility_obstacle,
    allowed_transitions,
    target_of,
)
from db.org.access import Permission
from db.unit import Unit, rows


def _refusal(case: MediationCase, step: Step) -> ValidationError:
    label = STEP_LABELS[step].lower()
    obstacle = (admissibility_obstacle(case)
                if step is Step.DECLARE_ADMISSIBLE and case.status is CaseStatus.RECEIVED
                else None)
    if obstacle:
        reason = f"impossible de {label} : {obstacle}."
    else:
        reason = (f"impossible de {label} un dossier à l'état « "
                  f"{STATUS_LABELS[case.status]} ».")
    return ValidationError({"step": f"Dossier {case.display_reference} : {reason}"})


def advance(unit: Unit, case_id: uuid.UUID, expected_version: int,
            data: StepInput, *, today: date | None = None) -> int:
    """Apply one step of the lifecycle; refuse a forbidden one (nothing written).

    Returns the case's new version.
    """
    unit.require(Permission.MEDIATION)
    today = today or today_in_office()
    case = rows.load_version(unit, MediationCase, case_id, expected_version)
    step = data.step
    if step not in allowed_transitions(case):
        raise _refusal(case, step)
    on = data.on or today
    check_day(on, case, today, "on")
    target = target_of(case, step)
    details: dict[str, object] = {"step": step.value, "from": case.status.value,
                                  "to": target.value}
    if step is Step.WAIT:
        details["waiting_on"] = data.waiting_on.value if data.waiting_on else None
    if step is Step.CLOSE and data.outcome is not None:
        details["outcome"] = data.outcome.value
    with rows.editing(unit, case, action="transition", **details):
        title = _apply(unit, case, step, data, on, target)
    add_event(unit, case, CaseEventKind.STATUS, title, data.comment, internal=False,
              party=data.party if step is Step.WAIT else "", occurred_at=_moment(on, today))
    return case.version


def _apply(unit: Unit, case: MediationCase, step: Step, data: StepInput, on: date,
           target: CaseStatus) -> str:
    """Make the step's changes to ``case`` (being edited); returns the timeline's title."""
    title = STEP_DONE[step]

    if step is Step.DECLARE_INADMISSIBLE:
        if data.inadmissible_reason is None:
            raise ValidationError({"inadmissible_reason": "Choisissez le motif d'irrecevabilité."})
        case.inadmissible_reason = data.inadmissible_reason
        title += f" : {INADMISSIBLE_LABELS[data.inadmissible_reason]}"
    elif step is Step.REDIRECT:
        if data.redirection is None:
            raise ValidationError({"redirection": "Choisissez vers qui réorienter la demande."})
        case.redirection = data.redirection
        title += f" vers {REDIRECTION_LABELS[data.redirection]}"
    elif step is Step.DECLARE_ADMISSIBLE:
        case.admitted_on = on
    elif step is Step.WAIT:
        title = _start_wait(unit, case, data, on)
    elif step is Step.RESUME:
        _end_waits(unit, case, on)
    elif step is Step.ISSUE_RECOMMENDATION:
        case.recommendation_on = on
    elif step is Step.CLOSE:
        allowed = CLOSING_OUTCOMES[case.status]
        if data.outcome not in allowed:
            choices = ", ".join(OUTCOME_LABELS[o].lower() for o in CaseOutcome if o in allowed)
            raise ValidationError({"outcome": f"Choisissez l'issue du dossier : {choices}."})
        if case.status is CaseStatus.WAITING:
            _end_waits(unit, case, on)
        case.outcome = data.outcome
        case.closed_on = on
        title += f" — issue : {OUTCOME_LABELS[data.outcome].lower()}"
    elif step is Step.REOPEN:
        case.reopen_count += 1
        case.outcome = case.closed_on = case.inadmissible_reason = case.redirection = None
        case.recommendation_on = None
        if target is CaseStatus.RECEIVED:
            case.admitted_on = None

    # The handling clock stops at the first decision that answers the request.
    if target in (CaseStatus.INADMISSIBLE, CaseStatus.REDIRECTED,
                  CaseStatus.RECOMMENDATION_ISSUED, CaseStatus.CLOSED):
        case.handled_on = case.handled_on or on
    case.status = target
    refresh(unit, case)
    return title


def _moment(day: date, today: date) -> datetime:
    """Now for a step done today; noon (office time) for one recorded after the fact."""
    if day == today:
        return datetime.now(UTC)
    return datetime(day.year, day.month, day.day, 12, tzinfo=OFFICE_TIME_ZONE).astimezone(UTC)


def _start_wait(unit: Unit, case: MediationCase, data: StepInput, on: date) -> str:
    if data.waiting_on is None:
        raise ValidationError({"waiting_on": "Précisez qui est attendu."})
    follow_up = data.follow_up_on or deadlines.default_follow_up(
        on, settings(unit), calendar_of(unit, case))
    if follow_up <= on:
        raise ValidationError({"follow_up_on": "La date de relance doit suivre le début de "
                                               "l'attente."})
    rows.create(unit, MediationWait(case_id=case.id, waiting_on=data.waiting_on,
                                    party=data.party.strip(), started_on=on,
                                    follow_up_on=follow_up), action=None)
    return (f"Mise en attente {WAITING_FROM_LABELS[data.waiting_on]} — relance le "
            f"{follow_up:%d/%m/%Y}")


def _end_waits(unit: Unit, case: MediationCase, on: date) -> None:
    for wait in waits_of(unit, case.id):
        if wait.ended_on is None:
            rows.save(unit, wait, {"ended_on": max(on, wait.started_on)}, action=None)


def set_follow_up(unit: Unit, case_id: uuid.UUID, expected_version: int,
                  follow_up_on: date, *, today: date | None = None) -> int:
    """Move the follow-up date of the current wait (after a follow-up call, say)."""
    unit.require(Permission.MEDIATION)
    today = today or today_in_office()
    case = rows.load_version(unit, MediationCase, case_id, expected_version)
    current = [w for w in waits_of(unit, case.id) if w.ended_on is None]
    if case.status is not CaseStatus.WAITING or not current:
        raise ValidationError({"follow_up_on": "Ce dossier n'est pas en attente."})
    if follow_up_on <= today:
        raise ValidationError({"follow_up_on": "La nouvelle date de relance doit être à venir."})
    with rows.editing(unit, case, action="set_follow_up"):
        rows.save(unit, current[-1], {"follow_up_on": follow_up_on}, action=None)
        refresh(unit, case)
    add_event(unit, case, CaseEventKind.STATUS,
              f"Relance reportée au {follow_up_on:%d/%m/%Y}", internal=True)
    return case.version


def acknowledge(unit: Unit, case_id: uuid.UUID, on: date, *,
                today: date | None = None) -> None:
    """Record the acknowledgement (by letter, e-mail or phone); the first one counts."""
    unit.require(Permission.MEDIATION)
    case = rows.load(unit, MediationCase, case_id)
    check_day(on, case, today or today_in_office(), "acknowledged_on")
    if case.acknowledged_on is None:
        rows.save(unit, case, {"acknowledged_on": on}, action="acknowledge")
