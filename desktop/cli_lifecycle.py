"""``guichet export xlsx|csv LIST``, ``backup``, ``restore`` and ``purge``: the data lifecycle
on the command line (issue 18). The same rows, columns and permissions as the screens."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.cli_session import EXIT_OK, UsageError, add_login_options, in_unit, open_store

# As ``desktop.documents.lists.LISTS`` (a test checks): named here so that building the
# parser, on the way to the GUI too, imports none of the lists' services.
LIST_NAMES = ("people", "appointments", "callbacks", "preparations", "worklist", "cases",
              "audit")
LIST_HELP = ("people (personnes), appointments (rendez-vous), callbacks (demandes de rappel), "
             "preparations, worklist (parcours), cases (dossiers de médiation), audit (journal)")


def add_export_parsers(exports, parser_class, day_type) -> None:
    """``export xlsx LIST …`` and ``export csv LIST …`` under ``guichet export``."""
    for format_name, what in (("xlsx", "classeur Excel (.xlsx)"),
                              ("csv", "CSV pour Excel (séparateur ;, UTF-8)")):
        sub = exports.add_parser(format_name, help=f"une liste en {what}")
        sub.add_argument("list_name", metavar="LISTE", choices=LIST_NAMES, help=LIST_HELP)
        sub.add_argument("--from", dest="first_day", type=day_type, metavar="AAAA-MM-JJ",
                         help="premier jour de la période")
        sub.add_argument("--to", dest="last_day", type=day_type, metavar="AAAA-MM-JJ",
                         help="dernier jour de la période (inclus)")
        sub.add_argument("--site", metavar="NOM", help="lieu d'accueil (son nom)")
        add_login_options(sub, "exporter (la liste est celle que son rôle voit)")
        sub.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                         help=f"fichier .{format_name} à écrire (remplacé s'il existe)")


def _site(unit, name: str, command: str):
    from db import validation
    from db.org import sites

    known = sites.list_sites(unit)
    for site in known:
        if validation.fold(site.name) == validation.fold(name):
            return site
    raise UsageError(f"guichet {command} : lieu d'accueil inconnu « {name} » (possibles : "
                     f"{', '.join(s.name for s in known)})")


def cmd_export_list(args) -> int:
    """Write one list as .xlsx or .csv, or nothing at all."""
    from desktop.documents import lists, spreadsheet, write_atomically

    command = f"export {args.export_command} {args.list_name}"
    output = Path(args.output)
    if not output.parent.is_dir():
        raise UsageError(f"guichet {command} : dossier introuvable : {output.parent}")
    if args.first_day and args.last_day and args.last_day < args.first_day:
        raise UsageError(f"guichet {command} : --to est avant --from")
    if args.site and args.list_name in lists.WITHOUT_SITE:
        raise UsageError(f"guichet {command} : cette liste n'a pas de lieu (--site)")

    def work(unit):
        wanted = lists.ListFilter(args.first_day, args.last_day)
        if args.site:
            site = _site(unit, args.site, command)
            wanted = lists.ListFilter(args.first_day, args.last_day, site.id, site.time_zone)
        return lists.list_sheet(unit, args.list_name, wanted)

    sheet = in_unit(args, work, args.login)
    write_atomically(output, spreadsheet.WRITERS[args.export_command](sheet, None))
    count = len(sheet.rows)
    print(f"{sheet.title} : {count} ligne{'s' if count > 1 else ''} exportée"
          f"{'s' if count > 1 else ''} dans {output}", file=sys.stdout)
    return EXIT_OK


def add_parsers(commands, parser_class) -> None:
    """``backup``, ``restore`` and ``purge`` at the top of ``guichet``."""
    backup = commands.add_parser("backup", help="copie cohérente de la base (même pendant "
                                                "que d'autres y travaillent)")
    backup.add_argument("-o", dest="output", required=True, metavar="FICHIER",
                        help="fichier de sauvegarde à écrire (remplacé s'il existe)")
    restore = commands.add_parser("restore", help="remplace la base par une sauvegarde, "
                                                  "vérifiée d'abord")
    restore.add_argument("file", metavar="FICHIER", help="sauvegarde faite par guichet backup")
    purge = commands.add_parser("purge", help="supprime ce qui a passé sa durée de "
                                              "conservation (réglée dans Administration)")
    purge.add_argument("--dry-run", action="store_true",
                       help="montre ce qui partirait, par type, sans rien supprimer")
    add_login_options(purge, "purger (un administrateur) ; par défaut, la tâche de nuit")


def cmd_backup(args) -> int:
    from db.lifecycle import backup

    output = Path(args.output)
    if not output.parent.is_dir():
        raise UsageError(f"guichet backup : dossier introuvable : {output.parent}")
    store = open_store(args, create=False)  # a copy changes nothing: no migration first
    try:
        backup.backup(store, output)
    finally:
        store.dispose()
    print(f"Sauvegarde de {store.describe()} écrite dans {output}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from db.lifecycle import backup

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"guichet restore : fichier introuvable : {source}")
    store = open_store(args, create=False)  # the file replaced may be of any revision
    try:
        restored = backup.restore(store, source)
    finally:
        store.dispose()
    print(f"Sauvegarde restaurée dans {store.describe()} (schéma {restored.revision}"
          f"{', mis à jour' if restored.migrated else ''}).")
    if restored.kept_aside is not None:
        print(f"La base remplacée est gardée dans {restored.kept_aside}")
    return EXIT_OK


def purge_report(plan, dry_run: bool) -> str:
    """What went (or would go), kind by kind, in French."""
    from db.wording import NBSP, count, day, thousands

    lines = [f"{'Purge à blanc' if dry_run else 'Purge'} du {day(plan.today)}{NBSP}:"]
    for kind in plan.kinds:
        when = f", avant le {day(kind.before)}" if kind.before else ""
        lines.append(f"  {kind.label} ({kind.rule}{when}){NBSP}: {thousands(kind.count)}")
    if dry_run:
        lines.append(f"Rien n'a été supprimé ({thousands(plan.total)} en tout partiraient).")
    else:
        boards = count(plan.kept_months, "tableau de bord mensuel gardé",
                       "tableaux de bord mensuels gardés")
        lines.append(f"{count(plan.total, 'ligne supprimée', 'lignes supprimées')} en tout"
                     f"{NBSP}; {boards} tels qu'avant la purge.")
    return "\n".join(lines)


def cmd_purge(args) -> int:
    from db.lifecycle import purge

    def work(unit):
        return purge.plan(unit) if args.dry_run else purge.purge(unit)

    print(purge_report(in_unit(args, work, args.login), args.dry_run))
    return EXIT_OK
