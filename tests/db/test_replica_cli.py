"""The offline laptop's command lines, exactly as issue 13 writes them, against a real server:
prepare a permanence, say where it stands, sync, give it back (the file and its key gone).

The laptop here has no keyring (keyring's « fail » back-end): the replica is encrypted with
the passphrase of ``GUICHET_REPLICA_PASSPHRASE``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from db.org.passwords import DEMO_PASSWORD
from tests.db.office_setup import connect
from tests.db.test_replica_sync import busiest_site

pytestmark = pytest.mark.postgres
PASSPHRASE = "la permanence de Mens, le mardi matin"


def guichet(*arguments: str, password: str | None = DEMO_PASSWORD):
    environment = os.environ | {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                                "GUICHET_REPLICA_PASSPHRASE": PASSPHRASE}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *arguments],
                          input=f"{password}\n" if password else None, capture_output=True,
                          text=True, timeout=180, env=environment)


def test_prepare_work_sync_and_give_back_a_permanence_from_the_command_line(office, tmp_path):
    file = tmp_path / "permanence.guichet"
    server = office.set(username=None, password=None).render_as_string(hide_password=False)
    site = busiest_site(office)
    made = guichet("replica", "create", "--server", server, "--login", "conseiller01",
                   "--password-stdin", "--site", site, "--weeks", "2", "-o", str(file))
    assert made.returncode == 0, made.stderr
    assert "Permanence hors ligne prête" in made.stdout
    assert file.read_bytes()[:16] != b"SQLite format 3\x00"
    assert oct(file.stat().st_mode & 0o777) == "0o600"

    status = guichet("--db", str(file), "replica", "status", password=None)
    assert status.returncode == 0, status.stderr
    assert f"Lieux : {site}" in status.stdout
    assert "0 modification à envoyer · 0 conflit à résoudre" in status.stdout

    with connect(office) as colleague:  # the office works meanwhile
        colleague.execute("UPDATE site SET phone = '+33476999999', version = version + 1 "
                          "WHERE name = %s", (site,))
    synced = guichet("--db", str(file), "sync", "--password-stdin")
    assert synced.returncode == 0, synced.stderr
    assert "Synchronisation terminée : 0 envoyée, " in synced.stdout
    assert ", 0 conflit." in synced.stdout

    refused = guichet("--db", str(file), "sync", "--password-stdin", password="pas le bon")
    assert refused.returncode == 3 and "Refusé" in refused.stderr

    closed = guichet("--db", str(file), "replica", "close", "--password-stdin")
    assert closed.returncode == 0, closed.stderr
    assert "Permanence rendue" in closed.stdout
    assert not file.exists() and not list(tmp_path.glob("permanence.guichet*"))
