"""Whether a user changed anything in a part of a window since it was filled: a snapshot
of the values of its editors, compared with what they hold now.

Editors are the usual Qt ones (line edits, the date field, plain and rich text, combo boxes,
choice boxes, spin boxes, date and time edits, check boxes and radio buttons) and any widget
that speaks for itself through two methods:

- ``dirty_value()``: its value, compared with ``==`` (a slot picker's chosen slot, a table's
  rows); the widgets inside it are then left to it;
- ``dirty_signals()``: the signals it emits when that value changes.

Read-only editors, and the line edit inside a combo box or a spin box, are not counted.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from widgets.choice_box import ChoiceBox


def _speaks_for_itself(widget: QWidget) -> bool:
    return callable(getattr(widget, "dirty_value", None))


def value_of(widget: QWidget) -> object:
    """What ``widget`` holds, for comparison; ``NotImplemented`` when it is no editor."""
    if _speaks_for_itself(widget):
        return widget.dirty_value()
    if isinstance(widget, ChoiceBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QLineEdit):
        return NotImplemented if widget.isReadOnly() else widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return NotImplemented if widget.isReadOnly() else widget.toPlainText()
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTime()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    if isinstance(widget, QCheckBox | QRadioButton):
        return widget.checkState() if isinstance(widget, QCheckBox) else widget.isChecked()
    return NotImplemented


def change_signals(widget: QWidget) -> list[SignalInstance]:
    """The signals ``widget`` emits when its value changes."""
    if _speaks_for_itself(widget):
        return list(widget.dirty_signals()) if hasattr(widget, "dirty_signals") else []
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged, widget.currentTextChanged]
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QDateTimeEdit):
        return [widget.dateTimeChanged]
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return [widget.valueChanged]
    if isinstance(widget, QCheckBox | QRadioButton):
        return [widget.toggled]
    return []


def editors(root: QWidget) -> list[QWidget]:
    """The editors in ``root``'s tree (``root`` included), outside composites and widgets
    that speak for themselves."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if _owned(widget, root) or value_of(widget) is NotImplemented:
            continue
        found.append(widget)
    return found


def _owned(widget: QWidget, root: QWidget) -> bool:
    """Whether a combo box, a spin box or a self-speaking widget below ``root`` holds it."""
    parent = None if widget is root else widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox) or _speaks_for_itself(parent):
            return True
        parent = None if parent is root else parent.parentWidget()
    return False


class DirtyTracker(QObject):
    """Compares ``root``'s editors with the snapshot ``mark_clean`` took; an editor that
    appeared or went away since counts as a change. ``dirty_changed(bool)`` when
    ``is_dirty()`` flips (editors added after ``mark_clean`` are watched from the next one).
    """

    dirty_changed = Signal(bool)

    def __init__(self, root: QWidget):
        super().__init__(root)
        self._root = root
        self._clean: dict[QWidget, object] | None = None
        self._watched: set[QWidget] = set()
        self._dirty = False

    def is_marked(self) -> bool:
        """Whether a snapshot was taken."""
        return self._clean is not None

    def mark_clean(self) -> None:
        """Remember the values as they are now: the ones the window was filled with."""
        self._clean = {widget: value_of(widget) for widget in editors(self._root)}
        for widget in self._clean:
            if widget not in self._watched:
                self._watched.add(widget)
                widget.destroyed.connect(lambda _obj=None, w=widget: self._watched.discard(w))
                for signal in change_signals(widget):
                    signal.connect(self._recheck)
        self._set_dirty(False)

    def changed(self) -> list[QWidget]:
        """The editors whose value differs from the snapshot (or that are new); none
        before the first ``mark_clean``."""
        if self._clean is None:
            return []
        now = editors(self._root)
        changed = [widget for widget in now
                   if widget not in self._clean or value_of(widget) != self._clean[widget]]
        gone = [widget for widget in self._clean if widget not in set(now)]
        return changed + gone

    def is_dirty(self) -> bool:
        return bool(self.changed())

    def _recheck(self, *_args) -> None:
        self._set_dirty(self.is_dirty())

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

