"""Passwords: hashed with Argon2id, never kept or logged in clear, chosen by ANSSI's rules.

The hash parameters are OWASP's baseline for Argon2id (19 MiB, 2 passes, 1 lane): about
25 ms to check on an office PC — slow for a guesser, unnoticed when signing in. A password
is at least 12 characters long, is not the login or the person's name, and is not a word
every guesser tries first (ANSSI, « Recommandations relatives à l'authentification
multifacteur et aux mots de passe »).
"""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from db import validation

MIN_LENGTH = 12
# Every demo account's (README): the length rule is for real accounts.
DEMO_PASSWORD = "guichet-demo"
# What guessers try first, folded (no accents, lower case); a password made of one of them
# with digits or signs around is refused too.
_OBVIOUS = frozenset({
    "motdepasse", "password", "passw0rd", "azerty", "qwerty", "abcdef", "bonjour", "soleil",
    "guichet", "cpam", "ameli", "assurance", "maladie", "secu", "france", "services",
    "administrateur", "admin", "conseiller", "mediateur", "responsable", "partenaire",
    "utilisateur", "bienvenue", "changeme", "secret", "azertyuiop", "qwertyuiop",
})
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Letters and digits that a person reads aloud without mistake (no 0/O, 1/l/I).
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (never raises)."""
    try:
        if not password_hash:
            # As long as a real check: how long a refusal takes tells nothing of the account.
            _HASHER.verify(_dummy_hash(), password)
            return False
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def password_problem(password: str, login: str, *names: str) -> str | None:
    """What is wrong with ``password`` for this account, in French; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return (f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères "
                f"({len(password)} saisis).")
    folded = validation.fold(password)
    bare = "".join(c for c in folded if c.isalpha())
    for name in (login, *names):
        name = validation.fold(name).strip()
        if len(name) >= 3 and name in folded:
            return "Le mot de passe ne doit contenir ni l'identifiant ni le nom de la personne."
    if bare in _OBVIOUS or folded in _OBVIOUS or len(set(folded)) <= 3:
        return ("Ce mot de passe est parmi les premiers qu'on essaie : choisissez une phrase "
                "ou une suite de mots à vous.")
    return None


def one_time_password() -> str:
    """A password to give a person by hand (they choose their own at first sign-in)."""
    return "-".join("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(4))
