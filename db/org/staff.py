"""The staff as the other areas read it: names for histories and lists."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.org.models import Staff
from db.unit import INCLUDE_DELETED


def staff_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """« Camille Martin » for each of these accounts (a removed one keeps its name in the
    history)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s.display_name for s in session.scalars(
        select(Staff).where(Staff.id.in_(wanted)).execution_options(**{INCLUDE_DELETED: True}))}


def display_name_of(session: Session, login: str) -> str:
    """« Camille Martin » for the account ``login`` (the login itself if there is none)."""
    staff = session.scalar(select(Staff).where(Staff.login == login.strip().lower()))
    return staff.display_name if staff else login
