"""Administration › Comptes' services on both engines: creating accounts (one-time password,
chosen at first sign-in), changing a role, disabling, the last administrator, importing a
file all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from db.errors import PermissionDenied, ValidationError
from db.org import account_admin, account_import, signin
from db.org.account_admin import AccountInput
from db.org.models import Staff
from db.roles import Role
from tests.conftest import add_staff
from tests.db.accounts_setup import GOOD, make_account, sign_in


def account(store, login: str) -> Staff:
    with store.session() as session:
        staff = session.scalars(select(Staff).where(Staff.login == login)).one()
        session.expunge(staff)
        return staff


def test_a_new_account_signs_in_once_with_its_one_time_password_then_with_its_own(
        store, server_logins):
    login = server_logins()
    with store.unit(None) as unit:
        new = account_admin.create_account(unit, AccountInput(login, "Hélène", "Dupré",
                                                              Role.MEDIATOR))
    assert new.one_time_password and len(new.one_time_password) >= 12
    person, signed = signin.sign_in(store, login, new.one_time_password)
    assert signed.must_change_password
    with pytest.raises(ValidationError) as refused, person.unit(signed.actor) as unit:
        account_admin.change_own_password(unit, "helene dupre 2026")
    assert "ni l'identifiant ni le nom" in refused.value.field_errors["password"]
    with person.unit(signed.actor) as unit:
        account_admin.change_own_password(unit, GOOD)
    if person is not store:
        person.dispose()
    assert not sign_in(store, login, GOOD).must_change_password
    with pytest.raises(signin.SignInRefused):
        sign_in(store, login, new.one_time_password)


def test_an_administrator_resets_a_password_and_the_wait(store, server_logins):
    login = server_logins()
    created = make_account(store, login)
    for _attempt in range(6):
        with pytest.raises(signin.SignInRefused):
            sign_in(store, login, "mauvais mot de passe")
    with store.unit(None) as unit:
        one_time = account_admin.reset_password(unit, created.id, account(store, login).version)
    signed = sign_in(store, login, one_time)
    assert signed.must_change_password


def test_creating_checks_the_login_names_and_a_partners_sector(store, server_logins):
    add_staff(store)
    cases = [
        (AccountInput("Éloïse D", "Éloïse", "D", Role.ADVISER), "login", "lettres minuscules"),
        (AccountInput("conseiller01", "Zoé", "Martin", Role.ADVISER), "login", "déjà pris"),
        (AccountInput(server_logins(), "", "Martin", Role.ADVISER), "first_name",
         "obligatoire"),
        (AccountInput(server_logins(), "Zoé", "Martin", Role.PARTNER), "sector",
         "choisissez-le"),
        (AccountInput(server_logins(), "Zoé", "Martin", Role.PARTNER, sector="Trièves"),
         "sector", "Aucun lieu France Services"),
    ]
    for data, field, words in cases:
        with pytest.raises(ValidationError) as refused, store.unit(None) as unit:
            account_admin.create_account(unit, data)
        assert words in refused.value.field_errors[field], data


def test_only_an_administrator_manages_accounts(store):
    actors = add_staff(store)
    with pytest.raises(PermissionDenied), store.unit(actors[Role.MANAGER]) as unit:
        account_admin.create_account(unit, AccountInput("zmartin", "Zoé", "Martin",
                                                        Role.ADVISER))
    with store.unit(actors[Role.ADMIN]) as unit:
        assert account_admin.list_accounts(unit)[0].login == "admin"


def test_the_last_administrator_stays_and_nobody_disables_themselves(store):
    actors = add_staff(store)
    admin = account(store, "admin")
    with pytest.raises(PermissionDenied) as refused, store.unit(actors[Role.ADMIN]) as unit:
        account_admin.set_active(unit, admin.id, admin.version, False)
    assert "propre compte" in str(refused.value)
    with pytest.raises(PermissionDenied) as refused, store.unit(None) as unit:
        account_admin.set_active(unit, admin.id, admin.version, False)
    assert "dernier compte administrateur" in str(refused.value)
    with pytest.raises(ValidationError) as refused, store.unit(None) as unit:
        account_admin.update_account(unit, admin.id, admin.version, AccountInput(
            "admin", "Camille", "Admin", Role.MANAGER))
    assert "dernier compte administrateur" in refused.value.field_errors["role"]
    assert account(store, "admin").role is Role.ADMIN


def test_a_role_change_moves_the_server_login_to_the_new_group(store, server_logins):
    login = server_logins()
    created = make_account(store, login)
    with store.unit(None) as unit:
        account_admin.update_account(unit, created.id, 1, AccountInput(
            login, "Hélène", "Dupré", Role.MEDIATOR))
    assert sign_in(store, login, GOOD).actor.role is Role.MEDIATOR
    if not store.is_sqlite:
        with store.connection() as connection:
            groups = set(connection.execute(text(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = :login"),
                {"login": login}).scalars())
        assert groups == {"guichet_mediation"}


def test_the_lock_delay_is_between_one_and_120_minutes(store):
    actors = add_staff(store)
    with store.unit(actors[Role.ADMIN]) as unit:
        setting = account_admin.lock_setting(unit)
    assert setting.lock_after_minutes == 10
    with pytest.raises(ValidationError), store.unit(actors[Role.ADMIN]) as unit:
        account_admin.set_lock_after(unit, 0, setting.version)
    with store.unit(actors[Role.ADMIN]) as unit:
        account_admin.set_lock_after(unit, 5, setting.version)
    with store.unit(actors[Role.ADMIN]) as unit:
        assert account_admin.lock_setting(unit).lock_after_minutes == 5


def csv_of(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("cp1252")


def test_an_import_creates_every_account_with_a_one_time_password(store, server_logins):
    add_staff(store)
    first, second = server_logins("imp"), server_logins("imp")
    data = csv_of("Identifiant;Prénom;Nom;Rôle;Lieu d'accueil",
                  f"{first};Hélène;Dupré;Conseiller;Agence de Grenoble",
                  f"{second};Marc;Lefèvre;mediator;")
    with store.unit(None) as unit:
        imported = account_import.import_accounts(unit, data)
    assert [a.login for a in imported.accounts] == [first, second]
    assert sign_in(store, second, imported.accounts[1].one_time_password).actor.role \
        is Role.MEDIATOR
    assert f"{first}\t{imported.accounts[0].one_time_password}" in imported.describe()


def test_a_faulty_import_creates_nothing_and_numbers_every_faulty_line(store, server_logins):
    add_staff(store)
    good, other = server_logins("imp"), server_logins("imp")
    data = csv_of("identifiant;prenom;nom;role",
                  f"{good};Hélène;Dupré;Conseiller",
                  f"{other};Marc;;Pilote",
                  f"{good};Hélène;Dupré;Conseiller",
                  "conseiller01;Zoé;Martin;adviser")
    with pytest.raises(account_import.AccountsRefused) as refused, store.unit(None) as unit:
        account_import.import_accounts(unit, data)
    lines = str(refused.value).splitlines()
    assert lines[0] == ("le fichier contient 3 lignes en erreur ; aucun compte n'a été "
                        "créé.")
    assert {error.line for error in refused.value.errors} == {3, 4, 5}
    assert any("Rôle inconnu « Pilote »" in line for line in lines)
    assert any("figure déjà ligne 2" in line for line in lines)
    with store.session() as session:
        assert session.scalar(select(Staff.id).where(Staff.login == good)) is None
    if not store.is_sqlite:  # nor any server login
        with store.connection() as connection:
            assert connection.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = "
                                           ":login"), {"login": good}).scalar_one() == 0
