"""The dashboard's own table: the months kept as they were before a purge (``archive``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Entity


class ArchivedMonth(Entity):
    """The dashboard of one month (all sites: ``site_key`` "", else the site's id), kept
    before a purge removed rows it counted: its figures stay those of before."""

    __tablename__ = "archived_month"
    described_as = "ce mois archivé"

    month: Mapped[date] = mapped_column(Date)  # first day of the month
    site_key: Mapped[str] = mapped_column(String(36), default="")
    sections: Mapped[list] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("month", "site_key"),)
