"""How the call-back screens word due times and delays (Qt-free, tested on its own)."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.wording import moment as french_moment


def duration_text(span: timedelta) -> str:
    """« 40 min », « 3 h », « 3 h 20 », « 2 j » — whole minutes, rounded down."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
    return f"{hours // 24} j"


def delay_text(due_at: datetime, now: datetime, closed: bool = False) -> str:
    """What the queue says of a request: overdue or due in how long, in words (never in
    colour alone, which not everyone sees)."""
    if closed:
        return "Traitée"
    if due_at <= now:
        return f"En retard de {duration_text(now - due_at)}"
    return f"À rappeler dans {duration_text(due_at - now)}"


def due_line(due_at: datetime, time_zone: str) -> str:
    return f"À rappeler avant le {french_moment(due_at, time_zone)}"
