"""A combo box of Python values (enums, UUIDs…) handed back exactly as they were given.

``QComboBox`` item data goes through ``QVariant``: a ``StrEnum`` comes back as a plain ``str``
and ``findData`` does not find a ``UUID``. This box keeps the values on the Python side.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from PySide6.QtWidgets import QComboBox, QWidget


class ChoiceBox(QComboBox):
    """``set_choices([(value, label)…], empty="— Choisir —")``; ``value()`` is None for the
    empty entry."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._values: list[Hashable | None] = []

    def set_choices(self, choices: Iterable[tuple[Hashable, str]], empty: str | None = None,
                    ) -> None:
        """Replace the entries, keeping the chosen value when it is still offered (silently:
        ``currentIndexChanged`` fires only if the choice had to change)."""
        chosen = self.value()
        self.blockSignals(True)
        self.clear()
        self._values = []
        if empty is not None:
            self.addItem(empty)
            self._values.append(None)
        for value, label in choices:
            self.addItem(label)
            self._values.append(value)
        index = self._values.index(chosen) if chosen in self._values else 0
        self.setCurrentIndex(index if self._values else -1)
        self.blockSignals(False)
        if self.value() != chosen:
            self.currentIndexChanged.emit(self.currentIndex())

    def value(self) -> Hashable | None:
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def set_value(self, value: Hashable | None) -> bool:
        """Choose ``value``; False (and no change) when it is not offered."""
        if value not in self._values:
            return False
        self.setCurrentIndex(self._values.index(value))
        return True

    def values(self) -> list[Hashable | None]:
        return list(self._values)
