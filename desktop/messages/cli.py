"""``guichet reminders send|sms``: the office's scheduled task (system jobs: no account).

    guichet reminders send [--day AAAA-MM-JJ] [--smtp HÔTE:PORT]
    guichet reminders sms --day AAAA-MM-JJ -o FICHIER

``send`` exits 0 when everything due was sent, 3 when some messages were not (refused,
waiting for a retry, interrupted, or no server), with a French summary.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def smtp_address(value: str) -> tuple[str, int]:
    host, _, port = value.strip().rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(
            f"serveur attendu au format HÔTE:PORT (par exemple 127.0.0.1:2525) : « {value} »")
    return host.strip("[]"), int(port)


def add_commands(commands, day: Callable[[str], object], parser_class: type) -> None:
    """The ``reminders`` commands on the main parser's sub-commands."""
    reminders = commands.add_parser("reminders", help="messages aux personnes : e-mails "
                                    "(confirmations, rappels) et fichier des SMS")
    actions = reminders.add_subparsers(dest="reminders_command", metavar="ACTION",
                                       parser_class=parser_class, required=True)
    send = actions.add_parser("send", help="envoie les e-mails dus par le serveur du bureau")
    send.add_argument("--day", type=day, metavar="AAAA-MM-JJ",
                      help="envoie tout ce qui est prévu ce jour-là ou avant, à toute heure ; "
                           "par défaut, ce qui est dû maintenant")
    send.add_argument("--smtp", type=smtp_address, metavar="HÔTE:PORT",
                      help="un autre serveur que celui des réglages, sans chiffrement ni "
                           "compte (un relais local, un serveur d'essai)")
    sms = actions.add_parser("sms", help="écrit les SMS du jour pour la plateforme SMS")
    sms.add_argument("--day", type=day, required=True, metavar="AAAA-MM-JJ",
                     help="jour des SMS (ceux prévus ce jour-là ou avant, pas encore exportés)")
    sms.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                     help="fichier .csv à écrire (remplacé s'il existe)")


def cmd_send(args, open_store: Callable) -> int:
    from db.messages import sender
    from db.messages import settings as message_settings
    from db.messages.models import SmtpSecurity
    from desktop.messages.secrets import with_password

    store = open_store(args)
    try:
        if args.smtp:
            server = sender.SmtpServer(*args.smtp, SmtpSecurity.NONE)
        else:
            with store.unit(None) as unit:
                server = with_password(message_settings.server_of(unit))
        report = sender.send_due(store, server, day=args.day)
    finally:
        store.dispose()
    print(report.describe())
    return 0 if report.complete else 3


def cmd_sms(args, in_unit: Callable, output: Callable) -> int:
    from db.messages import sms
    from desktop.documents import write_atomically

    path = output(args, "reminders sms")
    written = in_unit(args, lambda unit: sms.export_sms(
        unit, args.day, lambda data: write_atomically(path, data)))
    print(sms.describe_export(written, args.day, str(path)), file=sys.stdout)
    return 0
