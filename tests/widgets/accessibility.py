"""Accessibility checks for tests (RGAA / WCAG in spirit): focusable widgets a screen reader
could not name, and palette colour pairs too faint to read.

A widget's name is what Qt's accessibility bridge hands to a screen reader, read through
``QAccessible`` itself rather than guessed:

1. its ``accessibleName()``;
2. else the text of a label linked to it (``QLabel.setBuddy``, Qt's *label* relation);
3. else, for widgets that carry their own words (buttons, check boxes, radio buttons, tabs,
   focusable labels), that text, mnemonic ``&`` removed.

A field's current value is not a name: a combo box without label is reported even though
Qt on Linux announces its current text, because « Indifférent, liste déroulante » does not
say what it is about. The parts of a combo box or spin box (their line edit) are checked
through the box itself.

Usage in a test::

    assert unnamed_focusable(dialog) == []
    assert weak_contrasts(app.palette()) == []
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

from widgets.colours import TEXT_CONTRAST, contrast

_ROLE = QAccessible.Role
# Widgets whose own text is their name.
_SELF_NAMED = {_ROLE.Button, _ROLE.CheckBox, _ROLE.RadioButton, _ROLE.PageTab,
               _ROLE.ButtonMenu, _ROLE.ButtonDropDown, _ROLE.Link, _ROLE.MenuItem,
               _ROLE.StaticText}
_COMPOSITES = (QComboBox, QAbstractSpinBox)

_ColorRole = QPalette.ColorRole
TEXT_ON_BACKGROUND = [
    (_ColorRole.WindowText, _ColorRole.Window),
    (_ColorRole.Text, _ColorRole.Base),
    (_ColorRole.Text, _ColorRole.AlternateBase),
    (_ColorRole.PlaceholderText, _ColorRole.Base),
    (_ColorRole.ButtonText, _ColorRole.Button),
    (_ColorRole.HighlightedText, _ColorRole.Highlight),
    (_ColorRole.ToolTipText, _ColorRole.ToolTipBase),
    (_ColorRole.Link, _ColorRole.Base),
    (_ColorRole.LinkVisited, _ColorRole.Base),
]


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader announces for ``widget`` ("" when none)."""
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    for label, _relation in interface.relations(QAccessible.RelationFlag.Label):
        text = label.text(QAccessible.Text.Name).replace("&", "").strip()
        if text:
            return text
    if interface.role() in _SELF_NAMED:
        return interface.text(QAccessible.Text.Name).replace("&", "").strip()
    if interface.role() == _ROLE.PageTabList:  # a tab bar: its tabs speak
        return ", ".join(filter(None, (interface.child(number).text(QAccessible.Text.Name)
                                       for number in range(interface.childCount()))))
    return ""


def focusable_widgets(root: QWidget) -> list[QWidget]:
    """The widgets of ``root``'s tree that Tab can reach (shown, enabled), each composite
    once."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isEnabled():
            continue
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if _inside_composite(widget, root):
            continue
        if widget.focusProxy() is not None and not isinstance(widget, _COMPOSITES):
            continue  # its proxy takes the focus and is checked instead
        found.append(widget)
    return found


def _inside_composite(widget: QWidget, root: QWidget) -> bool:
    """Whether ``widget`` is a part of a combo box or spin box below ``root``."""
    parent = None if widget is root else widget.parentWidget()
    while parent is not None:
        if isinstance(parent, _COMPOSITES):
            return True
        parent = None if parent is root else parent.parentWidget()
    return False


def describe(widget: QWidget) -> str:
    """« QLineEdit 'name' in QDialog > Form » for a report."""
    chain = []
    parent = widget.parentWidget()
    while parent is not None:
        chain.append(type(parent).__name__)
        parent = parent.parentWidget()
    name = f" {widget.objectName()!r}" if widget.objectName() else ""
    return f"{type(widget).__name__}{name} in {' > '.join(reversed(chain)) or 'no parent'}"


def unnamed_focusable(root: QWidget) -> list[str]:
    """The focusable widgets a screen reader could not name, described."""
    return [describe(widget) for widget in focusable_widgets(root) if not accessible_name(widget)]


def weak_contrasts(palette: QPalette, minimum: float = TEXT_CONTRAST) -> list[str]:
    """The text/background pairs of the active and inactive groups under ``minimum``
    (4.5:1, WCAG 1.4.3), as « Active Text on Base: 3.1:1 ». Disabled colours are left out:
    WCAG does not ask contrast of inactive controls."""
    weak = []
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for text, background in TEXT_ON_BACKGROUND:
            ratio = contrast(palette.color(group, text), palette.color(group, background))
            if ratio < minimum:
                weak.append(f"{group.name} {text.name} on {background.name}: {ratio:.1f}:1")
    return weak
