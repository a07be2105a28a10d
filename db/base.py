"""Declarative base and the conventions every mutable row follows (see DESIGN.md).

Every area's models (``db/<area>/models.py``) build on ``Entity``: a UUID key made by the
application, timestamps, an optimistic ``version`` and a soft delete. Each model names itself
for the refusals a person reads (``described_as``: « Quelqu'un d'autre a modifié *ce
rendez-vous* ») and says what is missing when a row is gone (``not_found``).
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import DateTime, Enum, Integer, MetaData, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def require_aware(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is a programming error (whose wall clock?)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the core")
    return moment.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every engine.

    SQLite has no time zone type: values come back naive, so we store UTC and re-attach it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(cls: type[enum.Enum], name: str) -> Enum:
    """An enum stored as plain text with a CHECK, so adding a value later is a cheap
    migration."""
    return Enum(cls, name=name, native_enum=False, length=32,
                values_callable=lambda e: [m.value for m in e])


class SectorScoped:
    """A row of a site (``site_id``) that a France Services partner sees only for the sites
    of their sector — in every query of their units (db.unit), as the server's row-level
    security does (migration 0009)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """A mutable, syncable row: UUID key, timestamps, optimistic version and soft delete."""

    __abstract__ = True

    # « Quelqu'un d'autre a modifié {described_as} entre-temps » (db.unit.rows).
    described_as: ClassVar[str] = "cet enregistrement"
    not_found: ClassVar[str] = "Cet enregistrement n'existe pas ou a été supprimé."

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}
