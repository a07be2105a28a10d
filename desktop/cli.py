"""The ``guichet`` command line (see DESIGN.md): the GUI when no command is given.

Exit status: 0 success, 2 usage error, 3 input refused (nothing written), 1 any other failure.
Messages are in French, on stderr.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from db.errors import GuichetError
from desktop import cli_lifecycle, cli_replica, cli_staff
from desktop.cli_session import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    UsageError,
    add_login_options,
    in_unit,
    open_store,
)
from desktop.messages import cli as reminder_commands

log = logging.getLogger(__name__)

# argparse's own messages, in French (it routes them through gettext, which has none).
_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (possibles : %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
}
argparse._ = lambda message: _ARGPARSE_FR.get(message, message)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{self.prog} : {message}")


def _appointment_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"identifiant de rendez-vous attendu (32 caractères hexadécimaux) : « {value} »"
        ) from None


def _size(value: str) -> str:
    if value not in ("small", "large"):
        raise argparse.ArgumentTypeError("taille attendue : small ou large")
    return value


def _month(value: str):
    from db.pathways.months import parse_month

    try:
        return parse_month(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _day(value: str) -> date:
    # Strictly YYYY-MM-DD: fromisoformat alone also takes « 20260330 » or « 2026-W14-1 ».
    match = _ISO_DAY.fullmatch(value)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"date attendue au format AAAA-MM-JJ (par exemple 2026-03-30) : « {value} »")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        # The format was right: say what is wrong with the date itself.
        raise argparse.ArgumentTypeError(
            f"la date « {value} » n'existe pas (mois de 01 à 12, jour dans le mois)"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="guichet",
        description="Guichet — rendez-vous, préparations, parcours et médiation de la CPAM.",
    )
    parser.add_argument("--version", action="store_true",
                        help="affiche la version de Guichet et quitte")
    parser.add_argument(
        "--db", metavar="URL",
        help="base à utiliser (fichier SQLite ou postgresql://…) ; sinon GUICHET_DB, "
             "sinon celle des réglages",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    db_parser = commands.add_parser("db", help="schéma de la base")
    db_commands = db_parser.add_subparsers(dest="db_command", metavar="ACTION",
                                           parser_class=_Parser, required=True)
    db_commands.add_parser("upgrade", help="crée ou met à jour le schéma")

    demo = commands.add_parser("demo", help="remplit une base vide de données fictives")
    demo.add_argument("--size", type=_size, default="small", help="small (≈ 5 000 personnes) "
                      "ou large (200 000 personnes)")
    demo.add_argument("--seed", type=int, default=2026, help="graine (mêmes données pour la "
                      "même graine)")

    import_parser = commands.add_parser("import", help="importe un fichier")
    imports = import_parser.add_subparsers(dest="import_command", metavar="TYPE",
                                           parser_class=_Parser, required=True)
    pathway = imports.add_parser("pathway", help="extrait mensuel d'un parcours (CSV)")
    pathway.add_argument("file", metavar="FICHIER", help="fichier CSV (séparateur ; ou ,)")
    pathway.add_argument("--kind", required=True, metavar="CODE",
                         help="type de parcours : ald, maternity, invalidity ou un type ajouté "
                              "par l'administrateur")
    pathway.add_argument("--month", type=_month, metavar="AAAA-MM",
                         help="mois du parcours ; par défaut le mois le plus fréquent des dates "
                              "d'entrée du fichier, sinon le mois courant")
    add_login_options(pathway, "importer (il doit pouvoir travailler les parcours) ; par "
                               "défaut, import automatique sans compte")

    export_parser = commands.add_parser("export", help="exporte un document")
    exports = export_parser.add_subparsers(dest="export_command", metavar="DOCUMENT",
                                           parser_class=_Parser, required=True)
    ics = exports.add_parser("ics", help="agenda d'un conseiller au format iCalendar (.ics)")
    ics.add_argument("--adviser", required=True, metavar="IDENTIFIANT",
                     help="identifiant du conseiller")
    ics.add_argument("--from", dest="first_day", required=True, type=_day, metavar="AAAA-MM-JJ",
                     help="premier jour")
    ics.add_argument("--to", dest="last_day", required=True, type=_day, metavar="AAAA-MM-JJ",
                     help="dernier jour (inclus)")
    ics.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                     help="fichier .ics à écrire (remplacé s'il existe)")
    add_login_options(ics, "exporter ; par défaut, la publication automatique de l'agenda")

    audit = exports.add_parser("audit", help="journal des actions (CSV pour un tableur)")
    audit.add_argument("--from", dest="first_day", required=True, type=_day,
                       metavar="AAAA-MM-JJ", help="premier jour")
    audit.add_argument("--to", dest="last_day", required=True, type=_day,
                       metavar="AAAA-MM-JJ", help="dernier jour (inclus)")
    audit.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                       help="fichier .csv à écrire (remplacé s'il existe)")
    add_login_options(audit, "lire le journal (administrateur, ou équipe de médiation pour "
                             "ses dossiers)", required=True)

    pdf = exports.add_parser("pdf", help="document PDF")
    pdfs = pdf.add_subparsers(dest="pdf_command", metavar="DOCUMENT", parser_class=_Parser,
                              required=True)
    case = pdfs.add_parser("case", help="synthèse d'un dossier de médiation")
    case.add_argument("reference", metavar="REFERENCE", help="référence MED-AAAA-NNNNN")
    case.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                      help="fichier .pdf à écrire (remplacé s'il existe)")
    case.add_argument("--sans-notes-internes", dest="internal_notes", action="store_false",
                      help="laisse de côté les notes internes de l'équipe")
    add_login_options(case, "exporter (de l'équipe de médiation : le dossier est "
                            "confidentiel)", required=True)
    day_sheet = pdfs.add_parser("day-sheet", help="feuille de journée d'un conseiller")
    day_sheet.add_argument("--adviser", required=True, metavar="IDENTIFIANT",
                           help="identifiant du conseiller")
    day_sheet.add_argument("--date", dest="day", required=True, type=_day,
                           metavar="AAAA-MM-JJ", help="jour de la feuille")
    day_sheet.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                           help="fichier .pdf à écrire (remplacé s'il existe)")
    add_login_options(day_sheet, "exporter ; par défaut, l'édition automatique du matin")
    letter = pdfs.add_parser("letter", help="lettre de confirmation d'un rendez-vous")
    letter.add_argument("appointment", type=_appointment_id, metavar="RENDEZ-VOUS",
                        help="identifiant du rendez-vous (affiché dans sa fiche)")
    add_login_options(letter, "signer la lettre (il doit pouvoir prendre des rendez-vous)",
                      required=True)
    letter.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                        help="fichier .pdf à écrire (remplacé s'il existe)")
    report = pdfs.add_parser("report", help="rapport d'activité mensuel")
    report.add_argument("--month", type=_month, metavar="AAAA-MM",
                        help="mois du rapport ; par défaut celui qu'ouvre le tableau de bord "
                             "(le mois en cours dès que sa cohorte de parcours est importée, "
                             "sinon le dernier mois complet)")
    report.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                        help="fichier .pdf à écrire (remplacé s'il existe)")
    add_login_options(report, "éditer le rapport (il doit pouvoir consulter le tableau de "
                              "bord) ; par défaut, rapport automatique de tout l'accueil")
    cli_lifecycle.add_export_parsers(exports, _Parser, _day)
    cli_lifecycle.add_parsers(commands, _Parser)
    cli_staff.add_parsers(commands, _Parser)
    cli_replica.add_parsers(commands, _Parser)
    reminder_commands.add_commands(commands, _day, _Parser)
    return parser


def _output(args, command: str) -> Path:
    """The file an export writes, in a folder that must exist (else a usage error)."""
    output = Path(args.output)
    if not output.parent.is_dir():
        raise UsageError(f"guichet {command} : dossier introuvable : {output.parent}")
    return output


def cmd_db_upgrade(args) -> int:
    from db.store import SchemaState

    store = open_store(args, create=False)
    try:
        state = store.upgrade()
    finally:
        store.dispose()
    messages = {
        SchemaState.EMPTY: "Schéma créé",
        SchemaState.OUTDATED: "Schéma mis à jour",
        SchemaState.CURRENT: "Schéma déjà à jour",
    }
    print(f"{messages[state]} : {store.describe()}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from db.demo import generate as demo_generate

    store = open_store(args)
    try:
        summary = demo_generate.generate(store, size=args.size, seed=args.seed,
                                         progress=_print_progress)
    finally:
        store.dispose()
    print(f"\nDonnées de démonstration créées dans {store.describe()} :", file=sys.stderr)
    print(summary.describe())
    return EXIT_OK


def cmd_import_pathway(args) -> int:
    """Import a pathway extract, all or nothing (refused lines: exit 3 via ``main``).

    Without ``--login`` the import is the unattended batch job: no account, the audit trail
    records the import with no actor; with it, that account's permission is checked.
    """
    from db.pathways import extract_import
    from db.pathways import kinds as pathways_kinds

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"guichet import pathway : fichier introuvable : {path}")
    data = path.read_bytes()

    def work(unit):
        codes = [kind.code for kind in pathways_kinds.list_kinds(unit)]
        if args.kind.strip().lower() not in codes:
            raise UsageError(f"guichet import pathway : type de parcours inconnu "
                             f"« {args.kind} » (possibles : {', '.join(codes)})")
        return extract_import.import_extract(
            unit, args.kind, data, month=args.month, file_name=path.name,
            progress=_print_progress)

    report = in_unit(args, work, args.login)
    if sys.stderr.isatty():
        print(file=sys.stderr)  # ends the progress line
    print(report.describe())
    return EXIT_OK


def _print_progress(done: int, total: int, label: str = "") -> None:
    if sys.stderr.isatty():
        print(f"\r{label} {done}/{total}", end="", file=sys.stderr, flush=True)


def cmd_export_ics(args) -> int:
    """Write an adviser's appointments as one .ics file, or nothing at all."""
    from db.agenda import appointments
    from db.org import staff
    from desktop.documents import ical, write_atomically

    output = _output(args, "export ics")

    def work(unit):
        return (staff.display_name_of(unit.session, args.adviser),
                appointments.calendar_entries(unit, args.adviser, args.first_day,
                                              args.last_day))

    adviser_name, entries = in_unit(args, work, args.login)
    write_atomically(output, ical.publish(entries, name=f"Guichet — {adviser_name}"))
    print(f"{len(entries)} rendez-vous exportés dans {output}")
    return EXIT_OK


def cmd_export_audit(args) -> int:
    """Write the audit trail of a period as a French CSV file, or nothing at all: the entries
    the account may read (``db.journal.trail``), as Administration › Journal exports them."""
    from db.journal import export as journal_export
    from db.journal.trail import JournalFilter
    from db.wording import thousands
    from desktop.documents import write_atomically

    output = _output(args, "export audit")

    def work(unit) -> list[tuple[str, ...]]:
        return list(journal_export.export_rows(
            unit, JournalFilter(since=args.first_day, until=args.last_day)))

    rows = in_unit(args, work, args.login)
    write_atomically(output, journal_export.to_csv(rows))
    count = len(rows) - 1  # the header
    print(f"{thousands(count)} entrée{'s' if count > 1 else ''} du journal "
          f"exportée{'s' if count > 1 else ''} dans {output}")
    return EXIT_OK


def cmd_export_pdf_case(args) -> int:
    """Write the summary PDF of a mediation case, or nothing at all."""
    from db.errors import ValidationError
    from db.mediation import reading as mediation_reading
    from desktop.documents import mediation_pdf, write_atomically

    output = _output(args, "export pdf case")

    def work(unit) -> bytes:
        try:
            case_id = mediation_reading.find_reference(unit, args.reference)
        except ValidationError as error:
            raise UsageError(f"guichet export pdf case : {error}") from None
        return mediation_pdf.case_summary(unit, case_id,
                                          include_internal_notes=args.internal_notes)

    write_atomically(output, in_unit(args, work, args.login))
    print(f"Dossier {args.reference.strip().upper()} exporté dans {output}")
    return EXIT_OK


def cmd_export_pdf_report(args) -> int:
    """Write the monthly activity report, or nothing at all.

    Without ``--login`` the report is the unattended batch job: it holds only aggregate
    figures, so it is edited as a manager would see it, in the name of no one."""
    import uuid
    from datetime import datetime

    from db.mediation.common import OFFICE_TIME_ZONE
    from db.org.access import Actor
    from db.pathways.months import month_to_show
    from db.roles import Role
    from desktop.documents import monthly_report, write_atomically
    from desktop.documents.pdf import AUTOMATIC_EXPORT

    output = _output(args, "export pdf report")

    def automatic() -> Actor:  # the figures as a manager sees them, in no one's name
        return Actor(uuid.UUID(int=0), "", AUTOMATIC_EXPORT, Role.MANAGER)

    def work(unit) -> tuple[date, bytes]:
        month = args.month or month_to_show(unit, datetime.now(OFFICE_TIME_ZONE).date())
        return month, monthly_report.monthly_report(unit, month)

    month, content = in_unit(args, work, args.login, system_actor=automatic)
    write_atomically(output, content)
    print(f"Rapport d'activité — {monthly_report.month_label(month)} — exporté dans "
          f"{output}")
    return EXIT_OK


def cmd_export_pdf_day_sheet(args) -> int:
    """Write an adviser's day sheet, signed in as that adviser, or nothing at all."""
    from db.org import staff
    from desktop.documents import day_sheet, write_atomically

    output = _output(args, "export pdf day-sheet")

    def work(unit):
        return (staff.display_name_of(unit.session, args.adviser),
                day_sheet.day_sheet(unit, args.adviser, args.day))

    adviser_name, content = in_unit(args, work, args.login)
    write_atomically(output, content)
    print(f"Feuille de journée du {args.day:%d/%m/%Y} — {adviser_name} — exportée dans "
          f"{output}")
    return EXIT_OK


def cmd_export_pdf_letter(args) -> int:
    """Write the confirmation letter of a booked appointment, or nothing at all."""
    from desktop.documents import confirmation_letter, write_atomically

    output = _output(args, "export pdf letter")

    write_atomically(output, in_unit(
        args, lambda unit: confirmation_letter.confirmation_letter(unit, args.appointment),
        args.login))
    print(f"Lettre de confirmation exportée dans {output}")
    return EXIT_OK


PDF_COMMANDS: dict[str, Callable] = {
    "case": cmd_export_pdf_case,
    "day-sheet": cmd_export_pdf_day_sheet,
    "letter": cmd_export_pdf_letter,
    "report": cmd_export_pdf_report,
}


def cmd_export_pdf(args) -> int:
    return PDF_COMMANDS[args.pdf_command](args)


COMMANDS: dict[tuple[str, str | None], Callable] = {
    ("db", "upgrade"): cmd_db_upgrade,
    ("demo", None): cmd_demo,
    ("import", "pathway"): cmd_import_pathway,
    ("export", "ics"): cmd_export_ics,
    ("export", "audit"): cmd_export_audit,
    ("export", "pdf"): cmd_export_pdf,
    ("export", "xlsx"): cli_lifecycle.cmd_export_list,
    ("export", "csv"): cli_lifecycle.cmd_export_list,
    ("backup", None): cli_lifecycle.cmd_backup,
    ("restore", None): cli_lifecycle.cmd_restore,
    ("purge", None): cli_lifecycle.cmd_purge,
    ("staff", "add"): cli_staff.cmd_staff,
    ("staff", "list"): cli_staff.cmd_staff,
    ("staff", "disable"): cli_staff.cmd_staff,
    ("staff", "passwd"): cli_staff.cmd_staff,
    ("staff", "import"): cli_staff.cmd_staff,
    ("replica", "create"): cli_replica.cmd_create,
    ("replica", "status"): cli_replica.cmd_status,
    ("replica", "close"): cli_replica.cmd_close,
    ("sync", None): cli_replica.cmd_sync,
    ("reminders", "send"): lambda args: reminder_commands.cmd_send(args, open_store),
    ("reminders", "sms"): lambda args: reminder_commands.cmd_sms(args, in_unit, _output),
}


def _gui_request(argv: list[str]) -> tuple[bool, str | None]:
    """Whether ``argv`` starts the GUI (nothing but ``--db``), and its database: read
    without building every command's parser, which the cold start would pay for."""
    parser = _Parser(prog="guichet", add_help=False)
    parser.add_argument("--db")
    try:
        args, rest = parser.parse_known_args(argv)
    except UsageError:
        return False, None
    return not rest, args.db


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    gui, database = _gui_request(argv)
    if gui:
        from desktop.app import run_gui

        return run_gui(db_override=database)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    if args.version:
        from importlib.metadata import version  # only when asked: not on the way to the GUI

        print(f"Guichet {version('guichet')}")
        return EXIT_OK
    if args.command is None:  # the GUI, once ``--db`` had a mistake the parser reports
        from desktop.app import run_gui

        return run_gui(db_override=args.db)

    from desktop.logs import setup_logging

    setup_logging()
    command = COMMANDS[(args.command, getattr(args, f"{args.command}_command", None))]
    try:
        return command(args)
    except UsageError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except GuichetError as error:
        print(f"Refusé : {error}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:
        log.exception("command %s failed", args.command)
        print(f"Échec inattendu ({error.__class__.__name__}). Le détail est dans le journal "
              "de Guichet.", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
