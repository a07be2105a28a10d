"""The offline laptop against a real server (issue 13): a permanence's replica built under the
account's own role, edits journaled offline, pushed and pulled, merged field by field, and
every disagreement kept as a conflict with both versions — never settled by a clock.

The server is the demo office of ``tests.db.office_setup`` (a database owned by a
non-superuser, each account its own login role); each test builds its own replica.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import and_, func, select, text

from db import validation
from db.org.passwords import DEMO_PASSWORD
from db.replica.cipher import ReplicaCipher, new_key
from db.replica.models import replica_op
from db.store import Store
from db.sync import laptop
from db.sync.tables import Scope, check_tables_cover_the_schema, table
from db.validation import ANONYMISED_NIR_PREFIX
from tests.db.office_setup import connect

pytestmark = pytest.mark.postgres


def office_as(office, login: str) -> Store:
    return Store(office.set(username=login, password=DEMO_PASSWORD))


def busiest_site(office, login: str = "conseiller01") -> str:
    """The name of the site with the most appointments in the next four weeks."""
    with connect(office) as owner:
        return owner.execute(
            "SELECT s.name FROM appointment a JOIN site s ON s.id = a.site_id "
            "WHERE a.starts_at >= now() AND a.starts_at < now() + interval '4 weeks' "
            "AND a.deleted_at IS NULL GROUP BY s.name ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]


@pytest.fixture
def permanence(office, tmp_path):
    """(replica, server as the adviser) for conseiller01's permanence at the busiest site."""
    server = office_as(office, "conseiller01")
    replica = laptop.build(server, "conseiller01", DEMO_PASSWORD, tmp_path / "p.guichet",
                           ReplicaCipher.from_key(new_key()),
                           site_names=[busiest_site(office)])
    yield replica, server
    replica.dispose()
    server.dispose()


def count(store: Store, name: str, condition=None) -> int:
    statement = select(func.count()).select_from(table(name))
    if condition is not None:
        statement = statement.where(condition)
    with store.engine.connect() as connection:
        return connection.execute(statement).scalar_one()


def one_person(replica: Store) -> uuid.UUID:
    person = table("person")
    with replica.engine.connect() as connection:
        return connection.execute(select(person.c.id).where(person.c.deleted_at.is_(None))
                                  .order_by(person.c.id)).scalars().first()


def actor(replica: Store, login: str = "conseiller01"):
    from db.org import accounts

    return accounts.sign_in(replica, login, DEMO_PASSWORD).actor


def edit_phone(store: Store, who, person_id: uuid.UUID, phone: str) -> None:
    """What the record's form does: the person as shown, the phone changed, saved on the
    version shown."""
    from dataclasses import replace

    from db.people import records

    with store.unit(who) as unit:
        shown = records.get_person(unit, person_id)
        records.update_person(unit, person_id, shown.version, replace(shown.data, phone=phone))


def test_every_table_is_synced_or_left_out_on_purpose():
    assert check_tables_cover_the_schema() == []


def test_a_permanence_holds_its_site_s_agenda_and_people_and_the_account_signs_in_offline(
        office, permanence):
    replica, _server = permanence
    assert replica.is_replica and replica.sqlite_path.read_bytes()[:16] != b"SQLite format 3\0"
    assert count(replica, "appointment") > 0 and count(replica, "person") > 0
    assert count(replica, "mediation_case") == 0  # an adviser reads none on the server
    # Every appointment of the site in the four weeks, as the server has them (others come
    # only as what a kept row refers to: the pathway line's appointment elsewhere…).
    query = ("SELECT count(*) FROM appointment a JOIN site s ON s.id = a.site_id "
             "WHERE s.name = :site AND a.starts_at >= :start AND a.starts_at < :end")
    scope = laptop.state(replica)["scope"]
    period = {"site": busiest_site(office), "start": scope["first_day"],
              "end": (datetime.fromisoformat(scope["last_day"]) + timedelta(days=1)).date()}
    with connect(office) as owner, replica.engine.connect() as connection:
        on_server = owner.execute(query.replace(":site", "%(site)s").replace(
            ":start", "%(start)s").replace(":end", "%(end)s"), period).fetchone()[0]
        on_laptop = connection.execute(text(query), {
            **period, "start": period["start"], "end": period["end"].isoformat()}).scalar_one()
    assert on_laptop == on_server > 0
    assert actor(replica).login == "conseiller01"  # the password typed when it was built
    assert "1 modification" not in laptop.describe(replica)
    assert "0 modification à envoyer · 0 conflit à résoudre" in laptop.describe(replica)


def test_an_offline_edit_is_journaled_with_its_base_then_reaches_the_server(permanence):
    replica, server = permanence
    person_id = one_person(replica)
    edit_phone(replica, actor(replica), person_id, "06 98 76 54 32")
    with replica.engine.connect() as connection:
        operation = connection.execute(select(replica_op).where(
            replica_op.c.table_name == "person")).mappings().one()
    assert operation["kind"] == "update" and operation["fields"]["phone"][1] == "+33698765432"
    assert "phone_digits" not in operation["fields"]  # derived: recomputed on the server
    report = laptop.sync(replica, server)
    assert (report.pushed, report.conflicts) >= (1, 0) and report.conflicts == 0
    with server.engine.connect() as connection:
        row = connection.execute(text("SELECT phone, phone_digits FROM person WHERE id = :id"),
                                 {"id": person_id}).one()
    assert row.phone == "+33698765432" and row.phone_digits == validation.phone_digits(row.phone)
    assert laptop.pending_operations(replica) == 0


def test_edits_of_different_fields_merge_and_the_same_field_becomes_a_conflict(
        office, permanence):
    replica, server = permanence
    person_id = one_person(replica)
    with connect(office, "conseiller02") as colleague:  # at the office, meanwhile
        colleague.execute("UPDATE person SET city = 'Voiron', phone = '+33476000001', "
                          "version = version + 1 WHERE id = %s", (person_id,))
    edit_phone(replica, actor(replica), person_id, "06 11 22 33 44")
    report = laptop.sync(replica, server)
    assert report.conflicts == 1
    [conflict] = laptop.conflicts(replica)
    assert conflict["kind"] == "field" and conflict["fields"]["phone"] == {
        "base": conflict["fields"]["phone"]["base"], "laptop": "+33611223344",
        "server": "+33476000001"}
    person = table("person")
    with replica.engine.connect() as connection:  # what others see is the server's version
        assert connection.execute(select(person.c.phone, person.c.city).where(
            person.c.id == person_id)).one() == ("+33476000001", "Voiron")


def test_a_field_the_server_did_not_change_takes_the_laptop_s_value(office, permanence):
    replica, server = permanence
    person_id = one_person(replica)
    with connect(office, "conseiller02") as colleague:
        colleague.execute("UPDATE person SET city = 'Vienne', version = version + 1 "
                          "WHERE id = %s", (person_id,))
    edit_phone(replica, actor(replica), person_id, "06 55 44 33 22")
    assert laptop.sync(replica, server).conflicts == 0
    with connect(office) as owner:
        assert owner.execute("SELECT phone, city FROM person WHERE id = %s",
                             (person_id,)).fetchone() == ("+33655443322", "Vienne")


def test_a_push_retried_after_a_cut_applies_nothing_twice(office, permanence):
    """The server decided and committed, the laptop was cut before writing it down: the
    retry finds the outcomes by operation id."""
    from db.sync import server as server_side

    replica, server = permanence
    person_id = one_person(replica)
    edit_phone(replica, actor(replica), person_id, "06 01 02 03 04")
    with replica.engine.connect() as connection:
        pending = [dict(row) for row in connection.execute(select(replica_op)).mappings()]
    with server.engine.begin() as remote:  # the first push, cut before the laptop heard
        for operation in pending:
            server_side.apply_operation(remote, operation)
    with connect(office) as owner:
        version = owner.execute("SELECT version FROM person WHERE id = %s",
                                (person_id,)).fetchone()[0]
    laptop.sync(replica, server)
    with connect(office) as owner:
        assert owner.execute("SELECT version FROM person WHERE id = %s",
                             (person_id,)).fetchone()[0] == version
    assert laptop.pending_operations(replica) == 0 and laptop.open_conflicts(replica) == 0


def test_a_transaction_committing_after_a_pull_is_pulled_the_next_time(office, permanence):
    replica, server = permanence
    person_id = one_person(replica)
    late = connect(office, "conseiller02")
    late.autocommit = False
    late.execute("UPDATE person SET city = 'Grenoble-Tardif', version = version + 1 "
                 "WHERE id = %s", (person_id,))  # begun before the pull, committed after
    laptop.pull(replica, server)
    late.commit()
    late.close()
    person = table("person")
    laptop.pull(replica, server)
    with replica.engine.connect() as connection:
        assert connection.execute(select(person.c.city).where(
            person.c.id == person_id)).scalar_one() == "Grenoble-Tardif"


def test_a_long_transaction_elsewhere_delays_nothing(office, permanence):
    """A backup's snapshot, or any transaction left open, holds the server's xmin back: the
    pull still takes what committed meanwhile, and later what that transaction writes."""
    replica, server = permanence
    person_id = one_person(replica)
    long = connect(office)
    long.autocommit = False
    long.execute("SELECT pg_current_xact_id()")  # an id taken, nothing committed
    with connect(office, "conseiller02") as colleague:
        colleague.execute("UPDATE person SET city = 'Saint-Marcellin', version = version + 1 "
                          "WHERE id = %s", (person_id,))
    person = table("person")
    try:
        laptop.pull(replica, server)
        with replica.engine.connect() as connection:
            assert connection.execute(select(person.c.city).where(
                person.c.id == person_id)).scalar_one() == "Saint-Marcellin"
        long.execute("UPDATE person SET city = 'Vinay', version = version + 1 "
                     "WHERE id = %s", (person_id,))
        long.commit()
    finally:
        long.close()
    assert laptop.pull(replica, server) >= 1  # pulled once, not twice over the same rows
    with replica.engine.connect() as connection:
        assert connection.execute(select(person.c.city).where(
            person.c.id == person_id)).scalar_one() == "Vinay"


def test_a_password_changed_at_the_office_is_the_laptop_s_after_the_next_sync(permanence):
    replica, _server = permanence
    laptop.remember_password(replica, "conseiller01", "un tout nouveau mot de passe")
    from db.org import accounts

    assert accounts.sign_in(replica, "conseiller01", "un tout nouveau mot de passe")


def test_bulk_work_and_new_numbers_are_refused_offline(permanence):
    from db.errors import OfficeOnly
    from db.unit import rows

    replica, _server = permanence
    with pytest.raises(OfficeOnly), replica.unit(actor(replica)) as unit:
        rows.purge_where(unit, table("audit_event"), text("1 = 0"))


def test_a_partner_s_permanence_holds_no_nir_and_no_mediation_row(office, tmp_path):
    server = office_as(office, "partenaire01")
    with connect(office) as owner:  # one appointment there for a person with a NIR
        sector, site_id = owner.execute(
            "SELECT s.sector, s.id FROM staff p JOIN site s ON s.id = p.site_id "
            "WHERE p.login = 'partenaire01'").fetchone()
        columns = [c.name for c in table("appointment").c
                   if c.name not in ("id", "site_id", "starts_at", "ends_at", "person_id")]
        owner.execute(
            f"INSERT INTO appointment (id, site_id, starts_at, ends_at, person_id, "
            f"{', '.join(columns)}) SELECT gen_random_uuid(), %s, "
            "date_trunc('day', now()) + interval '1 day 3 hours', "
            "date_trunc('day', now()) + interval '1 day 3 hours 30 minutes', "
            f"(SELECT id FROM person WHERE nir IS NOT NULL LIMIT 1), {', '.join(columns)} "
            "FROM appointment WHERE workshop_session_id IS NULL LIMIT 1", (site_id,))
    replica = laptop.build(server, "partenaire01", DEMO_PASSWORD, tmp_path / "fs.guichet",
                           ReplicaCipher.from_key(new_key()), sector=sector)
    try:
        person = table("person")
        assert count(replica, "person") > 0
        # Each kept as an anonymised one (a beneficiary's row has a NIR), none a real one.
        assert count(replica, "person", and_(
            person.c.nir.is_not(None), ~person.c.nir.startswith(ANONYMISED_NIR_PREFIX))) == 0
        assert all(count(replica, name) == 0 for name in (
            "mediation_case", "mediation_event", "mediation_document", "mediation_wait"))
    finally:
        replica.dispose()
        server.dispose()


def test_an_offline_booking_taken_at_the_office_meanwhile_becomes_a_conflict(
        office, permanence):
    """Both sides book the same adviser at the same time: the server's exclusion constraint
    refuses the laptop's, which leaves the laptop's agenda and waits in the conflicts."""
    from db.agenda.models import Appointment
    from db.unit import rows

    replica, server = permanence
    appointment = table("appointment")
    with replica.engine.connect() as connection:
        model = connection.execute(select(appointment).where(  # one of the permanence's
            appointment.c.status == "booked", appointment.c.deleted_at.is_(None),
            appointment.c.workshop_session_id.is_(None),
            appointment.c.site_id.in_(Scope.from_state(laptop.state(replica)["scope"]).site_ids),
            appointment.c.starts_at >= datetime.now(UTC))
            .order_by(appointment.c.starts_at)).mappings().first()
    # The night after it, when nobody is booked: the office takes the slot first.
    night = datetime.combine(model["starts_at"].date() + timedelta(days=1),
                             datetime.min.time(), model["starts_at"].tzinfo) + timedelta(hours=3)
    slot = {"starts_at": night, "ends_at": night + timedelta(minutes=30)}
    columns = [c.name for c in appointment.c if c.name not in ("id", "starts_at", "ends_at")]
    with connect(office) as owner:
        owner.execute(
            f"INSERT INTO appointment (id, starts_at, ends_at, {', '.join(columns)}) "
            f"SELECT gen_random_uuid(), %s, %s, {', '.join(columns)} FROM appointment "
            "WHERE id = %s", (slot["starts_at"], slot["ends_at"], model["id"]))
    with replica.unit(actor(replica)) as unit:  # the laptop has not heard of it
        fresh = {key: value for key, value in model.items()
                 if key not in ("id", "created_at", "updated_at", "version", "deleted_at")}
        rows.create(unit, Appointment(**{**fresh, **slot, "status": model["status"]}))
    report = laptop.sync(replica, server)
    assert report.conflicts == 1
    [conflict] = laptop.conflicts(replica)
    assert conflict["kind"] == "refused" and "créneau" in conflict["reason"]
    assert conflict["fields"]["starts_at"]["laptop"].startswith(night.date().isoformat())
    with replica.engine.connect() as connection:  # the server's booking is the one shown
        live = connection.execute(select(func.count()).where(
            appointment.c.starts_at == night, appointment.c.adviser_id == model["adviser_id"],
            appointment.c.deleted_at.is_(None))).scalar_one()
    assert live == 1


def test_a_row_referring_to_one_further_on_in_its_table_is_written(permanence):
    """The server sends a table's rows in its own order: an appointment moved may come
    before the one it was moved from (the build of conseiller02's permanence at the Agence
    de Grenoble failed on the replica's foreign key)."""
    from db.sync import copy

    replica, _server = permanence
    appointment = table("appointment")
    with replica.engine.connect() as connection:
        model = dict(connection.execute(select(appointment).where(
            appointment.c.workshop_session_id.is_(None))).mappings().first())
    first, moved = uuid.uuid4(), uuid.uuid4()
    rows = {moved: {**model, "id": moved, "status": "rescheduled", "rescheduled_from_id": first,
                    "ical_uid": f"{first}@guichet"},
            first: {**model, "id": first, "status": "rescheduled", "rescheduled_from_id": None,
                    "ical_uid": f"{first}@guichet"}}
    with replica.engine.begin() as local:
        assert copy.write(local, {"appointment": rows}) == 2
    assert count(replica, "appointment", appointment.c.id.in_([first, moved])) == 2


def test_a_slot_freed_and_booked_again_at_the_office_is_pulled_in_any_order(permanence):
    """The office cancelled an appointment and booked its slot again: whichever of the two
    rows the pull writes first, the replica's overlap check does not refuse them (the
    server refused every overlap already)."""
    from db.sync import copy

    replica, _server = permanence
    appointment, busy = table("appointment"), table("adviser_busy")
    with replica.engine.connect() as connection:
        freed = dict(connection.execute(select(appointment).where(
            appointment.c.status == "booked", appointment.c.deleted_at.is_(None),
            appointment.c.workshop_session_id.is_(None))).mappings().first())
    again = uuid.uuid4()
    rows = {again: {**freed, "id": again, "ical_uid": f"{again}@guichet", "version": 1},
            freed["id"]: {**freed, "status": "cancelled", "cancelled_by": "service",
                          "cancel_reason": "Absence du conseiller.",
                          "version": freed["version"] + 1}}
    with replica.engine.begin() as local:
        assert copy.write(local, {"appointment": rows}) == 2
    with replica.engine.connect() as connection:
        assert set(connection.execute(select(busy.c.owner_id).where(
            busy.c.owner_id.in_([again, freed["id"]]))).scalars()) == {again}


@contextmanager
def at_the_office_as(office, login: str):
    """A unit of work on the server as ``login`` (its own role), through the services."""
    from db.org import signin

    store = office_as(office, login)
    try:
        with store.unit(signin.sign_in_as_connected(store).actor) as unit:
            yield unit
    finally:
        store.dispose()


def _seats(office, session_id) -> tuple[int, int, int]:
    """(capacity, seats_taken, live registrations) of a session on the server."""
    with connect(office) as owner:
        return owner.execute(
            "SELECT capacity, seats_taken, (SELECT count(*) FROM appointment a "
            "WHERE a.workshop_session_id = w.id AND a.deleted_at IS NULL "
            "AND a.status IN ('booked', 'honoured', 'no_show')) "
            "FROM workshop_session w WHERE w.id = %s", (session_id,)).fetchone()


@pytest.fixture
def workshop(office, tmp_path):
    """(replica, server as the adviser, a coming session of the site with one seat left,
    people the laptop holds who are not registered to it)."""
    site = busiest_site(office)
    with connect(office) as owner:
        session_id = owner.execute(
            "SELECT w.id FROM workshop_session w JOIN site s ON s.id = w.site_id "
            "WHERE s.name = %s AND w.cancelled_at IS NULL AND w.seats_taken > 0 "
            "AND w.starts_at > now() + interval '1 day' "
            "AND w.starts_at < now() + interval '3 weeks' ORDER BY w.starts_at LIMIT 1",
            (site,)).fetchone()[0]
        owner.execute("UPDATE workshop_session SET capacity = seats_taken + 1 WHERE id = %s",
                      (session_id,))
    server = office_as(office, "conseiller01")
    replica = laptop.build(server, "conseiller01", DEMO_PASSWORD, tmp_path / "w.guichet",
                           ReplicaCipher.from_key(new_key()), site_names=[site])
    person, appointment = table("person"), table("appointment")
    with replica.engine.connect() as connection:
        people = list(connection.execute(select(person.c.id).where(
            person.c.deleted_at.is_(None), person.c.kind == "beneficiary",
            ~person.c.id.in_(select(appointment.c.person_id).where(
                appointment.c.workshop_session_id == session_id)))
            .order_by(person.c.id).limit(2)).scalars())
    yield replica, server, session_id, people
    replica.dispose()
    server.dispose()


def test_the_last_seat_taken_at_the_office_refuses_the_laptop_s_registration(
        office, workshop):
    """Both sides gave the last seat: the server counts its registrations, refuses the
    laptop's (kept as a conflict), and its counter stays its live registrations."""
    from db.agenda import workshops
    from db.agenda.models import Channel

    replica, server, session_id, (at_the_office, on_the_laptop) = workshop
    with at_the_office_as(office, "conseiller02") as unit:
        assert workshops.register(unit, session_id, at_the_office,
                                  Channel.RECEPTION).appointment_id
    with replica.unit(actor(replica)) as unit:
        assert workshops.register(unit, session_id, on_the_laptop,
                                  Channel.RECEPTION).appointment_id
    report = laptop.sync(replica, server)
    capacity, taken, live = _seats(office, session_id)
    assert taken == live == capacity
    assert report.conflicts >= 1
    assert any("Plus de place" in c["reason"] for c in laptop.conflicts(replica))


def test_a_registration_cancelled_on_both_sides_frees_its_seat_once(office, workshop):
    from db.agenda import booking
    from db.agenda.models import CancelledBy

    replica, server, session_id, _people = workshop
    appointment = table("appointment")
    with replica.engine.connect() as connection:
        registration, version = connection.execute(select(
            appointment.c.id, appointment.c.version).where(
            appointment.c.workshop_session_id == session_id,
            appointment.c.status == "booked")).first()
    reason = "Ne peut plus venir."
    with at_the_office_as(office, "conseiller02") as unit:
        booking.cancel_appointment(unit, registration, version, CancelledBy.PERSON, reason)
    with replica.unit(actor(replica)) as unit:
        booking.cancel_appointment(unit, registration, version, CancelledBy.PERSON, reason)
    laptop.sync(replica, server)
    _capacity, taken, live = _seats(office, session_id)
    assert taken == live


def test_the_account_s_row_is_the_server_s_but_for_its_sign_in_columns(office, permanence):
    """The laptop's own password hash (made when it was built, again when the password
    changed) leaves the rest of the account's row as the server has it."""
    from db.sync.tables import LOCAL_COLUMNS

    replica, _server = permanence
    laptop.remember_password(replica, "conseiller01", "un tout nouveau mot de passe")
    staff = table("staff")
    columns = [c for c in staff.c if c.name not in LOCAL_COLUMNS["staff"]]
    statement = select(*columns).where(staff.c.login == "conseiller01")
    server = Store(office)
    try:
        with replica.engine.connect() as local, server.engine.connect() as owner:
            assert dict(local.execute(statement).mappings().one()) == \
                dict(owner.execute(statement).mappings().one())
    finally:
        server.dispose()


def test_a_registration_cancelled_and_made_again_at_the_office_is_pulled_in_any_order(
        permanence):
    """The office cancelled a person's workshop registration and registered them again: the
    replica's unique index (one live seat per person and session) meets the new row
    before the cancellation unless the rows it holds are written first."""
    from db.sync import copy

    replica, _server = permanence
    appointment = table("appointment")
    with replica.engine.connect() as connection:
        seat = dict(connection.execute(select(appointment).where(
            appointment.c.status == "booked", appointment.c.deleted_at.is_(None),
            appointment.c.workshop_session_id.is_not(None))).mappings().first())
    again = uuid.uuid4()
    rows = {again: {**seat, "id": again, "ical_uid": f"{again}@guichet", "version": 1},
            seat["id"]: {**seat, "status": "cancelled", "cancelled_by": "person",
                         "cancel_reason": "Inscrite par erreur.", "version": seat["version"] + 1}}
    with replica.engine.begin() as local:
        assert copy.write(local, {"appointment": rows}) == 2
    assert count(replica, "appointment", appointment.c.workshop_session_id
                 == seat["workshop_session_id"]) > 1


def test_a_case_created_offline_takes_its_final_reference_from_the_server(office, tmp_path):
    from db.mediation import intake, reading
    from db.mediation.models import MediationChannel, MediationMotive
    from db.mediation.records import CaseFilter, CaseInput

    server = office_as(office, "mediateur01")
    replica = laptop.build(server, "mediateur01", DEMO_PASSWORD, tmp_path / "m.guichet",
                           ReplicaCipher.from_key(new_key()),
                           site_names=[busiest_site(office)])
    try:
        mediator = actor(replica, "mediateur01")
        today = datetime.now(UTC).date()
        with replica.unit(mediator) as unit:
            motive = unit.session.scalars(select(MediationMotive.id).where(
                MediationMotive.valid_until.is_(None)).order_by(MediationMotive.code)).first()
            created = intake.create_case(unit, CaseInput(
                received_on=today, channel=MediationChannel.AMELI_ACCOUNT,
                person_id=one_person(replica), motive_id=motive, prior_step_done=True,
                court_action_pending=False, summary="Remboursement refusé à la permanence.",
                contested_decision="Refus de remboursement", decision_notified_on=None))
        provisional = created.reference
        assert provisional.startswith(f"MED-{today.year}-P")
        with connect(office) as owner:
            before = owner.execute("SELECT coalesce(max(last_number), 0) FROM "
                                   "mediation_counter WHERE year = %s",
                                   (today.year,)).fetchone()[0]

        assert laptop.sync(replica, server).conflicts == 0
        final = f"MED-{today.year}-{before + 1:05d}"
        with connect(office) as owner:
            assert owner.execute("SELECT reference, provisional_reference FROM mediation_case "
                                 "WHERE id = %s", (created.id,)).fetchone() == (
                final, provisional)
        with replica.unit(mediator) as unit:  # pulled back: the final one, the other kept
            assert reading.find_reference(unit, final) == created.id
            assert reading.find_reference(unit, provisional) == created.id
        with server.unit(accounts_actor(server, "mediateur01")) as unit:
            assert reading.search_cases(unit, CaseFilter(text=final)) == [created.id]

        laptop.sync(replica, server)  # nothing numbered twice
        with connect(office) as owner:
            assert owner.execute("SELECT last_number FROM mediation_counter WHERE year = %s",
                                 (today.year,)).fetchone()[0] == before + 1
    finally:
        replica.dispose()
        server.dispose()


def accounts_actor(store: Store, login: str):
    from db.org import accounts

    with store.unit(None) as unit:
        return accounts.load_actor(unit.session, login)
