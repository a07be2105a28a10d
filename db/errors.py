"""Errors the core raises, each with a French message meant for the user."""

from __future__ import annotations


class GuichetError(Exception):
    """Base class: ``str(error)`` is a French sentence a user can read."""


class ValidationError(GuichetError):
    """Input refused. ``field_errors`` maps a field name to its French message."""

    def __init__(self, field_errors: dict[str, str]):
        self.field_errors = dict(field_errors)
        super().__init__(" ".join(self.field_errors.values()))


class PermissionDenied(GuichetError):
    pass


class NotFound(GuichetError):
    pass


class ConflictError(GuichetError):
    """Someone else changed the record meanwhile; the edit was refused, nothing written."""


class DatabaseBusy(GuichetError):
    """Another computer kept the (SQLite) database locked for too long; nothing was written."""


class DatabaseRefused(GuichetError):
    """The database cannot be opened: not a Guichet database, or written by a newer version."""


class AuthenticationFailed(GuichetError):
    """The server refused the login or password (or asked for a password none gave)."""


class ReplicaLocked(DatabaseRefused):
    """An encrypted file (an offline laptop's replica) opened without its key or passphrase,
    or with one that does not open it; nothing was read or written."""


class OfficeOnly(PermissionDenied):
    """What an offline laptop's replica cannot do: imports, purges, new numbers."""
