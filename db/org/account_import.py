"""Importing accounts from a spreadsheet (``guichet staff import FICHIER.csv``): every line
checked first, then all created or none.

The header names the columns ``identifiant``, ``prenom``, ``nom``, ``role`` and optionally
``site`` (a site's name) and ``secteur`` (a France Services agent's), in any order, case or
accents. A role is given by its code (``adviser``) or its French name (« Conseiller »).
Each account gets a one-time password, to hand to the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db import french_csv
from db.errors import ValidationError
from db.french_csv import LineError
from db.org import account_admin
from db.org.access import ROLE_LABELS, Permission
from db.org.account_admin import AccountInput, NewAccount
from db.org.models import Site
from db.roles import Role
from db.unit import Unit

REQUIRED = ("identifiant", "prenom", "nom", "role")
OPTIONAL = ("site", "secteur")
_HEADER_NAMES = {"identifiant": "identifiant", "login": "identifiant", "prenom": "prenom",
                 "nom": "nom", "role": "role", "site": "site", "lieu": "site",
                 "lieudaccueil": "site", "secteur": "secteur"}
_ROLES = {**{role.value: role for role in Role},
          **{french_csv.header_key(label): role for role, label in ROLE_LABELS.items()}}


class AccountsRefused(french_csv.FileRefused):
    """The file was refused: no account created."""

    nothing_written = "aucun compte n'a été créé."


@dataclass(frozen=True)
class ImportedAccounts:
    accounts: list[NewAccount]

    def describe(self) -> str:
        """What the command prints: each account and the one-time password to hand over."""
        count = len(self.accounts)
        lines = [f"{count} compte{'s' if count > 1 else ''} créé{'s' if count > 1 else ''}. "
                 "Mots de passe à usage unique, à remettre à chaque personne (elle choisit "
                 "le sien à sa première connexion) :"]
        lines += [f"{a.login}\t{a.one_time_password}" for a in self.accounts]
        return "\n".join(lines)


def import_accounts(unit: Unit, data: bytes) -> ImportedAccounts:
    """Create the file's accounts, all or none (``AccountsRefused`` numbers every fault)."""
    unit.require(Permission.ADMINISTER, system=True)
    inputs, errors = _read(unit, data)
    created: list[NewAccount] = []
    for line, data_of_line in inputs:
        try:  # a line is refused before anything of it is written (create_account)
            created.append(account_admin.create_account(unit, data_of_line))
        except ValidationError as error:
            errors.extend(LineError(line, message) for message in error.field_errors.values())
    if errors:
        raise AccountsRefused(sorted(errors, key=lambda e: e.line))
    return ImportedAccounts(created)


def _read(unit: Unit, data: bytes) -> tuple[list[tuple[int, AccountInput]], list[LineError]]:
    try:
        text, _encoding = french_csv.decode(data)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return [], [LineError(line, "Caractère illisible : le fichier n'est ni en UTF-8 ni "
                                    "en Windows-1252.")]
    if not text.strip():
        return [], [LineError(1, "Le fichier est vide.")]
    errors: list[LineError] = []
    header, numbered = french_csv.records(
        text, french_csv.sniff_delimiter(text.split("\n", 1)[0]), errors)
    columns = {_HEADER_NAMES[key]: index for index, name in enumerate(header)
               if (key := french_csv.header_key(name)) in _HEADER_NAMES}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return [], [LineError(1, "Colonne obligatoire absente : "
                                 + ", ".join(f"« {name} »" for name in missing)
                                 + f" (colonnes attendues : {', '.join(REQUIRED + OPTIONAL)}).")]
    sites = {site.name.casefold(): site.id for site in unit.session.scalars(select(Site))}
    inputs, first_line_of = [], {}
    for line, record in numbered:
        values = {name: record[index].strip() if index < len(record) else ""
                  for name, index in columns.items()}
        role = _ROLES.get(french_csv.header_key(values["role"]))
        site_id = sites.get(values.get("site", "").casefold())
        if role is None:
            errors.append(LineError(line, f"Rôle inconnu « {values['role']} » (possibles : "
                                          + ", ".join(ROLE_LABELS.values()) + ")."))
        if values.get("site") and site_id is None:
            errors.append(LineError(line, f"Lieu d'accueil inconnu « {values['site']} »."))
        login = values["identifiant"].lower()
        if login in first_line_of:
            errors.append(LineError(line, f"L'identifiant « {login} » figure déjà ligne "
                                          f"{first_line_of[login]}."))
            continue
        first_line_of[login] = line
        # An unknown role is reported above; the line's other faults are found as an
        # adviser's would be (and nothing is created, the file being refused).
        inputs.append((line, AccountInput(login, values["prenom"], values["nom"],
                                          role or Role.ADVISER, site_id,
                                          values.get("secteur", ""))))
    if not inputs and not errors:
        errors.append(LineError(1, "Le fichier ne contient que l'en-tête : aucun compte à "
                                   "créer."))
    return inputs, errors
