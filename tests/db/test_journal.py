"""The journal of the audit trail: filters, pages, who reads what, the French CSV export.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from db.agenda import booking
from db.agenda.models import CancelledBy
from db.callbacks import requests as callback_requests
from db.callbacks.requests import CallbackInput
from db.errors import PermissionDenied, ValidationError
from db.journal import export as journal_export
from db.journal import trail
from db.journal.trail import SYSTEM, JournalFilter
from db.mediation import reading as mediation_reading
from db.people import records as people_records
from db.people.models import MessageChannel
from db.roles import Role
from db.unit.audit import AuditEvent
from tests.db.agenda_setup import make_agenda
from tests.db.messages_setup import consent
from tests.db.test_mediation import case_maker

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def today() -> date:
    return datetime.now(PARIS).date()


def page(store, actor, filters: JournalFilter | None = None, **options):
    with store.unit(actor) as unit:
        return trail.read_page(unit, filters or JournalFilter.last_days(today()), **options)


def lines(store, actor, filters: JournalFilter | None = None) -> list[tuple[str, ...]]:
    """(account, action, kind, record, details) of every entry, newest first."""
    return [(e.actor_name, e.action_label, e.entity_label, e.subject, e.summary)
            for e in page(store, actor, filters).entries]


def add_events(store, *events: dict) -> None:
    """Audit rows as a system job or another Guichet would have left them."""
    with store.session() as session:
        for values in events:
            session.add(AuditEvent(**{"id": uuid.uuid4(), "details": {}, **values}))


@pytest.fixture
def agenda(store, actors):
    return make_agenda(store, actors)


def book(store, agenda, person_id=None) -> uuid.UUID:
    request = agenda.request(agenda.at(date(2026, 3, 16), 9, 30),
                             person_id=person_id or agenda.person_id)
    with store.unit(agenda.adviser) as unit:
        return booking.book_appointment(unit, request, now=NOW)


def test_an_administrator_reads_who_did_what_to_which_record_in_words(store, actors, agenda):
    admin, adviser = actors[Role.ADMIN], actors[Role.ADVISER]
    appointment_id = book(store, agenda)
    with store.unit(adviser) as unit:
        people_records.get_person(unit, agenda.person_id)
        booking.cancel_appointment(unit, appointment_id, 1, CancelledBy.PERSON,
                                   "Empêchement", now=NOW)
    found = lines(store, admin)
    adviser_name = adviser.display_name
    assert found[:4] == [
        (adviser_name, "Annulation", "Préparation", "DUPONT Marie, 16/03/2026 09:30", ""),
        (adviser_name, "Annulation", "Rendez-vous", "DUPONT Marie, 16/03/2026 09:30",
         "Annulé par\u00a0: la personne"),
        (adviser_name, "Lecture du NIR en clair", "Personne", "DUPONT Marie", ""),
        # The appointment prepared is the line's record: not said again in the details.
        (adviser_name, "Création", "Préparation", "DUPONT Marie, 16/03/2026 09:30", ""),
    ]
    assert found[4] == (
        adviser_name, "Prise de rendez-vous", "Rendez-vous", "DUPONT Marie, 16/03/2026 09:30",
        "Type\u00a0: Physique · Canal\u00a0: Accueil · Personne\u00a0: DUPONT Marie · "
        f"Conseiller\u00a0: {adviser_name} · Lieu\u00a0: Agence de Grenoble · "
        "Motif\u00a0: Indemnités journalières")
    assert (admin.display_name, "Création", "Motif de rendez-vous",
            "Indemnités journalières", "") in found
    # No id is shown raw, and never a NIR.
    shown = repr(found)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", shown)
    assert "451 089" not in shown and "2841276" not in shown
    when = page(store, admin).entries[0].when
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", when)


def test_an_edit_names_the_fields_changed_and_not_the_derived_ones(store, actors, agenda):
    adviser = actors[Role.ADVISER]
    with store.unit(adviser) as unit:
        record = people_records.get_person(unit, agenda.person_id)
        record.data.last_name, record.data.city = "Durand", "Voiron"
        people_records.update_person(unit, agenda.person_id, record.version, record.data)
    newest = page(store, actors[Role.ADMIN]).entries[0]
    assert (newest.action_label, newest.subject, newest.summary) == (
        "Modification", "DURAND Marie", "Champs\u00a0: commune, nom")


def test_filters_by_account_system_kind_and_person(store, actors, agenda):
    admin, adviser = actors[Role.ADMIN], actors[Role.ADVISER]
    appointment_id = book(store, agenda)
    with store.unit(adviser) as unit:
        people_records.get_person(unit, agenda.bare_person_id)
        callback_requests.take_callback(unit, CallbackInput(
            site_id=agenda.site_id, person_id=agenda.person_id, reason="Attestation"),
            now=NOW)
    add_events(store, {"occurred_at": datetime.now(UTC), "actor_id": None,
                       "action": "import", "entity_type": "pathway_import",
                       "entity_id": uuid.uuid4()})
    week = JournalFilter.last_days(today())

    by_adviser = page(store, admin, JournalFilter(week.since, week.until, actor=adviser.id))
    assert by_adviser.entries and {e.actor_id for e in by_adviser.entries} == {adviser.id}
    by_system = page(store, admin, JournalFilter(week.since, week.until, actor=SYSTEM))
    assert [(e.actor_name, e.action_label, e.entity_label) for e in by_system.entries] == [
        ("système", "Import", "Import de parcours")]

    appointments = page(store, admin, JournalFilter(
        week.since, week.until, entity_types=frozenset({"appointment"})))
    assert [(e.action, e.entity_id) for e in appointments.entries] == [("book", appointment_id)]

    about_dupont = lines(store, admin, JournalFilter(week.since, week.until,
                                                     person_id=agenda.person_id))
    assert [(action, kind) for _, action, kind, _, _ in about_dupont] == [
        ("Création", "Demande de rappel"), ("Création", "Préparation"),
        ("Prise de rendez-vous", "Rendez-vous"), ("Création", "Personne")]
    about_martin = lines(store, admin, JournalFilter(week.since, week.until,
                                                     person_id=agenda.bare_person_id))
    assert [(action, subject) for _, action, _, subject, _ in about_martin] == [
        ("Lecture du NIR en clair", "MARTIN Luc"), ("Création", "MARTIN Luc")]


def test_the_period_is_in_whole_days_on_the_readers_clock(store, actors):
    admin = actors[Role.ADMIN]
    paris_midnight = datetime(2026, 3, 10, 0, 0, tzinfo=PARIS)
    add_events(store, *({"occurred_at": moment, "actor_id": None, "action": "update",
                         "entity_type": "site", "entity_id": uuid.uuid4()}
                        for moment in (paris_midnight - timedelta(seconds=1), paris_midnight,
                                       paris_midnight + timedelta(days=2, hours=23))))
    shown = page(store, admin, JournalFilter(date(2026, 3, 10), date(2026, 3, 12))).entries
    assert [e.when for e in shown] == ["12/03/2026 23:00", "10/03/2026 00:00"]
    assert page(store, admin, JournalFilter(date(2026, 3, 9), date(2026, 3, 9))).entries[0] \
        .when == "09/03/2026 23:59"
    with pytest.raises(ValidationError, match="précède"):
        page(store, admin, JournalFilter(date(2026, 3, 12), date(2026, 3, 10)))


def test_pages_follow_each_other_without_gap_or_repeat(store, actors):
    admin = actors[Role.ADMIN]
    moment = datetime.now(UTC) - timedelta(hours=1)
    # Bulk writes share one moment: the id breaks the tie.
    add_events(store, *({"occurred_at": moment + timedelta(seconds=number // 7),
                         "actor_id": None, "action": "create", "entity_type": "person",
                         "entity_id": uuid.uuid4()} for number in range(450)))
    seen, after, sizes = [], None, []
    while True:
        shown = page(store, admin, after=after, limit=200)
        sizes.append(len(shown.entries))
        seen += [(e.occurred_at, e.id) for e in shown.entries]
        if shown.next is None:
            break
        after = shown.next
    assert sizes == [200, 200, 50]
    assert len(set(seen)) == 450
    assert seen == sorted(seen, reverse=True)


def test_mediation_entries_go_to_the_mediation_team_only(store, actors):
    admin, mediator = actors[Role.ADMIN], actors[Role.MEDIATOR]
    created = case_maker(store, actors)()
    with store.unit(mediator) as unit:
        mediation_reading.open_case(unit, created.id)
    week = JournalFilter.last_days(today())

    admin_sees = page(store, admin).entries
    assert admin_sees and not [e for e in admin_sees if e.entity_type.startswith("mediation")]
    asked = JournalFilter(week.since, week.until, entity_types=frozenset({"mediation_case"}))
    assert page(store, admin, asked).entries == []

    mediator_sees = page(store, mediator).entries
    assert {e.entity_type for e in mediator_sees} <= {"mediation_case", "mediation_wait",
                                                       "mediation_event", "mediation_document"}
    assert (mediator.display_name, "Consultation", "Dossier de médiation",
            created.reference) in [(e.actor_name, e.action_label, e.entity_label, e.subject)
                                   for e in mediator_sees]
    about_person = page(store, mediator, JournalFilter(
        week.since, week.until, person_id=_person_of(store, created.id))).entries
    assert {e.action for e in about_person} == {"open", "create"}

    with store.unit(admin) as unit:
        assert all(not kind.startswith("mediation") for kind, _ in trail.readable_kinds(unit))
    with store.unit(mediator) as unit:
        kinds = trail.readable_kinds(unit)
    assert ("mediation_case", "Dossier de médiation") in kinds
    assert all(kind.startswith("mediation") for kind, _ in kinds)


def _person_of(store, case_id):
    from db.mediation.models import MediationCase

    with store.session() as session:
        return session.get(MediationCase, case_id).person_id


@pytest.mark.parametrize("role", [Role.ADVISER, Role.MANAGER, Role.PARTNER,
                                  Role.MEDIATION_ASSISTANT, None])
def test_other_roles_and_system_jobs_cannot_read_the_journal(store, actors, role):
    with pytest.raises(PermissionDenied), store.unit(actors.get(role)) as unit:
        trail.read_page(unit, JournalFilter.last_days(today()))


def test_the_export_is_a_french_csv_of_the_filtered_entries(store, actors, agenda):
    admin, adviser = actors[Role.ADMIN], actors[Role.ADVISER]
    book(store, agenda)
    week = JournalFilter.last_days(today())
    filters = JournalFilter(week.since, week.until, actor=adviser.id)
    with store.unit(admin) as unit:
        data = journal_export.export_csv(unit, filters)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date et heure", "Compte", "Action", "Type d'enregistrement",
                       "Enregistrement", "Détails"]
    assert [row[1:4] for row in rows[1:]] == [
        [adviser.display_name, "Création", "Préparation"],
        [adviser.display_name, "Prise de rendez-vous", "Rendez-vous"],
        [adviser.display_name, "Création", "Personne"],
        [adviser.display_name, "Création", "Personne"]]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row[0]) for row in rows[1:])
    assert rows[2][5].startswith("Type\u00a0: Physique · Canal\u00a0: Accueil")
    with pytest.raises(ValidationError, match="Plus de 3 entrées"), store.unit(admin) as unit:
        journal_export.export_csv(unit, filters, limit=3)


def test_a_message_withdrawn_from_the_queue_reads_as_such(store, actors, agenda):
    """« withdraw » on a message is not the waiting list's « Retrait de la liste d'attente »."""
    consent(store, agenda.adviser, agenda.person_id, MessageChannel.EMAIL)
    appointment_id = book(store, agenda)  # its confirmation waits in the queue
    with store.unit(agenda.adviser) as unit:
        booking.cancel_appointment(unit, appointment_id, 1, CancelledBy.PERSON,
                                   "Empêchement", now=NOW)
    found = [(e.action, e.action_label, e.entity_label)
             for e in page(store, actors[Role.ADMIN]).entries if e.entity_type == "message"]
    assert found == [("withdraw", "Message retiré de la file d'envoi", "Message à une personne"),
                     ("queue", "Message mis en file", "Message à une personne")]
