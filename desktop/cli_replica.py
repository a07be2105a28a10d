"""``guichet replica …`` and ``guichet sync``: an offline laptop's permanence, from the command
line (README, « The offline laptop »).

    guichet replica create --server URL --login LOGIN [--password-stdin]
                           (--site "SITE NAME"... | --sector NAME) [--weeks N] -o FILE
    guichet --db FILE sync [--password-stdin]   # push, then pull; exit 3 if conflicts remain
    guichet --db FILE replica status
    guichet --db FILE replica close             # a last sync, then wipe the file and its key

The server's password is the account's own, asked on the terminal or read from standard
input; the replica's key goes to the keyring, else a passphrase (``GUICHET_REPLICA_PASSPHRASE``
or typed twice).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop.cli_session import (
    EXIT_OK,
    EXIT_REFUSED,
    UsageError,
    open_store,
    passwords,
)


def add_parsers(commands, parser_class) -> None:
    replica = commands.add_parser("replica", help="permanence hors ligne (ordinateur portable)")
    actions = replica.add_subparsers(dest="replica_command", metavar="ACTION",
                                     parser_class=parser_class, required=True)
    create = actions.add_parser("create", help="prépare une permanence hors ligne depuis le "
                                "serveur")
    create.add_argument("--server", required=True, metavar="URL",
                        help="adresse du serveur (postgresql://serveur/guichet)")
    create.add_argument("--login", required=True, metavar="IDENTIFIANT",
                        help="votre compte sur le serveur")
    create.add_argument("--password-stdin", action="store_true",
                        help="lit le mot de passe du compte sur l'entrée standard")
    place = create.add_mutually_exclusive_group(required=True)
    place.add_argument("--site", action="append", metavar="LIEU",
                       help="lieu d'accueil de la permanence (plusieurs possibles)")
    place.add_argument("--sector", metavar="SECTEUR", help="secteur France Services")
    create.add_argument("--weeks", type=_weeks, default=4, metavar="N",
                        help="semaines à emporter (4 par défaut)")
    create.add_argument("-o", "--output", required=True, type=Path, metavar="FICHIER")
    actions.add_parser("status", help="opérations à envoyer, conflits, dernière "
                       "synchronisation")
    close = actions.add_parser("close", help="une dernière synchronisation, puis efface le "
                               "fichier et sa clé (« Rendre la permanence »)")
    close.add_argument("--password-stdin", action="store_true",
                       help="lit le mot de passe du compte sur l'entrée standard")
    sync = commands.add_parser("sync", help="synchronise une permanence hors ligne avec le "
                               "serveur")
    sync.add_argument("--password-stdin", action="store_true",
                      help="lit le mot de passe du compte sur l'entrée standard")


def _weeks(value: str) -> int:
    weeks = int(value) if value.isdigit() else 0
    if not 1 <= weeks <= 12:
        raise argparse.ArgumentTypeError("un nombre de semaines de 1 à 12")
    return weeks


def _progress(done: int, total: int, label: str) -> None:
    print(f"\r{label[:70]:<70} {int(100 * done / max(total, 1)):3d} %", end="",
          file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr)


def cmd_create(args) -> int:
    from desktop.laptop import steps

    password = passwords(args).read(f"Mot de passe de {args.login} sur le serveur : ")
    passphrase = None if steps.keyring_usable() else _new_passphrase()
    output = steps.build(steps.Permanence(args.server, args.login, password, args.output,
                                          tuple(args.site or ()), args.sector, args.weeks),
                         passphrase, _progress)
    print(f"Permanence hors ligne prête : {output}")
    return EXIT_OK


def _new_passphrase() -> str:
    from desktop.replica_keys import PASSPHRASE_VARIABLE

    phrase = os.environ.get(PASSPHRASE_VARIABLE, "")
    if phrase:
        return phrase
    if not sys.stdin.isatty():
        raise UsageError("aucun trousseau de clés sur cet ordinateur : donnez une phrase de "
                         f"passe pour chiffrer la permanence ({PASSPHRASE_VARIABLE})")
    import getpass

    first = getpass.getpass("Phrase de passe de la permanence (12 caractères ou plus) : ")
    if len(first) < 12 or getpass.getpass("La même, encore une fois : ") != first:
        raise UsageError("phrase de passe trop courte, ou différente la seconde fois")
    return first


def _synced(args, replica):
    """Push then pull, as the replica's account (``desktop.laptop.steps.synced``)."""
    from db.sync import laptop
    from desktop.laptop import steps

    login = laptop.state(replica)["login"]
    password = passwords(args).read(f"Mot de passe de {login} sur le serveur : ")
    return steps.synced(replica, password, _progress)


def cmd_sync(args) -> int:
    replica = _replica(args)
    try:
        report = _synced(args, replica)
    finally:
        replica.dispose()
    print(f"Synchronisation terminée : {report}.")
    if report.conflicts:
        print("Des conflits restent à résoudre : ouvrez « Conflits à résoudre » dans Guichet.",
              file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def cmd_status(args) -> int:
    from db.sync import laptop

    replica = _replica(args)
    try:
        print(laptop.describe(replica))
    finally:
        replica.dispose()
    return EXIT_OK


def cmd_close(args) -> int:
    from desktop.laptop import steps

    replica = _replica(args)
    try:
        report = _synced(args, replica)
    finally:
        replica.dispose()
    if report.conflicts:
        print(f"Synchronisation : {report}. La permanence n'est pas effacée : résolvez "
              "d'abord ses conflits.", file=sys.stderr)
        return EXIT_REFUSED
    steps.give_back(replica)
    print(f"Synchronisation : {report}. Permanence rendue : le fichier et sa clé sont "
          "effacés.")
    return EXIT_OK


def _replica(args):
    replica = open_store(args)
    if not replica.is_replica:
        replica.dispose()
        raise UsageError("--db doit désigner une permanence hors ligne (faite avec "
                         "guichet replica create)")
    return replica
