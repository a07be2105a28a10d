"""The dashboard's figures on a small known month (October 2026), on both engines: every
figure exact, and the list behind each figure as long as the figure says."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db.agenda import appointments, booking
from db.agenda.models import AppointmentKind, AppointmentStatus, CancelledBy, Channel
from db.callbacks import requests
from db.callbacks.models import CallbackOutcome
from db.callbacks.requests import CallbackInput
from db.dashboard import drill as dashboard_drill
from db.dashboard import figures as dashboard_figures
from db.dashboard import mediation as dashboard_mediation
from db.dashboard import model as dashboard_model
from db.dashboard.model import Drill, Source
from db.errors import PermissionDenied
from db.mediation.models import CaseOutcome
from db.mediation.rules import Step
from db.org.models import Site, SiteKind
from db.pathways import kinds as pathways_kinds
from db.pathways import worklists
from db.pathways.extract_import import import_extract
from db.pathways.models import PathwayOutcome
from db.preparation import tasks
from db.preparation.models import PreparationOutcome, PreparationTask
from db.preparation.tasks import CallInput
from db.roles import Role
from db.unit import Unit
from tests.db.agenda_setup import make_agenda
from tests.db.test_mediation import acknowledge, advance, case_maker
from tests.db.test_pathway_import import PEOPLE, TODAY, extract

OCTOBER = date(2026, 10, 1)
PARIS = ZoneInfo("Europe/Paris")
# The dashboard is looked at on Friday 30 October 2026 at 17:00 in Paris.
NOW = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)
BOOKED_ON = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def paris(day: int, hour: int, month: int = 10) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), PARIS).astimezone(UTC)


@dataclass
class October:
    site_id: uuid.UUID
    empty_site_id: uuid.UUID


def october_activity(store, actors) -> October:
    """Seven appointments (two physical ones prepared), four call-backs, an ALD cohort of
    three and six mediation cases around October 2026 (expected figures: the tests below)."""
    setup = make_agenda(store, actors)
    adviser = setup.adviser

    def book(starts_at, **changes):
        with store.unit(adviser) as unit:
            return booking.book_appointment(unit, setup.request(starts_at, **changes),
                                            now=BOOKED_ON)

    def outcome(appointment_id, status, at):
        with store.unit(adviser) as unit:
            booking.record_outcome(unit, appointment_id, 1, status, now=at)

    def prepare(appointment_id, outcome: PreparationOutcome):
        with store.unit(adviser) as unit:
            task = unit.session.scalar(select(PreparationTask.id).where(
                PreparationTask.appointment_id == appointment_id))
            tasks.record_call(unit, task, 1,
                                    CallInput(True, outcome, "Droits vérifiés"), now=BOOKED_ON)

    phone = AppointmentKind.PHONE
    first = book(paris(12, 9), kind=phone, channel=Channel.PHONE_3646)
    outcome(first, AppointmentStatus.HONOURED, paris(12, 18))
    second = book(paris(12, 10))
    prepare(second, PreparationOutcome.MAINTAINED)
    outcome(second, AppointmentStatus.HONOURED, paris(12, 18))
    third = book(paris(12, 11))
    outcome(third, AppointmentStatus.NO_SHOW, paris(12, 18))
    fourth = book(paris(13, 9), kind=phone, channel=Channel.AMELI_ACCOUNT)
    fifth = book(paris(13, 10))
    sixth = book(paris(14, 9), kind=AppointmentKind.VIDEO, motive_id=setup.video_motive_id,
                 channel=Channel.AMELI_ACCOUNT)
    seventh = book(paris(15, 9))
    book(paris(30, 9, month=9))  # September and November: not counted
    book(paris(2, 9, month=11))
    with store.unit(adviser) as unit:
        booking.cancel_appointment(unit, fourth, 1, CancelledBy.PERSON,
                                   "Démarche faite en ligne", now=BOOKED_ON)
        booking.reschedule_appointment(unit, fifth, 1, paris(14, 10),
                                       now=BOOKED_ON)
    prepare(seventh, PreparationOutcome.CONCLUSIVE)  # the visit is resolved, spared
    assert sixth

    def callback(day, hour, closed_at=None, month=10):
        with store.session() as session:
            request = requests.take_callback(
                Unit(session, adviser), CallbackInput(site_id=setup.site_id,
                                                      person_id=setup.person_id),
                now=paris(day, hour, month))
            if closed_at is not None:
                requests.close_callback(Unit(session, adviser), request, 1, CallbackOutcome.SETTLED,
                                         now=closed_at)

    callback(6, 10, closed_at=paris(6, 15))  # within 24 h
    callback(7, 10, closed_at=paris(9, 10))  # after
    callback(14, 10)  # open, overdue on the 30th
    callback(30, 9)  # open, due on Monday 2 November
    callback(30, 9, month=9)  # September

    mediator = actors[Role.MEDIATOR]
    new_case = case_maker(store, actors)

    def received(day: date) -> uuid.UUID:
        return new_case(received_on=day, today=day, decision_notified_on=None).id

    def close(case_id, on: date, outcome: CaseOutcome) -> None:
        advance(store, mediator, case_id, Step.CLOSE, today=on, outcome=outcome)

    favourable = received(date(2026, 10, 5))  # closed in 15 days
    acknowledge(store, mediator, favourable, date(2026, 10, 6))
    advance(store, mediator, favourable, Step.DECLARE_ADMISSIBLE, today=date(2026, 10, 6))
    advance(store, mediator, favourable, Step.START_INSTRUCTION, today=date(2026, 10, 7))
    advance(store, mediator, favourable, Step.ISSUE_RECOMMENDATION, today=date(2026, 10, 19))
    close(favourable, date(2026, 10, 20), CaseOutcome.FAVOURABLE)
    withdrawn = received(date(2026, 10, 12))  # closed in 18 days
    acknowledge(store, mediator, withdrawn, date(2026, 10, 12))
    close(withdrawn, date(2026, 10, 30), CaseOutcome.WITHDRAWN)
    received(date(2026, 10, 26))  # open, 4 days old on the 30th
    received(date(2026, 10, 10))  # open, 20 days old
    received(date(2026, 8, 3))  # open since August, 88 days old
    september = received(date(2026, 9, 14))  # closed in October, in 25 days
    acknowledge(store, mediator, september, date(2026, 9, 15))
    close(september, date(2026, 10, 9), CaseOutcome.WITHDRAWN)

    # After the mediation cases: their requester is on the ALD extract too.
    with store.unit(adviser) as unit:
        import_extract(unit, "ald", extract(PEOPLE), today=TODAY)
        kind_id = pathways_kinds.kind_by_code(unit, "ald").id
        durand, *_others = worklists.search_worklist(unit, kind_id, OCTOBER)
        worklists.set_outcome(unit, durand, 1, PathwayOutcome.NOT_CONCERNED)

    with store.session() as session:
        empty = Site(name="Point conseil de Voiron", kind=SiteKind.LOCAL_POINT, city="Voiron")
        session.add(empty)
        session.flush()
        return October(setup.site_id, empty.id)


def figures_of(section: dashboard_model.Section) -> dict[str, int]:
    return {figure.label: figure.count for figure in section.figures}


def board(store, actor, month=OCTOBER, site_id=None) -> dashboard_model.Dashboard:
    with store.unit(actor) as unit:
        return dashboard_figures.dashboard(unit, month, site_id, now=NOW)


def test_every_figure_of_a_known_month(store, actors):
    october = october_activity(store, actors)
    result = board(store, actors[Role.MANAGER])
    assert result.month_label == "octobre 2026" and result.site_name == "Tous les sites"
    assert [s.key for s in result.sections] == [
        "appointments", "preparations", "callbacks", "pathways", "mediation"]

    appointments = result.section("appointments")
    assert figures_of(appointments) == {
        "Rendez-vous du mois": 7, "Honorés": 2, "Absents": 1, "Annulés": 1,
        "Réglés à la préparation": 1, "Sans issue (à venir ou à renseigner)": 2}
    assert appointments.figures[1].share == pytest.approx(2 / 7)
    by_kind, by_channel, by_site, _reminders = appointments.tables
    assert [(label, [c.count for c in cells]) for label, cells in by_kind.rows] == [
        ("Téléphonique", [2, 1, 0, 1]), ("Physique", [4, 1, 1, 0]), ("Visio", [1, 0, 0, 0])]
    assert [(label, cells[0].count) for label, cells in by_channel.rows] == [
        ("Compte ameli", 2), ("36 46", 1), ("Accueil", 4)]
    assert [(label, cells[0].count) for label, cells in by_site.rows] == [
        ("Agence de Grenoble", 7)]

    preparations = result.section("preparations")
    assert figures_of(preparations) == {"Préparations menées à terme": 2,
                                        "Conclusives (déplacement évité)": 1}
    assert preparations.figures[1].share == 0.5
    assert [(label, [c.count for c in cells]) for table in preparations.tables
            for label, cells in table.rows] == [
        ("Agence de Grenoble", [2, 1]), ("Camille Conseiller01", [2, 1])]

    assert figures_of(result.section("callbacks")) == {
        "Demandes de rappel reçues": 4, "Traitées sous 24 h": 1, "Traitées après 24 h": 1,
        "En attente, délai dépassé": 1, "En attente, dans le délai": 1}

    funnel = result.section("pathways").tables[0]
    assert funnel.columns == ("Affection de longue durée (ALD)", "Maternité", "Invalidité")
    assert [(label, [c.count for c in cells]) for label, cells in funnel.rows] == [
        ("Importés", [3, 0, 0]), ("Joints", [0, 0, 0]), ("RDV pris", [0, 0, 0]),
        ("RDV honorés", [0, 0, 0]), ("Refus", [0, 0, 0]), ("Injoignables", [0, 0, 0]),
        ("Non concernés", [1, 0, 0]), ("À traiter", [2, 0, 0])]

    mediation = result.section("mediation")
    assert figures_of(mediation) == {"Saisines reçues": 4, "Dossiers clôturés": 3,
                                     "Dossiers en cours au 30/10/2026": 3}
    ages, outcomes = mediation.charts
    assert [f.count for f in ages.bars] == [1, 1, 0, 1]
    assert {f.label: f.count for f in outcomes.bars if f.count} == {
        "Favorable": 1, "Désistement": 2}
    assert mediation.measures[0].text == "18\u00a0jours"
    assert result.activity == 7 + 2 + 4 + 3 + 4 + 3

    only_grenoble = board(store, actors[Role.MANAGER], site_id=october.site_id)
    assert figures_of(only_grenoble.section("appointments"))["Rendez-vous du mois"] == 7
    assert len(only_grenoble.section("appointments").tables) == 3  # no « par site »
    voiron = board(store, actors[Role.MANAGER], site_id=october.empty_site_id)
    assert voiron.site_name == "Point conseil de Voiron"
    assert figures_of(voiron.section("appointments"))["Rendez-vous du mois"] == 0
    assert figures_of(voiron.section("callbacks"))["Demandes de rappel reçues"] == 0


@pytest.mark.parametrize("site", ["all", "grenoble"])
def test_each_list_is_as_long_as_its_figure(store, actors, site):
    october = october_activity(store, actors)
    manager = actors[Role.MANAGER]
    site_id = october.site_id if site == "grenoble" else None
    result = board(store, manager, site_id=site_id)
    checked = 0
    mediator = actors[Role.MEDIATOR]
    with store.session() as session:
        for section in result.sections:
            reader = mediator if section.key == "mediation" else manager
            for figure in section.all_figures():
                ids = dashboard_drill.drill_ids(Unit(session, reader), figure.drill, now=NOW)
                assert len(ids) == figure.count, (section.key, figure.label, figure.drill)
                checked += 1
        no_show = next(f for f in result.section("appointments").figures
                       if f.label == "Absents")
        rows = appointments.appointment_rows(Unit(session, manager),
                                        dashboard_drill.drill_ids(Unit(session, manager),
                                                                  no_show.drill))
        assert [r.status for r in rows] == [AppointmentStatus.NO_SHOW]
        late = result.section("callbacks").figures[2]
        (line,) = dashboard_drill.callback_lines(
            Unit(session, manager), dashboard_drill.drill_ids(Unit(session, manager), late.drill,
                                                              now=NOW))
        assert line.outcome_label == "Rappelé, demande traitée"
        closed = result.section("mediation").figures[1]
        lines = dashboard_drill.case_lines(Unit(session, mediator),
                                           dashboard_drill.drill_ids(Unit(session, mediator),
                                                                     closed.drill, now=NOW))
        assert [(c.received_on, c.finished_on) for c in lines] == [
            (date(2026, 9, 14), date(2026, 10, 9)), (date(2026, 10, 5), date(2026, 10, 20)),
            (date(2026, 10, 12), date(2026, 10, 30))]
    assert checked > 60


def test_who_sees_what(store, actors):
    october_activity(store, actors)
    mediator_view = board(store, actors[Role.MEDIATOR])
    assert [s.key for s in mediator_view.sections] == ["mediation"]
    assert mediator_view.section("mediation").lists
    manager_view = board(store, actors[Role.MANAGER])
    assert not manager_view.section("mediation").lists  # figures, never the cases
    assert manager_view.section("appointments").lists
    closed = manager_view.section("mediation").figures[1]
    with store.session() as session, pytest.raises(PermissionDenied) as refused:
        dashboard_drill.drill_ids(Unit(session, actors[Role.MANAGER]), closed.drill)
    assert "réservées à l'équipe de médiation" in str(refused.value)
    assert board(store, actors[Role.ADMIN]).sections[0].key == "appointments"
    appointments = Drill(Source.APPOINTMENTS, OCTOBER, None)
    with store.session() as session:
        with pytest.raises(PermissionDenied):
            dashboard_drill.drill_ids(Unit(session, actors[Role.MEDIATOR]), appointments)
        for role in (Role.ADVISER, Role.PARTNER, Role.MEDIATION_ASSISTANT):
            with pytest.raises(PermissionDenied):
                dashboard_figures.dashboard(Unit(session, actors[role]), OCTOBER)


def test_a_month_with_no_activity(store, actors):
    october_activity(store, actors)
    june = board(store, actors[Role.MANAGER], month=date(2026, 6, 1))
    assert june.activity == 0
    # Open cases are counted at the end of June: the August case did not exist yet.
    assert figures_of(june.section("mediation"))["Dossiers en cours au 30/06/2026"] == 0
    assert june.section("mediation").measures[0].text == "—"


def test_month_bounds_follow_the_office_clock():
    starts, ends = dashboard_model.month_bounds(OCTOBER)
    assert starts == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)  # summer time
    assert ends == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # winter time
    assert dashboard_mediation.days_text(1.0) == "1\u00a0jour"
    assert dashboard_mediation.days_text(12.5) == "12,5\u00a0jours"
