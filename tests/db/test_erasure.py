"""Anonymising a person, on both engines: no trace of their NIR or names anywhere in the
database (the SQLite file read as bytes, every text column on PostgreSQL); the history stays;
refused while an appointment is to come or a mediation file is open."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, inspect, select, text

from db.agenda import booking
from db.agenda.models import Appointment
from db.callbacks import requests
from db.callbacks.requests import CallbackInput
from db.errors import ConflictError, PermissionDenied
from db.lifecycle import erasure, purge, retention
from db.mediation import intake as mediation_intake
from db.mediation.models import CaseOutcome, MediationCase
from db.mediation.rules import Step
from db.messages.models import Message, MessageStatus
from db.people.models import Person
from db.roles import Role
from db.validation import is_anonymised_nir, mask_nir
from tests.db.agenda_setup import make_agenda
from tests.db.test_dashboard import BOOKED_ON, paris
from tests.db.test_mediation import acknowledge, advance, case_maker, intake, motive_id

NIR = "2700371334050"
TRACES = ("lefèvre", "lefevre", "éloïse", "eloise", NIR, "698765432")


def person_of(store, case_id):
    with store.session() as session:
        return session.get(MediationCase, case_id).person_id


def eloise_with_history(store, actors):
    """Éloïse Lefèvre: a closed mediation file, two past appointments with notes, a
    call-back request, all naming her."""
    setup = make_agenda(store, actors)
    new_case = case_maker(store, actors)
    mediator = actors[Role.MEDIATOR]
    case = new_case(summary="Mme LEFÈVRE Éloïse (NIR 2 70 03 71 334 050 51, tél. 06 98 76 54 32)"
                            " attend ses IJ.", representative_name="Paul Lefèvre",
                    representative_capacity="époux")
    acknowledge(store, mediator, case.id, date(2026, 5, 9))
    advance(store, mediator, case.id, Step.CLOSE, today=date(2026, 5, 20),
            outcome=CaseOutcome.WITHDRAWN)
    person_id = person_of(store, case.id)
    adviser = setup.adviser
    with store.connection() as connection:  # she accepted e-mails: her messages are queued
        connection.execute(Person.__table__.update().where(Person.__table__.c.id == person_id)
                           .values(email="eloise.lefevre@exemple.fr", message_channel="email"))
    with store.unit(adviser) as unit:
        first = booking.book_appointment(unit, setup.request(paris(12, 9), person_id=person_id),
                                         now=BOOKED_ON)
        booking.book_appointment(unit, setup.request(paris(13, 9), person_id=person_id),
                                 now=BOOKED_ON)
        unit.session.execute(Appointment.__table__.update().where(
            Appointment.__table__.c.id == first).values(note="Éloïse Lefèvre viendra avec "
                                                              "son mari, rappeler au 0698765432"))
        requests.take_callback(unit, CallbackInput(
            site_id=setup.site_id, person_id=person_id, contact_phone="06 98 76 54 32",
            reason="Mme Lefevre veut parler de son dossier"), now=paris(14, 10))
    return setup, person_id


def traces_in_sqlite_file(store) -> list[str]:
    path = store.sqlite_path
    data = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                    if p.exists())
    folded = data.lower()
    return [t for t in TRACES if t.encode() in folded]


def traces_in_text_columns(store) -> list[str]:
    found = []
    with store.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for column in inspect(connection).get_columns(table):
                kind = str(column["type"]).upper()
                if not any(k in kind for k in ("CHAR", "TEXT", "JSON", "TSVECTOR")):
                    continue
                for trace in TRACES:
                    hit = connection.execute(text(
                        f'SELECT 1 FROM "{table}" WHERE lower("{column["name"]}"::text) '
                        "LIKE :trace LIMIT 1"), {"trace": f"%{trace}%"}).first()
                    if hit:
                        found.append(f"{table}.{column['name']}: {trace}")
    return found


def test_no_trace_of_the_person_is_left(store, actors):
    _setup, person_id = eloise_with_history(store, actors)
    admin = actors[Role.ADMIN]
    with store.unit(admin) as unit:
        shown = erasure.preview(unit, person_id)
    assert shown.refusal is None and shown.name == "LEFÈVRE Éloïse"
    assert any("NIR" in line for line in shown.changes)
    with store.unit(admin) as unit:
        erasure.anonymise(unit, person_id, shown.version)
    erasure.wipe_traces(store)
    store.dispose()
    if store.is_sqlite:
        assert traces_in_sqlite_file(store) == []
    else:
        assert traces_in_text_columns(store) == []
    with store.session() as session:  # the history stays, for the figures
        messages = list(session.scalars(select(Message).where(Message.person_id == person_id)))
        assert messages and all(m.recipient == "" for m in messages)
        assert all(m.status is not MessageStatus.PENDING for m in messages)
        person = session.get(Person, person_id)
        assert person.last_name == erasure.ANONYMOUS and is_anonymised_nir(person.nir)
        assert mask_nir(person.nir) == "" and person.birth_date is None
        assert len(list(session.scalars(select(Appointment).where(
            Appointment.person_id == person_id)))) == 2
        case = session.scalar(select(MediationCase).where(MediationCase.person_id == person_id))
        assert case.outcome is CaseOutcome.WITHDRAWN
        assert "[anonymisé]" in case.summary and "attend ses IJ" in case.summary


def test_refused_while_an_appointment_is_to_come_or_a_file_is_open(store, actors):
    setup, person_id = eloise_with_history(store, actors)
    admin = actors[Role.ADMIN]
    with store.unit(setup.adviser) as unit:
        coming = booking.book_appointment(unit, setup.request(
            datetime(2027, 1, 11, 9, 0, tzinfo=UTC), person_id=person_id),
            now=datetime(2026, 12, 1, tzinfo=UTC))
    now = datetime(2026, 12, 10, tzinfo=UTC)
    with store.unit(admin) as unit:
        shown = erasure.preview(unit, person_id, now=now)
    assert "a un rendez-vous à venir, le lundi 11/01/2027 à 10:00\u00a0: annulez" in shown.refusal
    with store.unit(admin) as unit, pytest.raises(ConflictError, match="rendez-vous à venir"):
        erasure.anonymise(unit, person_id, shown.version, now=now)
    with store.unit(setup.adviser) as unit:
        booking.cancel_appointment(unit, coming, 1, booking.CancelledBy.PERSON, "Plus besoin",
                                   now=now)
    with store.unit(actors[Role.MEDIATOR]) as unit:  # a new request, open
        mediation_intake.create_case(unit, intake(person_id, motive_id(
            store, actors[Role.MEDIATOR], "ij_unpaid")), today=date(2026, 12, 1))
    with store.unit(admin) as unit:
        assert "dossier de médiation en cours" in erasure.preview(unit, person_id,
                                                                  now=now).refusal
    with store.session() as session:
        assert session.get(Person, person_id).last_name == "Lefèvre"  # nothing written


def test_only_an_administrator_anonymises(store, actors):
    _setup, person_id = eloise_with_history(store, actors)
    with store.unit(actors[Role.MANAGER]) as unit, pytest.raises(PermissionDenied):
        erasure.preview(unit, person_id)


@pytest.fixture
def server_admin(store, actors):
    """On the server: an administrator's own login role, signed in (dropped afterwards)."""
    import uuid

    from db.org import account_admin, signin
    from db.org.account_admin import AccountInput

    if store.is_sqlite:
        pytest.skip("the login roles are the server's")
    login, password = f"adm{uuid.uuid4().hex[:10]}", "un mot de passe assez long 42"
    with store.unit(None) as unit:
        account_admin.create_account(unit, AccountInput(login, "Claude", "Admin", Role.ADMIN),
                                     password)
    person, signed = signin.sign_in(store, login, password)
    yield person, signed.actor
    person.dispose()
    with store.engine.begin() as connection:
        connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')


def test_on_the_server_an_administrators_own_role_anonymises(store, actors, server_admin):
    """Row-level security hides the mediation files from administrators: the check of an
    open file and the scrubbing of the closed ones go through the functions of 0013."""
    _setup, person_id = eloise_with_history(store, actors)
    person, admin = server_admin
    with person.unit(admin) as unit:
        assert unit.session.scalar(select(func.count()).select_from(MediationCase)) == 0
        shown = erasure.preview(unit, person_id)
        assert shown.refusal is None
        erasure.anonymise(unit, person_id, shown.version)
    with person.unit(admin) as unit:  # durations are theirs to set too
        record = retention.get_retention(unit)
        retention.save_retention(unit, retention.Retention(mediation_months=60),
                                 record.version)
        assert purge.plan(unit).count("cases") == 0  # the files are not theirs to count
        with pytest.raises(PermissionDenied, match="tâche de nuit"):
            purge.purge(unit)
    assert traces_in_text_columns(store) == []
