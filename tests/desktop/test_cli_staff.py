"""``guichet staff add|list|disable|passwd|import``: the office's accounts from the command line
(the stable interface of issue 12), as the database's owner or an administrator."""

from __future__ import annotations

import pytest

from db.org import signin
from db.org.accounts import SignInRefused
from desktop.cli import main
from tests.conftest import TEST_PASSWORD, add_staff
from tests.db.accounts_setup import GOOD


@pytest.fixture
def office(sqlite_store):
    add_staff(sqlite_store)
    return sqlite_store


def staff(office, *arguments: str) -> int:
    return main(["--db", str(office.sqlite_path), "staff", *arguments])


def signs_in(office, login: str, password: str) -> bool:
    try:
        signin.sign_in(office, login, password)
    except SignInRefused:
        return False
    return True


def test_add_with_a_chosen_password_from_stdin(office, piped, capsys):
    piped(GOOD)
    assert staff(office, "add", "hdupre", "--role", "mediator", "--first-name", "Hélène",
                 "--last-name", "Dupré", "--site", "Agence de Grenoble",
                 "--password-stdin") == 0
    assert capsys.readouterr().out == ("Compte « hdupre » créé (Médiateur, Agence de "
                                       "Grenoble).\n")
    assert signs_in(office, "hdupre", GOOD)


def test_add_without_a_password_prints_a_one_time_one(office, capsys):
    assert staff(office, "add", "zmartin", "--role", "adviser", "--first-name", "Zoé",
                 "--last-name", "Martin") == 0
    out = capsys.readouterr().out
    assert "Mot de passe à usage unique, à remettre à la personne" in out
    one_time = out.rsplit(" : ", 1)[1].strip()
    _store, signed = signin.sign_in(office, "zmartin", one_time)
    assert signed.must_change_password


def test_add_refuses_a_weak_password_or_a_taken_login_with_3(office, piped, capsys):
    piped("court")
    assert staff(office, "add", "hdupre", "--role", "adviser", "--first-name", "Hélène",
                 "--last-name", "Dupré", "--password-stdin") == 3
    assert "au moins 12 caractères" in capsys.readouterr().err
    assert staff(office, "add", "conseiller01", "--role", "adviser", "--first-name", "Zoé",
                 "--last-name", "Martin") == 3
    assert "déjà pris" in capsys.readouterr().err


def test_an_administrator_acts_with_its_password_first_then_the_new_one(office, piped,
                                                                        capsys):
    piped(TEST_PASSWORD, GOOD)
    assert staff(office, "passwd", "conseiller01", "--login", "admin",
                 "--password-stdin") == 0
    assert "Mot de passe du compte « conseiller01 » changé." in capsys.readouterr().out
    assert signs_in(office, "conseiller01", GOOD)
    assert not signs_in(office, "conseiller01", TEST_PASSWORD)


def test_an_administrator_s_wrong_password_changes_nothing(office, piped, capsys):
    piped("pas le bon", GOOD)
    assert staff(office, "passwd", "conseiller01", "--login", "admin",
                 "--password-stdin") == 3
    assert "Identifiant ou mot de passe incorrect." in capsys.readouterr().err
    assert signs_in(office, "conseiller01", TEST_PASSWORD)


def test_a_non_administrator_may_not_manage_accounts(office, capsys):
    assert staff(office, "list", "--login", "conseiller01") == 3
    assert "ne permet pas" in capsys.readouterr().err


def test_passwd_on_the_terminal_asks_twice(office, terminal, capsys):
    terminal.typed = [GOOD, GOOD]
    assert staff(office, "passwd", "mediateur01") == 0
    assert terminal.prompts == ["Nouveau mot de passe de mediateur01 : ", "Confirmation : "]
    assert signs_in(office, "mediateur01", GOOD)


def test_list_then_disable(office, capsys):
    assert staff(office, "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Identifiant", "Nom", "Rôle", "Lieu", "ou", "secteur", "État",
                                "Dernière", "connexion"]
    assert any(line.startswith("partenaire01") and "actif" in line for line in lines)
    assert staff(office, "disable", "partenaire01") == 0
    assert "ne peut plus se connecter" in capsys.readouterr().out
    assert not signs_in(office, "partenaire01", TEST_PASSWORD)
    assert staff(office, "disable", "admin") == 3  # the last administrator
    assert "dernier compte administrateur" in capsys.readouterr().err


def test_import_all_or_nothing(office, tmp_path, capsys):
    path = tmp_path / "comptes.csv"
    path.write_bytes("identifiant;prénom;nom;rôle\nhdupre;Hélène;Dupré;Conseiller\n"
                     "zmartin;Zoé;;Pilote\n".encode("cp1252"))
    assert staff(office, "import", str(path)) == 3
    err = capsys.readouterr().err
    assert "aucun compte n'a été créé" in err and "ligne 3" in err.lower()
    assert not signs_in(office, "hdupre", "x" * 12)
    path.write_bytes(b"identifiant;prenom;nom;role\nhdupre;Helene;Dupre;adviser\n")
    assert staff(office, "import", str(path)) == 0
    assert "1 compte créé." in capsys.readouterr().out
