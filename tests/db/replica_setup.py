"""Encrypted replicas made with the real API (``db.replica.cipher`` and ``db.store``),
migrated to the head and holding fictitious people with their NIRs, for the tests of the
encrypted file, its opening from the command line and the GUI, and its backups. The fixtures
(``replica_key``, ``replica_path``, ``replica``) are in ``tests/conftest.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.replica.cipher import ReplicaCipher
from db.replica.models import REPLICA_METADATA
from db.roles import Role
from db.store import Store, open_store
from tests.conftest import add_staff

PASSPHRASE = "l'été, la permanence de Voiron ouvre à 9 h"  # a quote: SQL quoting is tested
# Fictitious NIRs of a valid form (their keys are right), as the people tests use them.
PEOPLE = (
    dict(last_name="Lefèvre", first_name="Éloïse", birth_date=date(1984, 12, 3),
         nir="1 84 12 76 451 089 46", email="eloise.lefevre@exemple.fr"),
    dict(last_name="Rousseau", first_name="Amandine", birth_date=date(1970, 3, 3),
         nir="2 70 03 71 334 050 51", email="amandine.rousseau@exemple.fr"),
)


def needles(person: dict) -> list[bytes]:
    """What of ``person`` must never be seen in clear in an encrypted file: the NIR (whole,
    without its key, spaced), the name as written and as searched, the e-mail address."""
    digits = person["nir"].replace(" ", "")
    return [digits.encode(), digits[:13].encode(), person["nir"].encode(),
            person["last_name"].encode(), person["last_name"].upper().encode(),
            b"lefevre" if person["last_name"] == "Lefèvre" else b"rousseau",
            person["email"].encode()]


def add_person(store: Store, actor, person: dict):
    with store.unit(actor) as unit:
        return people_records.create_person(unit, PersonInput(
            kind=PersonKind.BENEFICIARY, phone="06 12 34 56 78", city="Grenoble", **person))


def fill(store: Store) -> dict:
    """The test accounts (``tests.conftest.add_staff``) and the first person; the actors."""
    actors = add_staff(store)
    add_person(store, actors[Role.ADVISER], PEOPLE[0])
    return actors


def make_replica(path: Path, cipher: ReplicaCipher) -> Store:
    """A new encrypted replica at ``path``, migrated to the head, with the replica's own
    tables (its journal: every write of its units is journaled) as ``db.sync.laptop.build``
    makes them, and filled."""
    store = open_store(path, cipher)
    REPLICA_METADATA.create_all(store.engine)
    fill(store)
    return store
