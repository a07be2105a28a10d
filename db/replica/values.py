"""Column values as the replica's journal and the server's outcomes keep them (JSON), and back.

Dates, times and moments as ISO 8601 text, ids as text, enumerations as their value; read back
with the column's own type, so that a value compared after the round trip is the value that
was written.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Column, Enum, TypeDecorator


def encode(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    return value


def decode(column: Column, value: object) -> object:
    """``value`` as ``column``'s Python type (what a Core select of the column gives)."""
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # db.base.UTCDateTime: a datetime underneath
        column_type = column_type.impl_instance
    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        return column_type.enum_class(value)
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    if python_type in (uuid.UUID, Decimal):
        return python_type(value)
    return value


def encode_row(values: dict[str, object]) -> dict[str, object]:
    return {name: encode(value) for name, value in values.items()}


def decode_row(table, values: dict[str, object]) -> dict[str, object]:
    return {name: decode(table.c[name], value) for name, value in values.items()
            if name in table.c}
