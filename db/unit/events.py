"""Domain events: what one area tells the others, inside the same unit of work.

An area raises an event (``unit.raise_event(AppointmentBooked(…))``) instead of calling the
areas that follow it: booking knows nothing of preparations or workshops. A handler is a
function ``handler(unit, event)`` marked ``@subscribe(EventType)``; it runs at once, in the
same transaction, so a refusal in a handler undoes the write that raised the event.

Every module holding handlers is listed in ``SUBSCRIBERS`` and imported on the first event
raised: a booking creates its preparation task whatever the process imported before
(``tests/test_architecture.py`` checks that the list holds every ``@subscribe``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

SUBSCRIBERS: tuple[str, ...] = (
    "db.agenda.workshops",
    "db.pathways.follow",
    "db.preparation.follow",
    "db.messages.queue",
)

Event = TypeVar("Event")
# ``handler(unit, event)``; the unit is untyped here: this module sits below ``db.unit.unit``.
Handler = Callable[[Any, Event], None]
_handlers: dict[type, list[Handler]] = {}
_loaded = False


def subscribe(event_type: type[Event]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers.setdefault(event_type, []).append(handler)
        return handler
    return register


def dispatch(unit, event: object) -> None:
    """Run every handler of ``event``'s type, in the order their modules are listed."""
    global _loaded
    if not _loaded:
        for module in SUBSCRIBERS:
            importlib.import_module(module)
        _loaded = True
    for handler in _handlers.get(type(event), ()):
        handler(unit, event)
