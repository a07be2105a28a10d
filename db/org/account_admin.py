"""Administration › Comptes: creating accounts, changing their role or site, disabling them,
resetting a password; and each person changing their own.

On an embedded database the password's Argon2id hash is kept in the staff row. On a server
each account is a PostgreSQL login role in its role's group role: the administrator's
changes create or alter that role through ``guichet_set_login`` (migration 0009), given a
SCRAM-SHA-256 verifier computed here — the password itself never reaches the server.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select, text

from db.errors import PermissionDenied, ValidationError
from db.org import passwords
from db.org.access import ROLE_LABELS, SERVER_GROUPS, Permission
from db.org.accounts import normalise_login
from db.org.models import OfficeSettings, Site, SiteKind, Staff
from db.org.passwords import DEMO_PASSWORD
from db.roles import Role
from db.unit import Unit, audit, rows

LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9._-]{1,63}")
# What a SCRAM verifier looks like (RFC 5803): nothing else is put in an ALTER ROLE.
_VERIFIER = re.compile(r"SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+")
MAX_LOCK_MINUTES = 120  # as the database's CHECK (ck_office_settings_lock)
LAST_ADMIN = ("C'est le dernier compte administrateur actif : créez ou réactivez d'abord un "
              "autre administrateur.")


@dataclass(frozen=True)
class AccountRow:
    """One line of Administration › Comptes."""

    id: uuid.UUID
    version: int
    login: str
    first_name: str
    last_name: str
    role: Role
    site_id: uuid.UUID | None
    site_name: str
    sector: str
    active: bool
    last_sign_in_at: datetime | None
    must_change_password: bool
    locked_until: datetime | None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass
class AccountInput:
    login: str
    first_name: str
    last_name: str
    role: Role
    site_id: uuid.UUID | None = None
    sector: str = ""  # a France Services agent's


@dataclass(frozen=True)
class NewAccount:
    id: uuid.UUID
    login: str
    # The one-time password to hand to the person (None when the password was given).
    one_time_password: str | None


def list_accounts(unit: Unit) -> list[AccountRow]:
    unit.require(Permission.ADMINISTER, system=True)
    sites = dict(unit.session.execute(select(Site.id, Site.name)).all())
    return [
        AccountRow(s.id, s.version, s.login, s.first_name, s.last_name, s.role, s.site_id,
                   sites.get(s.site_id, ""), s.sector, s.active, s.last_sign_in_at,
                   s.must_change_password, s.locked_until)
        for s in unit.session.scalars(select(Staff).order_by(Staff.last_name,
                                                             Staff.first_name, Staff.login))
    ]


def sectors(unit: Unit) -> list[str]:
    """The France Services sectors named on the sites, for a partner's account."""
    return sorted(unit.session.scalars(
        select(Site.sector).where(Site.kind == SiteKind.FRANCE_SERVICES, Site.sector != "")
        .distinct()))


def is_demo(unit: Unit) -> bool:
    settings = unit.session.scalars(select(OfficeSettings)).first()
    return settings is not None and settings.demo


@dataclass(frozen=True)
class LockSetting:
    version: int
    lock_after_minutes: int


def lock_setting(unit: Unit) -> LockSetting:
    settings = unit.session.scalars(select(OfficeSettings)).one()
    return LockSetting(settings.version, settings.lock_after_minutes)


def set_lock_after(unit: Unit, minutes: int, expected_version: int) -> None:
    """How long a workstation stays idle before it locks (CNIL: a short time)."""
    unit.require(Permission.ADMINISTER)
    if not 1 <= minutes <= MAX_LOCK_MINUTES:
        raise ValidationError({"lock_after_minutes": (
            f"Le poste se verrouille après 1 à {MAX_LOCK_MINUTES} minutes d'inactivité.")})
    settings = unit.session.scalars(select(OfficeSettings)).one()
    rows.check_version(settings, expected_version)
    rows.save(unit, settings, {"lock_after_minutes": minutes})


# -- checking -------------------------------------------------------------------------------

def _checked(unit: Unit, data: AccountInput, account_id: uuid.UUID | None) -> AccountInput:
    data = replace(data, login=normalise_login(data.login), first_name=data.first_name.strip(),
                   last_name=data.last_name.strip(), sector=data.sector.strip())
    errors: dict[str, str] = {}
    if account_id is None:
        if not LOGIN_PATTERN.fullmatch(data.login):
            errors["login"] = ("L'identifiant compte de 2 à 64 caractères : des lettres "
                               "minuscules sans accent, des chiffres, « . », « - » ou « _ », "
                               "et commence par une lettre.")
        elif unit.session.scalar(select(Staff.id).where(Staff.login == data.login)
                                 .execution_options(include_deleted=True)):
            errors["login"] = f"L'identifiant « {data.login} » est déjà pris."
    for field, label in (("first_name", "prénom"), ("last_name", "nom")):
        if not getattr(data, field):
            errors[field] = f"Le {label} est obligatoire."
    if data.role is Role.PARTNER:
        if not data.sector:
            errors["sector"] = ("Un agent France Services travaille dans un secteur : "
                                "choisissez-le.")
        elif data.sector not in sectors(unit):
            errors["sector"] = (f"Aucun lieu France Services n'est du secteur « {data.sector} ».")
    else:
        data = replace(data, sector="")
    if data.site_id is not None and rows.get(unit, Site, data.site_id) is None:
        errors["site_id"] = "Ce lieu d'accueil n'existe pas ou a été supprimé."
    if errors:
        raise ValidationError(errors)
    return data


def _check_password(unit: Unit, password: str, data: AccountInput | Staff) -> None:
    if password == DEMO_PASSWORD and is_demo(unit):  # every demo account's (README)
        return
    problem = passwords.password_problem(password, data.login, data.first_name, data.last_name)
    if problem:
        raise ValidationError({"password": problem})


def _other_active_admins(unit: Unit, account_id: uuid.UUID | None) -> int:
    return unit.session.scalar(
        select(func.count()).select_from(Staff)
        .where(Staff.role == Role.ADMIN, Staff.active.is_(True), Staff.id != account_id))


# -- the server's login roles ---------------------------------------------------------------

def _on_server(unit: Unit) -> bool:
    return unit.session.get_bind().dialect.name == "postgresql"


def _verifier(unit: Unit, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on this computer."""
    pgconn = unit.session.connection().connection.driver_connection.pgconn
    verifier = pgconn.encrypt_password(password.encode(), login.encode(),
                                       b"scram-sha-256").decode()
    if not _VERIFIER.fullmatch(verifier):
        raise RuntimeError("libpq gave no SCRAM-SHA-256 verifier")
    return verifier


def set_server_login(unit: Unit, login: str, role: Role, active: bool,
                     password: str | None) -> None:
    """On a server, create or alter the login role of the account ``login`` (its row must
    exist): member of ``role``'s group, allowed in if ``active``, with ``password`` if one
    is given. Nothing to do on an embedded database."""
    if not _on_server(unit):
        return
    unit.session.execute(
        text("SELECT guichet_set_login(:login, :verifier, :group, :enabled)"),
        {"login": login, "verifier": _verifier(unit, login, password) if password else None,
         "group": SERVER_GROUPS[role], "enabled": active})


def _set_login(unit: Unit, staff: Staff, password: str | None) -> None:
    set_server_login(unit, staff.login, staff.role, staff.active, password)


def _password_values(unit: Unit, password: str, *, one_time: bool) -> dict:
    values = {"must_change_password": one_time, "failed_sign_ins": 0, "locked_until": None}
    if not _on_server(unit):  # a server keeps its own (the accounts may not read the column)
        values["password_hash"] = passwords.hash_password(password)
    return values


# -- the administrator's actions ------------------------------------------------------------

def create_account(unit: Unit, data: AccountInput, password: str | None = None) -> NewAccount:
    """A new account; without ``password``, a one-time password the person changes at their
    first sign-in. A system job (the first administrator, ``guichet staff add`` run as the
    server's owner) may create one."""
    unit.require(Permission.ADMINISTER, system=True)
    data = _checked(unit, data, None)
    if password is not None:
        _check_password(unit, password, data)
    one_time = passwords.one_time_password() if password is None else None
    staff = rows.create(unit, Staff(
        login=data.login, first_name=data.first_name, last_name=data.last_name,
        role=data.role, site_id=data.site_id, sector=data.sector, active=True,
        **_password_values(unit, password or one_time, one_time=one_time is not None)))
    _set_login(unit, staff, password or one_time)
    return NewAccount(staff.id, staff.login, one_time)


def create_first_admin(unit: Unit, data: AccountInput, password: str) -> NewAccount:
    """The first account of a database that has none: its administrator, created by
    whoever opened it (the file's user, the server's owner)."""
    if unit.session.scalar(select(func.count()).select_from(Staff)
                           .execution_options(include_deleted=True)):
        raise PermissionDenied("Cette base a déjà des comptes : un administrateur crée les "
                               "suivants (Administration › Comptes).")
    return create_account(unit, replace(data, role=Role.ADMIN), password)


def update_account(unit: Unit, account_id: uuid.UUID, expected_version: int,
                   data: AccountInput) -> None:
    """Change an account's name, role, site or sector (not its login)."""
    unit.require(Permission.ADMINISTER, system=True)
    staff = rows.load_version(unit, Staff, account_id, expected_version)
    data = _checked(unit, replace(data, login=staff.login), account_id)
    if staff.role is Role.ADMIN and data.role is not Role.ADMIN and staff.active \
            and not _other_active_admins(unit, staff.id):
        raise ValidationError({"role": LAST_ADMIN})
    role_changed = data.role is not staff.role
    rows.save(unit, staff, {"first_name": data.first_name, "last_name": data.last_name,
                            "role": data.role, "site_id": data.site_id, "sector": data.sector})
    if role_changed:
        _set_login(unit, staff, None)


def set_active(unit: Unit, account_id: uuid.UUID, expected_version: int, active: bool) -> None:
    """Disable an account (it can no longer sign in; its history keeps its name), or enable
    it again."""
    unit.require(Permission.ADMINISTER, system=True)
    staff = rows.load_version(unit, Staff, account_id, expected_version)
    if not active:
        if unit.actor is not None and staff.id == unit.actor.id:
            raise PermissionDenied("Vous ne pouvez pas désactiver votre propre compte.")
        if staff.role is Role.ADMIN and not _other_active_admins(unit, staff.id):
            raise PermissionDenied(LAST_ADMIN)
    if rows.save(unit, staff, {"active": active},
                 action="enable" if active else "disable"):
        _set_login(unit, staff, None)


def reset_password(unit: Unit, account_id: uuid.UUID, expected_version: int) -> str:
    """A new one-time password for the account (it waits no more): to hand to the person,
    who chooses their own at the next sign-in."""
    unit.require(Permission.ADMINISTER, system=True)
    staff = rows.load_version(unit, Staff, account_id, expected_version)
    one_time = passwords.one_time_password()
    rows.save(unit, staff, _password_values(unit, one_time, one_time=True),
              action="reset_password")
    _set_login(unit, staff, one_time)
    return one_time


def set_password(unit: Unit, login: str, password: str) -> None:
    """Give an account a chosen password (``guichet staff passwd``): the administrator
    chose it for the person, who keeps it."""
    unit.require(Permission.ADMINISTER, system=True)
    staff = _by_login(unit, login)
    _check_password(unit, password, staff)
    rows.save(unit, staff, _password_values(unit, password, one_time=False),
              action="set_password")
    _set_login(unit, staff, password)


def _by_login(unit: Unit, login: str) -> Staff:
    staff = unit.session.scalar(select(Staff).where(Staff.login == normalise_login(login)))
    if staff is None:
        raise ValidationError({"login": f"Le compte « {login} » n'existe pas."})
    return staff


def disable_login(unit: Unit, login: str) -> None:
    """``guichet staff disable LOGIN``."""
    staff = _by_login(unit, login)
    set_active(unit, staff.id, staff.version, False)


# -- one's own password ---------------------------------------------------------------------

def change_own_password(unit: Unit, new_password: str) -> None:
    """The signed-in person chooses their password (required after a one-time one). On a
    server the role changes its own password; the server may then ask it of every new
    connection, so the caller signs in again with it."""
    if unit.actor is None:
        raise PermissionDenied("Seule une personne connectée change son mot de passe.")
    staff = rows.load(unit, Staff, unit.actor.id)
    _check_password(unit, new_password, staff)
    if _on_server(unit):
        verifier = _verifier(unit, staff.login, new_password)
        # No parameters in ALTER ROLE: the verifier is spelled out (its shape was checked).
        unit.session.connection().exec_driver_sql(
            f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")
        unit.session.execute(text("SELECT guichet_password_changed()"))
        audit.record(unit, "change_password", "staff", staff.id)
        unit.changes.add("staff", staff.id)
    else:
        rows.save(unit, staff, _password_values(unit, new_password, one_time=False),
                  action="change_password")
