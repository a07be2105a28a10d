"""What any text written to the database may hold: as long as its column, no control character.

PostgreSQL refuses a 101-character value in a ``VARCHAR(100)`` or a NUL byte with a raw
``DataError``, while SQLite stores both silently (and a letter's PDF later chokes on them).
The save path checks every text it writes here first, on both engines alike, and refuses in
French (``ValidationError`` keyed by the column's name, which is the form's field name), before
anything reaches the database. Services that know better (a name, a NIR) say it first; this is
the floor under every field, those of a future form included.

Line breaks and tabs are text (an address, a note); the other C0 and C1 control characters,
and lone surrogates (not encodable in UTF-8), are not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import Enum, String, inspect

from db.errors import ValidationError
from db.wording import thousands

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def problem(value: str, max_length: int | None, subject: str = "Ce texte") -> str | None:
    """The French reason ``value`` cannot be stored in a column of ``max_length``, or None;
    ``subject`` names it (« Le nom »)."""
    if _CONTROL.search(value):
        return (f"{subject} contient un caractère de contrôle (invisible) : retirez-le ou "
                "saisissez-le à nouveau.")
    if max_length is not None and len(value) > max_length:
        return (f"{subject} compte {thousands(len(value))} caractères : "
                f"{thousands(max_length)} au plus.")
    return None


def _lengths(model: type) -> dict[str, int | None]:
    """Each text column of ``model`` (by attribute name) and its length (None: unbounded)."""
    cached = _LENGTHS.get(model)
    if cached is None:
        cached = _LENGTHS[model] = {
            attribute.key: attribute.columns[0].type.length
            for attribute in inspect(model).column_attrs
            if isinstance(attribute.columns[0].type, String)
            and not isinstance(attribute.columns[0].type, Enum)}
    return cached


_LENGTHS: dict[type, dict[str, int | None]] = {}


def length_of(model: type, key: str) -> int | None:
    """How many characters the text column ``key`` of ``model`` holds (None: unbounded)."""
    return _lengths(model)[key]


def problems(model: type, values: Mapping[str, object]) -> dict[str, str]:
    """The French reason for each text of ``values`` that a column of ``model`` cannot hold."""
    lengths = _lengths(model)
    return {key: reason for key, value in values.items()
            if key in lengths and isinstance(value, str)
            and (reason := problem(value, lengths[key])) is not None}


def check_values(model: type, values: Mapping[str, object]) -> None:
    """Refuse (``ValidationError``, every field at once) the texts of ``values`` that a
    column of ``model`` cannot hold."""
    errors = problems(model, values)
    if errors:
        raise ValidationError(errors)


def check_row(row: object) -> None:
    """``check_values`` for the texts of ``row`` that are new or changed (a value stored
    before this rule existed does not block an edit of another field)."""
    state = inspect(row)
    changed = {key: getattr(row, key) for key in _lengths(type(row))
               if state.pending or state.transient or state.attrs[key].history.added}
    check_values(type(row), changed)
