"""The keyring account of a server is its address without the password: the password is the
entry's secret, never its name (a keyring's window lists the names)."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from desktop.settings import server_account


def test_a_server_s_keyring_account_never_holds_its_password():
    signed_in = make_url("postgresql+psycopg://conseiller01:secret@db.cpam.local:5432/guichet"
                         "?sslmode=require")
    assert server_account(signed_in) == ("postgresql://conseiller01@db.cpam.local:5432/"
                                         "guichet?sslmode=require")
    # What is looked up at the next start (the address and the last login, no password).
    assert server_account(make_url("postgresql://conseiller01@db.cpam.local:5432/guichet"
                                   "?sslmode=require")) == server_account(signed_in)
