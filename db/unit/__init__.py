"""The unit of work: one transaction for one actor, and the one save path (``rows``)."""

from db.unit.unit import INCLUDE_DELETED, Changes, Unit

__all__ = ["INCLUDE_DELETED", "Changes", "Unit"]
