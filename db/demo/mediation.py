"""Demo mediation cases: every state of the lifecycle, with timelines (a step of ``db.demo``).

One case for ten people: about 500 in the small set (a CPAM's yearly volume), 20,000 in the
large one; never fewer than 36, so that a test set still holds every state. Derived deadline
columns come from ``mediation_deadlines``, exactly as the services compute them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from db.demo.context import office_moment
from db.mediation import deadlines
from db.mediation.common import settings
from db.mediation.labels import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    INADMISSIBLE_LABELS,
    OUTCOME_LABELS,
    REDIRECTION_LABELS,
    WAITING_FROM_LABELS,
)
from db.mediation.models import (
    CaseEventKind,
    CaseOutcome,
    CaseStatus,
    InadmissibleReason,
    MediationCase,
    MediationChannel,
    MediationCounter,
    MediationEvent,
    MediationMotive,
    MediationWait,
    Redirection,
    WaitingOn,
)
from db.org.models import Site
from db.people.labels import display_name
from db.people.models import Person, PersonKind
from db.roles import Role
from db.validation import fold
from db.workdays import WorkingCalendar

CASES_PER_PERSON = 10
MINIMUM_CASES = 36
CHUNK = 5_000

STATUS_WEIGHTS = {
    CaseStatus.RECEIVED: 6, CaseStatus.ADMISSIBLE: 4, CaseStatus.INADMISSIBLE: 6,
    CaseStatus.REDIRECTED: 6, CaseStatus.IN_PROGRESS: 10, CaseStatus.WAITING: 8,
    CaseStatus.RECOMMENDATION_ISSUED: 5, CaseStatus.CLOSED: 55,
}
MOTIVE_WEIGHTS = {"ij_unpaid": 25, "gp": 14, "replacement_income": 9, "care_refusal": 4,
                  "c2s": 13, "invalidity": 9, "reimbursements": 17, "other": 9}
CHANNEL_WEIGHTS = {MediationChannel.AMELI_ACCOUNT: 55, MediationChannel.MAIL: 15,
                   MediationChannel.EMAIL: 10, MediationChannel.PHONE: 8,
                   MediationChannel.FRANCE_SERVICES: 7, MediationChannel.OTHER_DEPARTMENT: 5}
OUTCOME_WEIGHTS = {CaseOutcome.FAVOURABLE: 50, CaseOutcome.PARTLY_FAVOURABLE: 15,
                   CaseOutcome.UNFAVOURABLE: 14, CaseOutcome.WITHDRAWN: 9,
                   CaseOutcome.REDIRECTED: 7, CaseOutcome.COURT_ACTION: 5}
AFTER_RECOMMENDATION = {CaseOutcome.FAVOURABLE, CaseOutcome.PARTLY_FAVOURABLE,
                        CaseOutcome.UNFAVOURABLE}

SUMMARIES = {
    "ij_unpaid": ("Arrêt de travail depuis {weeks} semaines, aucune indemnité journalière "
                  "versée ; la personne n'a plus de ressources.", "Suspension des IJ"),
    "gp": ("Aucun médecin traitant n'accepte de nouveau patient dans le secteur depuis "
           "{weeks} semaines ; majoration du ticket modérateur appliquée.",
           "Majoration hors parcours de soins"),
    "replacement_income": ("Pension d'invalidité et allocation chômage : rupture de revenus "
                           "depuis {weeks} semaines.", "Refus de cumul"),
    "care_refusal": ("Refus de rendez-vous par un cabinet au motif de la C2S.", ""),
    "c2s": ("Demande de Complémentaire santé solidaire sans réponse depuis {weeks} "
            "semaines malgré les pièces envoyées.", "Refus de C2S"),
    "invalidity": ("Contestation du classement en invalidité catégorie 1 après "
                   "{weeks} semaines d'instruction.", "Classement en catégorie 1"),
    "reimbursements": ("Soins dentaires non remboursés, plusieurs réclamations restées sans "
                       "suite depuis {weeks} semaines.", "Refus de remboursement"),
    "other": ("Difficulté persistante avec le service : courriers contradictoires reçus "
              "depuis {weeks} semaines.", ""),
}
NOTES = [
    (CaseEventKind.CALL, False, "Appel du demandeur : situation rappelée, pièces à envoyer."),
    (CaseEventKind.NOTE, True, "Vérification du dossier dans les applications métier."),
    (CaseEventKind.REQUEST, True, "Demande d'explication sur le blocage du dossier."),
    (CaseEventKind.ANSWER, True, "Le service confirme une pièce manquante, relance faite."),
    (CaseEventKind.NOTE, False, "Pièces reçues et transmises au service concerné."),
]


def case_count(people_count: int) -> int:
    return max(MINIMUM_CASES, people_count // CASES_PER_PERSON)


def _moment(day: date, rng: random.Random) -> datetime:
    """A moment of office hours that day, in UTC."""
    return office_moment(day, rng)


class _CaseDraft:
    """One case's dates as its lifecycle unfolded, and the rows it makes."""

    def __init__(self, context, rng, status: CaseStatus, outcome: CaseOutcome | None,
                 calendar: WorkingCalendar):
        self.rng, self.status, self.outcome = rng, status, outcome
        today = context.today
        # Closed cases spread over the year; open ones are recent.
        age = rng.randrange(40, 365) if status is CaseStatus.CLOSED else (
            rng.randrange(0, 25) if status is CaseStatus.RECEIVED else rng.randrange(6, 80))
        self.received_on = today - timedelta(days=age)
        self.steps: list[tuple[date, str, str]] = [
            (self.received_on, "Demande reçue", "")]
        self.waits: list[SimpleNamespace] = []
        self.values: dict = {"acknowledged_on": None, "admitted_on": None,
                             "recommendation_on": None, "handled_on": None, "closed_on": None,
                             "inadmissible_reason": None, "redirection": None,
                             "outcome": outcome}
        self.today, self.calendar = today, calendar
        self._unfold()

    def _day(self, after: date, low: int, high: int) -> date:
        return min(self.today, after + timedelta(days=self.rng.randint(low, high)))

    def _unfold(self) -> None:
        rng, status, values = self.rng, self.status, self.values
        if status is not CaseStatus.RECEIVED or rng.random() < 0.5:
            values["acknowledged_on"] = self._day(self.received_on, 0, 9)
        day = self._day(self.received_on, 2, 9)
        if status is CaseStatus.INADMISSIBLE:
            reason = rng.choice(list(InadmissibleReason))
            values["inadmissible_reason"] = reason
            values["handled_on"] = day
            self.steps.append((day, "Demande déclarée irrecevable : "
                               + INADMISSIBLE_LABELS[reason], ""))
            return
        if status is CaseStatus.REDIRECTED:
            target = rng.choice(list(Redirection))
            values["redirection"] = target
            values["handled_on"] = day
            self.steps.append((day, f"Demande réorientée vers {REDIRECTION_LABELS[target]}", ""))
            return
        if status is CaseStatus.RECEIVED:
            return
        values["admitted_on"] = day
        self.steps.append((day, "Demande déclarée recevable", ""))
        if status is CaseStatus.ADMISSIBLE:
            return
        day = self._day(day, 0, 3)
        self.steps.append((day, "Instruction commencée", ""))
        if rng.random() < 0.4 or status is CaseStatus.WAITING:
            day = self._wait(day, ended=status is not CaseStatus.WAITING)
        if status in (CaseStatus.IN_PROGRESS, CaseStatus.WAITING):
            return
        if self.outcome in AFTER_RECOMMENDATION or status is CaseStatus.RECOMMENDATION_ISSUED:
            day = self._day(day, 5, 30)
            values["recommendation_on"] = values["handled_on"] = day
            self.steps.append((day, "Recommandation émise",
                               "Recommandation adressée au demandeur et au service."))
        if status is CaseStatus.CLOSED:
            day = self._day(day, 1, 12)
            values["closed_on"] = day
            values["handled_on"] = values["handled_on"] or day
            self.steps.append(
                (day, f"Dossier clôturé — issue : {OUTCOME_LABELS[self.outcome].lower()}", ""))

    def _wait(self, day: date, ended: bool) -> date:
        waiting_on = self.rng.choice(list(WaitingOn))
        start = self._day(day, 1, 6)
        follow_up = self.calendar.add_working_days(start, 10)
        end = self._day(start, 3, 20) if ended else None
        self.waits.append(SimpleNamespace(waiting_on=waiting_on, started_on=start,
                                          follow_up_on=follow_up, ended_on=end,
                                          deleted_at=None, party=""))
        self.steps.append((start, f"Mise en attente {WAITING_FROM_LABELS[waiting_on]} — relance "
                                  f"le {follow_up:%d/%m/%Y}", ""))
        if end is None:
            return start
        self.steps.append((end, "Instruction reprise", ""))
        return end


def add_mediation_cases(context, rng: random.Random) -> None:
    session = context.session
    team = [s for s in context.staff if s.role in (Role.MEDIATOR, Role.MEDIATION_ASSISTANT)]
    site_id = team[0].site_id
    calendar = WorkingCalendar(session.get(Site, site_id).department)
    policy = settings(context.unit)
    motives = {m.code: m for m in session.scalars(select(MediationMotive))}
    motive_codes = [code for code in MOTIVE_WEIGHTS if code in motives]
    kinds = [PersonKind.BENEFICIARY] * 85 + [PersonKind.HEALTH_PROFESSIONAL] * 8 + [
        PersonKind.EMPLOYER] * 7
    count = case_count(context.people_count)
    # Every state (and every outcome) first, then drawn by weight.
    plan = [(s, None) for s in CaseStatus if s is not CaseStatus.CLOSED]
    plan += [(CaseStatus.CLOSED, o) for o in CaseOutcome]
    while len(plan) < count:
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        plan.append((status, None))
    plan = [(s, o or (rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
                      if s is CaseStatus.CLOSED else None)) for s, o in plan[:count]]

    drafts = [_CaseDraft(context, rng, status, outcome, calendar) for status, outcome in plan]
    drafts.sort(key=lambda d: d.received_on)
    person_ids = [rng.choice(context.people[rng.choice(kinds)]) for _ in drafts]
    people = _people(session, set(person_ids))

    counters: dict[int, int] = {}
    cases, waits, events = [], [], []
    for draft, person_id in zip(drafts, person_ids, strict=True):
        year = draft.received_on.year
        counters[year] = counters.get(year, 0) + 1
        reference = f"MED-{year}-{counters[year]:05d}"
        code = rng.choices(motive_codes, [MOTIVE_WEIGHTS[c] for c in motive_codes])[0]
        motive = motives[code]
        summary, decision = SUMMARIES[code]
        weeks = rng.randint(3, 14)
        summary = summary.format(weeks=weeks)
        # Urgent: IJ unpaid for more than two months (DOMAIN.md), and now and then a person
        # left without any income whatever the motive.
        urgent = (motive.urgent_by_default and weeks > 8) or rng.random() < 0.03
        notified = (draft.received_on - timedelta(days=rng.randint(10, 50))
                    if decision else None)
        person = people[person_id]
        columns = context.entity_columns(rng)
        row = columns | draft.values | {
            "reference": reference, "provisional_reference": None,
            "received_on": draft.received_on,
            "channel": rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
            "person_id": person_id, "representative_name": "", "representative_capacity": "",
            "motive_id": motive.id, "contested_decision": decision,
            "decision_notified_on": notified, "prior_step_done": (
                draft.values["inadmissible_reason"] is not InadmissibleReason.NO_PRIOR_STEP),
            "court_action_pending": (
                draft.values["inadmissible_reason"] is InadmissibleReason.COURT_ACTION),
            "summary": summary, "urgent": urgent,
            "mediator_id": (rng.choice(team).id
                            if draft.status is not CaseStatus.RECEIVED else None),
            "site_id": site_id, "status": draft.status, "reopen_count": 0,
            "search_text": fold(f"{reference.replace('-', ' ')} {display_name(person)} "
                                f"{person.birth_name} {motive.label} {decision} {summary}"),
        }
        derived = SimpleNamespace(**row)
        deadlines.refresh(derived, draft.waits, policy, calendar)
        for name in deadlines.DERIVED_COLUMNS:
            row[name] = getattr(derived, name)
        cases.append(row)
        for wait in draft.waits:
            waits.append(context.entity_columns(rng) | {
                "case_id": row["id"], "waiting_on": wait.waiting_on, "party": wait.party,
                "started_on": wait.started_on, "follow_up_on": wait.follow_up_on,
                "ended_on": wait.ended_on})
        events += _timeline(context, rng, draft, row, team)
    for table, rows in ((MediationCase, cases), (MediationWait, waits),
                        (MediationEvent, events)):
        context.insert_rows(table, rows, len(rows), "Dossiers de médiation…")
    context.insert_rows(MediationCounter, [{"year": y, "last_number": n}
                                           for y, n in counters.items()],
                        len(counters), "Dossiers de médiation…")
    context.counts["mediation_cases"] = len(cases)
    open_cases = sum(row["is_open"] for row in cases)
    context.lines.append(f"{len(cases)} dossiers de médiation dont {open_cases} ouverts, "
                         f"dans tous les états ({len(events)} étapes et notes)")


def _people(session, ids: set) -> dict:
    found = {}
    id_list = list(ids)
    for start in range(0, len(id_list), 900):
        for person in session.scalars(select(Person).where(
                Person.id.in_(id_list[start:start + 900]))):
            found[person.id] = person
    return found


def _timeline(context, rng, draft: _CaseDraft, row: dict, team) -> list[dict]:
    author = row["mediator_id"] or rng.choice(team).id
    rows = []
    for day, title, text in draft.steps:
        rows.append(context.entity_columns(rng) | {
            "case_id": row["id"], "kind": CaseEventKind.STATUS, "occurred_at": _moment(day, rng),
            "author_id": author, "internal": False, "title": title,
            "text": text or (f"Canal : {CHANNEL_LABELS[row['channel']]}"
                             if title == "Demande reçue" else ""),
            "party": "", "answers_id": None, "document_id": None})
    # Notes fall after the request's arrival and before the reference day.
    received_at = rows[0]["occurred_at"]
    last_day = min(draft.steps[-1][0], context.today - timedelta(days=1))
    span = max((last_day - draft.received_on).days, 0)
    for _ in range(rng.randint(0, 4) if span else 0):  # none yet on a request of today
        kind, internal, text = rng.choice(NOTES)
        written = max(office_moment(draft.received_on + timedelta(days=rng.randint(0, span)),
                                    rng), received_at + timedelta(minutes=20))
        rows.append(context.entity_columns(rng) | {
            "case_id": row["id"], "kind": kind,
            "occurred_at": min(written, context.midnight - timedelta(minutes=1)),
            "author_id": author, "internal": internal,
            "title": EVENT_LABELS[kind],
            "text": text, "answers_id": None, "document_id": None,
            "party": "Service des prestations" if kind in (
                CaseEventKind.REQUEST, CaseEventKind.ANSWER) else ""})
    return rows
