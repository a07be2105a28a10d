"""``guichet staff …``: the accounts, from the command line (README, « Accounts »).

Run as the server's owner, or on an embedded file by its user, without ``--login`` (a system
job, audited as « système »); or as an administrator with ``--login``. On a server each
account is a login role, created or altered with the account.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli_session import EXIT_OK, UsageError, in_unit, passwords, session

ROLE_CODES = ("adviser", "mediator", "mediation_assistant", "manager", "partner", "admin")


def add_parsers(commands, parser_class) -> None:
    staff = commands.add_parser("staff", help="comptes des personnes")
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION",
                                   parser_class=parser_class, required=True)
    add = actions.add_parser("add", help="crée un compte")
    add.add_argument("new_login", metavar="IDENTIFIANT")
    add.add_argument("--role", required=True, choices=ROLE_CODES, metavar="RÔLE",
                     help="|".join(ROLE_CODES))
    add.add_argument("--first-name", required=True, metavar="PRÉNOM")
    add.add_argument("--last-name", required=True, metavar="NOM")
    place = add.add_mutually_exclusive_group()
    place.add_argument("--site", metavar="LIEU", help="nom du lieu d'accueil de rattachement")
    place.add_argument("--sector", metavar="SECTEUR",
                       help="secteur France Services (agent France Services)")
    _new_password_option(add, "le mot de passe du compte")
    _acting_admin(add)

    actions.add_parser("list", help="liste les comptes")
    _acting_admin(actions.choices["list"])

    disable = actions.add_parser("disable", help="désactive un compte")
    disable.add_argument("target_login", metavar="IDENTIFIANT")
    _acting_admin(disable)

    passwd = actions.add_parser("passwd", help="donne un nouveau mot de passe à un compte")
    passwd.add_argument("target_login", metavar="IDENTIFIANT")
    _new_password_option(passwd, "le nouveau mot de passe")
    _acting_admin(passwd)

    import_parser = actions.add_parser("import", help="crée les comptes d'un fichier CSV "
                                       "(tout ou rien)")
    import_parser.add_argument("file", metavar="FICHIER",
                               help="CSV : identifiant ; prenom ; nom ; role ; site ; secteur")
    _acting_admin(import_parser)


def _new_password_option(parser, what: str) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help=f"lit {what} sur l'entrée standard (une ligne ; avec --login, "
                             "celui de l'administrateur sur la ligne d'avant) ; sinon un mot "
                             "de passe à usage unique est donné")


def _acting_admin(parser) -> None:
    parser.add_argument("--login", metavar="IDENTIFIANT",
                        help="administrateur au nom duquel agir (son mot de passe est "
                             "demandé) ; sinon le propriétaire de la base")
    if not any(action.dest == "password_stdin" for action in parser._actions):
        parser.add_argument("--password-stdin", action="store_true",
                            help="lit le mot de passe de --login sur l'entrée standard")


def _site_id(unit, name: str | None):
    from sqlalchemy import func, select

    from db.org.models import Site

    if not name:
        return None
    site_id = unit.session.scalar(select(Site.id).where(func.lower(Site.name)
                                                         == name.strip().lower()))
    if site_id is None:
        names = ", ".join(unit.session.scalars(select(Site.name).order_by(Site.name)))
        raise UsageError(f"guichet staff add : lieu d'accueil inconnu « {name} » (lieux : "
                         f"{names})")
    return site_id


def _new_password(args, source, login: str) -> str | None:
    """The new password (``--password-stdin`` or typed twice), None for a one-time one."""
    if args.password_stdin:
        return source.read("")
    if args.staff_command == "add":
        return None
    first = source.read(f"Nouveau mot de passe de {login} : ")
    if source.read("Confirmation : ") != first:
        raise UsageError("guichet staff passwd : les deux saisies ne sont pas identiques")
    return first


def cmd_add(args) -> int:
    from db.org import account_admin
    from db.org.access import ROLE_LABELS
    from db.roles import Role

    source = passwords(args)
    with session(args, args.login) as (store, actor):
        password = _new_password(args, source, args.new_login)
        with store.unit(actor) as unit:
            data = account_admin.AccountInput(
                args.new_login, args.first_name, args.last_name, Role(args.role),
                _site_id(unit, args.site), args.sector or "")
            created = account_admin.create_account(unit, data, password)
    where = f", {args.site}" if args.site else f", secteur {args.sector}" if args.sector else ""
    print(f"Compte « {created.login} » créé ({ROLE_LABELS[Role(args.role)]}{where}).")
    if created.one_time_password:
        print(f"Mot de passe à usage unique, à remettre à la personne (elle choisit le sien à "
              f"sa première connexion) : {created.one_time_password}")
    return EXIT_OK


def cmd_list(args) -> int:
    from db.org import account_admin
    from db.wording import local_moment

    accounts = in_unit(args, account_admin.list_accounts, args.login)
    lines = [("Identifiant", "Nom", "Rôle", "Lieu ou secteur", "État", "Dernière connexion")]
    for account in accounts:
        state = "actif" if account.active else "désactivé"
        if account.must_change_password:
            state += ", mot de passe à choisir"
        place = ", ".join(filter(None, (account.site_name,
                                        account.sector and f"secteur {account.sector}")))
        lines.append((account.login, account.display_name, account.role_label, place, state,
                      local_moment(account.last_sign_in_at) if account.last_sign_in_at
                      else "jamais"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
              .rstrip())
    return EXIT_OK


def cmd_disable(args) -> int:
    from db.org import account_admin

    in_unit(args, lambda unit: account_admin.disable_login(unit, args.target_login),
            args.login)
    print(f"Compte « {args.target_login} » désactivé : il ne peut plus se connecter.")
    return EXIT_OK


def cmd_passwd(args) -> int:
    from db.org import account_admin

    source = passwords(args)
    with session(args, args.login) as (store, actor):
        password = _new_password(args, source, args.target_login)
        with store.unit(actor) as unit:
            account_admin.set_password(unit, args.target_login, password)
    print(f"Mot de passe du compte « {args.target_login} » changé.")
    return EXIT_OK


def cmd_import(args) -> int:
    from db.org import account_import

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"guichet staff import : fichier introuvable : {path}")
    data = path.read_bytes()
    report = in_unit(args, lambda unit: account_import.import_accounts(unit, data), args.login)
    print(report.describe())
    return EXIT_OK


STAFF_COMMANDS = {"add": cmd_add, "list": cmd_list, "disable": cmd_disable,
                  "passwd": cmd_passwd, "import": cmd_import}


def cmd_staff(args: argparse.Namespace) -> int:
    return STAFF_COMMANDS[args.staff_command](args)
