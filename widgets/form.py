"""A form of labelled fields, each with its own error message shown right below it, that
knows whether the user changed anything since it was filled (``mark_clean``, ``is_dirty``)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from widgets.colours import error_color
from widgets.dirty import DirtyTracker


class FieldLabel(QLabel):
    """A field's label. Qt sizes a label with a mnemonic (« &Téléphone ») to its text's
    advance, but draws the underlined text a few pixels wider: under X11 « Téléphone » lost
    its last « e ». The hint leaves that room."""

    ROOM = 4

    def sizeHint(self) -> QSize:
        return super().sizeHint() + QSize(self.ROOM, 0)

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint() + QSize(self.ROOM, 0)


class FormField(QWidget):
    """An editor and, below it, the message saying what is wrong with its value."""

    def __init__(self, label: str, editor: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.label = FieldLabel(label)
        self.label.setBuddy(editor)  # Alt+letter and screen readers link label and editor
        editor.setAccessibleName(label.replace("&", ""))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setAccessibleName(f"Erreur : {label.replace('&', '')}")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        """Show ``message`` below the editor (an empty message clears it)."""
        self.error.setStyleSheet(f"color: {error_color(self.palette()).name()};")
        self.error.setText(message)
        self.error.setVisible(bool(message))
        # A screen reader reads the description when the editor gets the focus.
        self.editor.setAccessibleDescription(message)
        self.editor.setProperty("invalid", bool(message))

    def error_text(self) -> str:
        return self.error.text()


class Form(QWidget):
    """Named fields in a two-column layout that wraps at narrow widths (large fonts).

    ``dirty_changed(bool)`` fires when the form becomes different from what it was filled
    with, or the same again. The values are remembered by ``mark_clean()`` (call it once the
    fields are filled, and after a save), else when the form is first shown."""

    dirty_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fields: dict[str, FormField] = {}
        self._tracker = DirtyTracker(self)
        self._tracker.dirty_changed.connect(self.dirty_changed)
        self._layout = QFormLayout(self)
        self._layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def add(self, name: str, label: str, editor: QWidget) -> FormField:
        field = FormField(label, editor, self)
        self._fields[name] = field
        self._layout.addRow(field.label, field)
        return field

    def add_facts(self, fields: Iterable[tuple[str, str]]) -> dict[str, QLabel]:
        """Read-only fields, (name, label) each: wrapped text one can select, reached and
        read aloud with Tab. Returns their labels by name, to fill."""
        values = {}
        for name, label in fields:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            value.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.add(name, label, value)
            values[name] = value
        return values

    def field(self, name: str) -> FormField:
        return self._fields[name]

    def names(self) -> list[str]:
        return list(self._fields)

    def set_visible(self, name: str, visible: bool) -> None:
        self._layout.setRowVisible(self._fields[name], visible)

    def is_shown(self, name: str) -> bool:
        return self._layout.isRowVisible(self._fields[name])

    def show_errors(self, errors: dict[str, str]) -> FormField | None:
        """Show each message beside its field, clear the others; focus the first faulty one
        and, when the form scrolls, bring it with its label into view.

        Returns that field, or None when no shown field has an error.
        """
        first = None
        for name, field in self._fields.items():
            message = errors.get(name, "")
            field.set_error(message)
            if message and first is None and self.is_shown(name):
                first = field
        if first is not None:
            first.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self._make_room()
        if first is not None:
            self.scroll_to(first)
            # again once the messages just shown have taken their height
            QTimer.singleShot(0, self, lambda: self.scroll_to(first))
        return first

    def scroll_to(self, field: FormField) -> None:
        """Scroll the nearest scroll area holding the form so that ``field``, its label and
        its message show (as much of them as the area's height allows)."""
        scroll = self.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        if scroll is None or scroll.widget() is None:
            return
        content = scroll.widget()
        box = field.geometry().united(field.label.geometry())
        top_left = self.mapTo(content, box.topLeft())
        centre = top_left + box.center() - box.topLeft()
        margin = min(box.height() // 2 + 8, scroll.viewport().height() // 2)
        scroll.ensureVisible(centre.x(), centre.y(), 20, margin)

    def _make_room(self) -> None:
        """Grow a dialog (never shrink it, never past the screen) when the messages need more
        height than it has: a window does not follow the height its wrapped labels need at
        its width. The main window is left alone: its pages scroll."""
        window = self.window()
        layout = window.layout()
        if not isinstance(window, QDialog) or layout is None or not layout.hasHeightForWidth():
            return
        wanted = layout.totalHeightForWidth(window.width())
        screen = window.screen()
        if screen is not None:
            wanted = min(wanted, screen.availableGeometry().height())
        if wanted > window.height():
            window.resize(window.width(), wanted)

    # -- changes since filled -------------------------------------------------------------
    def mark_clean(self) -> None:
        """Remember the editors' values as the ones the form was filled with."""
        self._tracker.mark_clean()

    def is_dirty(self) -> bool:
        """Whether any editor of the form holds something else than when marked clean."""
        return self._tracker.is_dirty()

    def changed_fields(self) -> list[str]:
        """The names of the fields the user changed, in the form's order."""
        changed = self._tracker.changed()
        return [name for name, field in self._fields.items()
                if any(widget is field or field.isAncestorOf(widget) for widget in changed)]

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._tracker.is_marked():
            self._tracker.mark_clean()

    def unplaced(self, errors: dict[str, str]) -> list[str]:
        """The messages no shown field can display (the caller shows them elsewhere)."""
        return [message for name, message in errors.items()
                if name not in self._fields or not self.is_shown(name)]

    def clear_errors(self) -> None:
        self.show_errors({})
