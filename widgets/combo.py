"""Combo box helpers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox


def find_data(combo: QComboBox, value: Any) -> int:
    """The index of the item whose data equals ``value`` (by Python equality), or -1.

    ``QComboBox.findData`` compares Python objects it does not know (uuid, enum members…)
    by identity, so an equal value read from the database again would not be found.
    """
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def select_data(combo: QComboBox, value: Any) -> bool:
    """Make the item holding ``value`` current; False (and no change) when there is none."""
    index = find_data(combo, value)
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0
