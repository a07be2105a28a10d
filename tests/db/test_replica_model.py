"""The offline laptop against a model (issue 13, « Done means »): one server — the demo office —
and three permanences of the same site (three advisers' laptops), driven by hypothesis'
stateful testing through the real services: offline edits of people's contact details,
bookings and cancellations, workshop registrations and their cancellations, the same made at
the office by a fourth adviser, people deleted at the office, and syncs in any order.

What is checked:

- after each push, against a model of the three-way merge computed from the server as it was
  just before: every pushed update took exactly the fields the server had left as the laptop
  found them, every field both sides changed differently is a conflict kept with the
  laptop's value, every edit of a row deleted at the office is a « deleted » conflict — and
  the server holds what the model says, field by field (nothing lost, nothing taken that
  should not have been); every refused insert had its reason on the server then (a live
  booking of the adviser in the way, a full or cancelled session, the person seated or
  waiting there already, a row it refers to refused before it), and so had every refused
  update (a row it refers to refused);
- after every step that writes on the server: no two live bookings of one adviser overlap
  (nor one with a session the adviser hosts), and each workshop session's ``seats_taken``
  is its live registrations;
- at the end, once every replica has pushed and pulled past every transaction of the run:
  every operation of every laptop has its one outcome on the server, any outcome but
  « applied » a conflict on its laptop, and each replica equals the server row by row and
  column by column on every synced table (but the account's secrets,
  ``db.sync.tables.LOCAL_COLUMNS``), the rows the server never took (refused inserts) kept
  soft-deleted on the laptop with their conflict.

Each run starts from a copy of the same demo office (a database made from it as a
template), so that hypothesis' replay of a failing run meets the office the run met. A
sync step pulls until the pulls' bound has passed every transaction before it: another
transaction open on the PostgreSQL cluster holds the bound back (``pg_snapshot_xmin`` is
cluster-wide), and a run must not depend on whether another test had one open.
Cancellations pick appointments of people not deleted: no service deletes a person, and the
message queue takes the person of a cancelled appointment to be there.

CI's numbers: ``EXAMPLES`` = 5 runs of ``STEPS`` = 60 steps (300 steps, about 1.5 minutes
on two shared cores); ``GUICHET_MODEL_EXAMPLES`` and ``GUICHET_MODEL_STEPS`` run it longer
(25 × 60 took 3 min 15 s), ``GUICHET_MODEL_SHRINK=1`` lets hypothesis shrink a failing
run. ``pytest -s`` prints the outcomes the pushes met.
"""

from __future__ import annotations

import collections
import functools
import os
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from db.agenda import booking, workshops
from db.agenda.models import AppointmentKind, CancelledBy, Channel
from db.errors import ConflictError, NotFound, ValidationError
from db.org import accounts, signin
from db.org.passwords import DEMO_PASSWORD
from db.people import records
from db.people.models import Person
from db.replica.cipher import ReplicaCipher, new_key
from db.replica.models import replica_conflict, replica_op
from db.replica.values import decode, decode_row
from db.store import Store
from db.sync import laptop
from db.sync.tables import LOCAL_COLUMNS, synced_tables, table
from db.unit import rows
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres

EXAMPLES = int(os.environ.get("GUICHET_MODEL_EXAMPLES", "5"))
STEPS = int(os.environ.get("GUICHET_MODEL_STEPS", "60"))
SITE = "Agence de Grenoble"
LAPTOPS = ("conseiller01", "conseiller02", "conseiller03")
AT_THE_OFFICE = "conseiller04"
OFFICE = "office"
WHO = st.sampled_from([0, 1, 2, OFFICE])
PEOPLE = 8  # people held by every laptop, edited and booked
# A few values per field, so that two sides often write the same one (no conflict then).
CONTACT_VALUES = {
    "phone": ("06 11 11 11 11", "06 22 22 22 22", "07 33 33 33 33"),
    "email": ("ines.martin@exemple.fr", "contact@exemple.fr", "famille.roux@exemple.fr"),
    "city": ("Grenoble", "Voiron", "Échirolles"),
    "address": ("3 rue Félix Poulat", "12 avenue Alsace-Lorraine", "1 place Grenette"),
    "postcode": ("38000", "38100", "38500"),
}
# Bookings inside a free 45-minute window of an adviser: the short ones side by side, the
# long one across both (so that bookings collide without being the same slot).
BOOKINGS = (("Carte Vitale", 0), ("Carte Vitale", 30), ("Invalidité", 0))
LIVE_SEAT = "('booked', 'honoured', 'no_show')"
SEEN: collections.Counter = collections.Counter()  # the outcomes met (pytest -s shows them)


def _office_as(office, login: str) -> Store:
    return Store(office.set(username=login, password=DEMO_PASSWORD))


def _logged(step):
    """Each step and what it raised on the test's output, shown when it fails (hypothesis'
    replay of a failing run may stop elsewhere, and then shows only that)."""
    @functools.wraps(step)
    def logged(self, **arguments):
        print(step.__name__, arguments)
        try:
            return step(self, **arguments)
        except BaseException:
            traceback.print_exc(file=sys.stdout)
            raise
    return logged


class Permanences(RuleBasedStateMachine):
    """One run: three laptops built from the office as it is, then random steps."""

    pristine = None  # the demo office's address, as its owner (set by the test)
    folder = None

    def __init__(self):
        super().__init__()
        # Each run on its own copy of the same office, so that hypothesis' replay of a run
        # meets the office the run met.
        self.office = self.pristine.set(database=f"{self.pristine.database}_{uuid.uuid4().hex[:6]}")
        with _cluster().connect() as cluster:
            cluster.execute(text(f'CREATE DATABASE "{self.office.database}" TEMPLATE '
                                 f'"{self.pristine.database}" OWNER "{self.pristine.username}"'))
        self.owner = create_engine(self.office, isolation_level="AUTOCOMMIT")
        with self.owner.connect() as owner:  # a database's own grants are not copied
            owner.execute(text(f'GRANT CONNECT ON DATABASE "{self.office.database}" '
                               "TO guichet_staff, guichet_signin"))
        self.server = _office_as(self.office, AT_THE_OFFICE)
        self.server_actor = signin.sign_in_as_connected(self.server).actor
        self.accounts = [_office_as(self.office, login) for login in LAPTOPS]
        self.path = Path(tempfile.mkdtemp(dir=self.folder))
        self.replicas, self.actors = [], []
        for index, (login, account) in enumerate(zip(LAPTOPS, self.accounts, strict=True)):
            replica = laptop.build(account, login, DEMO_PASSWORD,
                                   self.path / f"permanence-{index}.guichet",
                                   ReplicaCipher.from_key(new_key()), site_names=[SITE])
            self.replicas.append(replica)
            self.actors.append(accounts.sign_in(replica, login, DEMO_PASSWORD).actor)
        self.people = self._people()
        self.windows = self._windows()
        self.sessions = self._sessions()
        self.deleted = 0

    # -- what the run works on -----------------------------------------------------------

    def _people(self) -> list[uuid.UUID]:
        held = None
        for replica in self.replicas:
            person = table("person")
            with replica.engine.connect() as local:
                ids = set(local.execute(select(person.c.id).where(
                    person.c.deleted_at.is_(None), person.c.kind == "beneficiary",
                    person.c.last_name != "Anonyme")).scalars())
            held = ids if held is None else held & ids
        people = sorted(held)[:PEOPLE]
        assert len(people) == PEOPLE, "the laptops share too few people"
        return people

    def _windows(self) -> list[tuple[uuid.UUID, datetime]]:
        """Free 45-minute windows of two advisers of the site, on different days (so that
        bookings meet only inside one window)."""
        from db.agenda.models import Motive
        from db.agenda.slots import free_slots
        from db.org.models import Site

        today = date.today()
        windows = []
        with self.server.unit(self.server_actor) as unit:
            site = unit.session.scalar(select(Site).where(Site.name == SITE))
            motive = unit.session.scalar(select(Motive).where(Motive.label == "Invalidité"))
            self.site_id = site.id
            self.motives = {m.label: m.id for m in unit.session.scalars(select(Motive))}
            for login in LAPTOPS[:2]:
                adviser = unit.session.scalar(text(
                    "SELECT id FROM staff WHERE login = :login"), {"login": login})
                days = set()
                for slot in free_slots(unit, motive.id, AppointmentKind.PHYSICAL, [site.id],
                                       today + timedelta(days=3), today + timedelta(days=20),
                                       adviser_id=adviser):
                    day = slot.starts_at.date()
                    if day not in days and len(days) < 2:
                        days.add(day)
                        windows.append((adviser, slot.starts_at))
        assert len(windows) == 4, windows
        return windows

    def _sessions(self) -> list[uuid.UUID]:
        """The site's coming workshop sessions with the fewest seats left."""
        with self.owner.connect() as owner:
            found = owner.execute(text(
                "SELECT w.id FROM workshop_session w JOIN site s ON s.id = w.site_id "
                "WHERE s.name = :site AND w.cancelled_at IS NULL AND w.deleted_at IS NULL "
                "AND w.starts_at > now() + interval '2 days' "
                "AND w.starts_at < now() + interval '25 days' "
                "ORDER BY w.capacity - w.seats_taken, w.id LIMIT 2"), {"site": SITE}).scalars()
            return list(found)

    def store(self, who) -> Store:
        return self.server if who == OFFICE else self.replicas[who]

    def actor(self, who):
        return self.server_actor if who == OFFICE else self.actors[who]

    # -- steps ----------------------------------------------------------------------------

    @rule(who=WHO, person=st.integers(0, PEOPLE - 1),
          field=st.sampled_from(sorted(CONTACT_VALUES)), value=st.integers(0, 2))
    @_logged
    def edit_contact(self, who, person, field, value):
        """What the record's form saves: the person as shown, one field changed."""
        store, person_id = self.store(who), self.people[person]
        try:
            with store.unit(self.actor(who)) as unit:
                shown = records.get_person(unit, person_id)
                records.update_person(unit, person_id, shown.version, replace(
                    shown.data, **{field: CONTACT_VALUES[field][value]}))
        except (ValidationError, ConflictError, NotFound):
            pass
        self._after(who)

    @precondition(lambda self: self.deleted < 2)
    @rule(person=st.integers(0, PEOPLE - 1))
    @_logged
    def delete_at_the_office(self, person):
        self.deleted += 1
        with self.server.unit(self.server_actor) as unit:
            row = rows.get(unit, Person, self.people[person])
            if row is not None:
                rows.remove(unit, row)
        self._after(OFFICE)

    @rule(who=WHO, person=st.integers(0, PEOPLE - 1), window=st.integers(0, 3),
          variant=st.integers(0, len(BOOKINGS) - 1))
    @_logged
    def book(self, who, person, window, variant):
        adviser, start = self.windows[window]
        motive, offset = BOOKINGS[variant]
        request = booking.BookingRequest(
            person_id=self.people[person], adviser_id=adviser, site_id=self.site_id,
            motive_id=self.motives[motive], kind=AppointmentKind.PHYSICAL,
            starts_at=start + timedelta(minutes=offset), channel=Channel.RECEPTION)
        try:
            with self.store(who).unit(self.actor(who)) as unit:
                booking.book_appointment(unit, request)
        except (ValidationError, ConflictError, NotFound):
            pass
        self._after(who)

    def _live(self, who, condition) -> list[tuple[uuid.UUID, int]]:
        """(id, version) of the appointments the actor sees booked, meeting ``condition``,
        of people not deleted (no service deletes a person: the message queue, for one,
        takes the person of a cancelled appointment to be there)."""
        appointment, person = table("appointment"), table("person")
        with self.store(who).engine.connect() as connection:
            return [tuple(row) for row in connection.execute(
                select(appointment.c.id, appointment.c.version).where(
                    appointment.c.status == "booked", appointment.c.deleted_at.is_(None),
                    appointment.c.person_id.in_(select(person.c.id).where(
                        person.c.deleted_at.is_(None))),
                    condition).order_by(appointment.c.starts_at, appointment.c.person_id,
                                        appointment.c.created_at))]

    @rule(who=WHO, pick=st.integers(0, 10), reason=st.sampled_from(
        ("La personne a un empêchement.", "Demande réglée par téléphone.")))
    @_logged
    def cancel(self, who, pick, reason):
        appointment = table("appointment")
        live = self._live(who, appointment.c.workshop_session_id.is_(None)
                          & appointment.c.person_id.in_(self.people))
        if live:
            appointment_id, version = live[pick % len(live)]
            try:
                with self.store(who).unit(self.actor(who)) as unit:
                    booking.cancel_appointment(unit, appointment_id, version,
                                               CancelledBy.PERSON, reason)
            except (ValidationError, ConflictError, NotFound):
                pass
        self._after(who)

    @rule(who=WHO, session=st.integers(0, 1), person=st.integers(0, PEOPLE - 1))
    @_logged
    def register(self, who, session, person):
        try:
            with self.store(who).unit(self.actor(who)) as unit:
                workshops.register(unit, self.sessions[session % len(self.sessions)],
                                   self.people[person], Channel.RECEPTION)
        except (ValidationError, ConflictError, NotFound):
            pass
        self._after(who)

    @rule(who=WHO, session=st.integers(0, 1), pick=st.integers(0, 10))
    @_logged
    def cancel_registration(self, who, session, pick):
        live = self._live(who, table("appointment").c.workshop_session_id
                          == self.sessions[session % len(self.sessions)])
        if live:
            appointment_id, version = live[pick % len(live)]
            try:
                with self.store(who).unit(self.actor(who)) as unit:
                    booking.cancel_appointment(unit, appointment_id, version,
                                               CancelledBy.PERSON, "Ne peut plus venir.")
            except (ValidationError, ConflictError, NotFound):
                pass
        self._after(who)

    @rule(laptop_index=st.integers(0, 2))
    @_logged
    def sync(self, laptop_index):
        replica = self.replicas[laptop_index]
        pending = self._pending(replica)
        before = self._server_rows(pending)
        last = self._last_transaction()
        laptop.sync(replica, self.accounts[laptop_index])
        self._check_push(replica, pending, before)
        self._check_server()
        self._pull_past(laptop_index, last)

    def _last_transaction(self) -> int:
        """An id above every transaction ended so far (this one's)."""
        with self.owner.connect() as owner:
            return int(owner.execute(text("SELECT pg_current_xact_id()::text")).scalar_one())

    def _pull_past(self, index: int, last: int) -> None:
        """Pull until the bound passes ``last``: a sync then sees every step before it, as
        it would with no other transaction open on the cluster (another test's holds the
        bound back: pg_snapshot_xmin is cluster-wide), so that a run, replayed, does the
        same."""
        deadline = time.monotonic() + 180
        while int(laptop.state(self.replicas[index])["watermark"]) <= last:
            assert time.monotonic() < deadline, "the pulls' bound never passed the step"
            time.sleep(0.1)
            laptop.pull(self.replicas[index], self.accounts[index])

    def _after(self, who) -> None:
        if who == OFFICE:
            self._check_server()

    # -- the model of a push ---------------------------------------------------------------

    def _pending(self, replica: Store) -> list[dict]:
        with replica.engine.connect() as local:
            return [dict(row) for row in local.execute(
                select(replica_op).where(replica_op.c.pushed_at.is_(None))
                .order_by(replica_op.c.seq)).mappings()]

    def _server_rows(self, operations: list[dict]) -> dict[tuple[str, uuid.UUID], dict | None]:
        """The server's rows the operations edit, as they are before the push."""
        wanted: dict[str, set[uuid.UUID]] = {}
        for operation in operations:
            if operation["kind"] in ("update", "delete"):
                wanted.setdefault(operation["table_name"], set()).add(operation["row_id"])
        found: dict[tuple[str, uuid.UUID], dict | None] = {}
        with self.owner.connect() as owner:
            for name, ids in wanted.items():
                target = table(name)
                for row in owner.execute(select(target).where(target.c.id.in_(sorted(ids)))
                                         ).mappings():
                    found[(name, row["id"])] = dict(row)
                for row_id in ids:
                    found.setdefault((name, row_id), None)
        return found

    def _outcomes(self, replica: Store, operations: list[dict]):
        ids = [operation["id"] for operation in operations]
        with self.owner.connect() as owner:
            outcomes = dict(owner.execute(text(
                "SELECT op_id, outcome FROM sync_applied_op WHERE op_id = ANY(:ids)"),
                {"ids": ids}).all())
        with replica.engine.connect() as local:
            kept = {row["op_id"]: dict(row) for row in local.execute(
                select(replica_conflict).where(replica_conflict.c.op_id.in_(ids))).mappings()}
        return outcomes, kept

    def _check_push(self, replica: Store, operations: list[dict], before: dict) -> None:
        """Each operation's outcome is what the three-way merge says, and the server holds
        what the merges made."""
        outcomes, kept = self._outcomes(replica, operations)
        model = {key: dict(row) if row is not None else None for key, row in before.items()}
        touched: dict[tuple[str, uuid.UUID], set[str]] = {}
        refused_inserts: set[uuid.UUID] = set()
        refusals = []
        for operation in operations:
            outcome = outcomes.get(operation["id"])
            assert outcome is not None, f"operation never decided: {operation}"
            status = outcome["status"]
            SEEN[f"{operation['table_name']} {operation['kind']}: {status} "
                 f"{outcome.get('kind', '')}".strip()] += 1
            if status != "applied":
                assert operation["id"] in kept, f"no conflict kept for {operation}: {outcome}"
            target = table(operation["table_name"])
            key = (target.name, operation["row_id"])
            if operation["kind"] == "insert":
                if status == "applied":
                    if key in model:
                        model[key] = decode_row(target, operation["fields"])
                else:
                    refused_inserts.add(operation["row_id"])
                    refusals.append((operation, outcome, set(refused_inserts)))
                continue
            if operation["kind"] == "take":
                continue
            if status == "refused":  # only for what refers to a row refused before it
                referred = {key.parent.name: key.column.table.name
                            for key in target.foreign_keys}
                assert any(name in referred and new is not None
                           and uuid.UUID(str(new)) in refused_inserts
                           for name, (_base, new) in operation["fields"].items()), (
                    operation, outcome)
                continue
            changes = operation["fields"] if operation["kind"] == "update" else {
                "deleted_at": [None, "deleted"]}
            current = model.get(key)
            if current is None or (current.get("deleted_at") is not None
                                   and "deleted_at" not in changes):
                assert (status, outcome.get("kind")) == ("conflict", "deleted"), (
                    operation, outcome)
                continue
            conflicting = set()
            for name, (base, new) in changes.items():
                column = target.c[name]
                if operation["kind"] == "delete":
                    continue
                base, new = decode(column, base), decode(column, new)
                server = current.get(name)
                if server == new:
                    continue
                if server == base:
                    current[name] = new
                    touched.setdefault(key, set()).add(name)
                else:
                    conflicting.add(name)
            if conflicting:
                assert status == "conflict" and outcome["kind"] == "field", (operation, outcome)
                assert set(outcome["fields"]) == conflicting, (operation, outcome, conflicting)
                for name in conflicting:
                    assert kept[operation["id"]]["fields"][name]["laptop"] == \
                        operation["fields"][name][1], (operation, kept[operation["id"]])
            elif operation["kind"] == "update":
                assert status == "applied", (operation, outcome)
        for operation, outcome, refused in refusals:
            self._check_refusal(operation, outcome, refused, operations, outcomes)
        after = self._server_rows([{"kind": "update", "table_name": name, "row_id": row_id}
                                   for name, row_id in touched])
        for key, names in touched.items():
            assert after[key] is not None, key
            for name in names:
                assert after[key][name] == model[key][name], (key, name, after[key][name],
                                                              model[key][name])

    def _check_refusal(self, operation: dict, outcome: dict, refused: set[uuid.UUID],
                       operations: list[dict], outcomes: dict) -> None:
        """A laptop's insert is refused for a reason the server really had then: the
        server as it is after the push, less what the push's later operations did."""
        fields = operation["fields"]
        parents = {fields.get(key.parent.name) for key in table(operation["table_name"])
                   .foreign_keys} - {None}
        if {uuid.UUID(str(p)) for p in parents} & refused:
            return  # what it belongs to was refused first
        if operation["table_name"] == "waiting_list_entry":  # waiting there already
            waiting = table("waiting_list_entry")
            with self.owner.connect() as owner:
                assert owner.execute(select(waiting.c.id).where(
                    waiting.c.workshop_session_id == fields["workshop_session_id"],
                    waiting.c.person_id == fields["person_id"],
                    waiting.c.id != operation["row_id"])).first(), (operation, outcome)
            return
        assert operation["table_name"] == "appointment", (operation, outcome)
        later = operations[operations.index(operation) + 1:]
        added = {o["row_id"] for o in later if o["table_name"] == "appointment"
                 and o["kind"] == "insert" and outcomes[o["id"]]["status"] == "applied"}
        freed = {o["row_id"] for o in later if o["table_name"] == "appointment"
                 and o["kind"] == "update" and "status" in outcomes[o["id"]].get("merged", ())}
        appointment = table("appointment")

        def live_then(*statuses):
            return (appointment.c.deleted_at.is_(None) & ~appointment.c.id.in_(added)
                    & appointment.c.status.in_(statuses)) | appointment.c.id.in_(freed)

        with self.owner.connect() as owner:
            if fields.get("workshop_session_id"):
                session = table("workshop_session")
                capacity, cancelled = owner.execute(select(
                    session.c.capacity, session.c.cancelled_at.is_not(None)).where(
                    session.c.id == fields["workshop_session_id"])).one()
                seated = [row.person_id for row in owner.execute(select(
                    appointment.c.person_id).where(
                    appointment.c.workshop_session_id == fields["workshop_session_id"],
                    live_then("booked", "honoured", "no_show")))]
                if "Plus de place" in outcome["reason"]:
                    assert len(seated) >= capacity, (operation, outcome, seated)
                elif "annulée" in outcome["reason"]:
                    assert cancelled, (operation, outcome)
                else:
                    assert uuid.UUID(fields["person_id"]) in seated, (operation, outcome)
                return
            ends, starts = (datetime.fromisoformat(fields["ends_at"]),
                            datetime.fromisoformat(fields["starts_at"]))
            site = table("site")
            pause = timedelta(minutes=owner.execute(select(site.c.break_minutes).where(
                site.c.id == fields["site_id"])).scalar_one())
            met = owner.execute(select(appointment.c.id).where(
                appointment.c.adviser_id == fields["adviser_id"],
                appointment.c.workshop_session_id.is_(None), live_then("booked"),
                appointment.c.starts_at < ends + pause,
                appointment.c.ends_at > starts - pause)).all()
            assert met, (operation, outcome)

    # -- the server's invariants -----------------------------------------------------------

    def _check_server(self) -> None:
        with self.owner.connect() as owner:
            overlaps = owner.execute(text(
                "SELECT a.id, b.id FROM appointment a JOIN appointment b "
                "ON a.adviser_id = b.adviser_id AND a.id < b.id "
                "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
                "WHERE a.status = 'booked' AND b.status = 'booked' "
                "AND a.deleted_at IS NULL AND b.deleted_at IS NULL "
                "AND a.workshop_session_id IS NULL AND b.workshop_session_id IS NULL")).all()
            assert overlaps == [], f"double bookings on the server: {overlaps}"
            counters = owner.execute(text(
                "SELECT w.id, w.seats_taken, (SELECT count(*) FROM appointment a "
                "WHERE a.workshop_session_id = w.id AND a.deleted_at IS NULL "
                f"AND a.status IN {LIVE_SEAT}) FROM workshop_session w")).all()
            wrong = [row for row in counters if row[1] != row[2]]
            assert wrong == [], f"seats_taken against live registrations: {wrong}"
            hosting = owner.execute(text(
                "SELECT a.id, w.id FROM appointment a JOIN workshop_session w "
                "ON w.host_id = a.adviser_id AND a.starts_at < w.ends_at "
                "AND w.starts_at < a.ends_at WHERE a.status = 'booked' "
                "AND a.deleted_at IS NULL AND a.workshop_session_id IS NULL "
                "AND w.cancelled_at IS NULL AND w.deleted_at IS NULL")).all()
            assert hosting == [], f"bookings during a session the adviser hosts: {hosting}"

    # -- the end ---------------------------------------------------------------------------

    def teardown(self):
        try:
            if getattr(self, "replicas", None) and len(self.replicas) == len(LAPTOPS):
                self._settle_and_compare()
        finally:
            for replica in getattr(self, "replicas", []):
                replica.dispose()
            for store in (self.server, *self.accounts):
                store.dispose()
            self.owner.dispose()
            shutil.rmtree(self.path, ignore_errors=True)
            with _cluster().connect() as cluster:
                cluster.execute(text(f'DROP DATABASE "{self.office.database}" WITH (FORCE)'))

    def _settle_and_compare(self) -> None:
        for index in range(len(self.replicas)):
            self.sync(laptop_index=index)
        last = self._last_transaction()  # every write of the run ended before it
        for index in range(len(self.replicas)):
            self._pull_past(index, last)
        self._check_server()
        for replica in self.replicas:
            self._check_decided(replica)
            self._compare(replica)

    def _check_decided(self, replica: Store) -> None:
        with replica.engine.connect() as local:
            operations = [dict(row) for row in local.execute(select(replica_op)).mappings()]
        assert all(operation["pushed_at"] is not None for operation in operations)
        outcomes, kept = self._outcomes(replica, operations)
        for operation in operations:
            assert operation["id"] in outcomes, operation
            if outcomes[operation["id"]]["status"] != "applied":
                assert operation["id"] in kept, operation

    def _compare(self, replica: Store) -> None:
        with replica.engine.connect() as local:
            refused = {(row.table_name, uuid.UUID(str(row.row_id))) for row in local.execute(
                select(replica_conflict.c.table_name, replica_conflict.c.row_id,
                       replica_op.c.kind).join(replica_op,
                                               replica_op.c.id == replica_conflict.c.op_id)
                .where(replica_op.c.kind == "insert"))}
        differences = []
        for target in synced_tables():
            columns = [c for c in target.c if c.name not in LOCAL_COLUMNS.get(target.name, ())]
            with replica.engine.connect() as local:
                mine = {row["id"]: dict(row) for row in local.execute(
                    select(*columns)).mappings()}
            if not mine:
                continue
            with self.owner.connect() as owner:
                theirs = {row["id"]: dict(row) for row in owner.execute(
                    select(*columns).where(target.c.id.in_(sorted(mine)))).mappings()}
            for row_id, row in mine.items():
                if row_id not in theirs:
                    if (target.name, row_id) in refused and row["deleted_at"] is not None:
                        continue
                    differences.append((target.name, row_id, "not on the server"))
                    continue
                for name, value in row.items():
                    if theirs[row_id][name] != value:
                        differences.append((target.name, row_id, name, value,
                                            theirs[row_id][name]))
        assert differences == [], differences[:20]


@functools.cache
def _cluster():
    return create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"),
                         isolation_level="AUTOCOMMIT")


def test_three_permanences_and_the_office_agree_after_any_steps(office, tmp_path):
    Permanences.pristine = office
    Permanences.folder = tmp_path
    phases = [Phase.explicit, Phase.reuse, Phase.generate]
    if os.environ.get("GUICHET_MODEL_SHRINK"):
        phases.append(Phase.shrink)
    try:
        run_state_machine_as_test(Permanences, settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, phases=phases,
            suppress_health_check=list(HealthCheck), database=None))
    finally:
        _cluster().dispose()
        print("Outcomes of the pushed operations:", *sorted(SEEN.items()), sep="\n  ")
