"""How dialogs are laid out and sized: a banner, content that may outgrow the screen (a form
at 200 % scaling) in a scroll area, and the buttons; a size that fits the content and the
screen, remembered between runs; and the question asked before throwing changes away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from widgets.dirty import DirtyTracker


def scrolling(content: QWidget, parent: QWidget, *, wrap: bool = False) -> QScrollArea:
    """``content`` in a frameless scroll area that resizes it to the width available. With
    ``wrap`` it never scrolls sideways: its lines wrap, a sideways bar would only hide their
    ends."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    # Tab goes to the fields inside, which scroll into view; the area itself is no stop.
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if wrap:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    return scroll


def lay_out_dialog(dialog: QWidget, banner: QWidget, content: QWidget, buttons: QWidget, *,
                   wrap: bool = False) -> QScrollArea:
    """A dialog's usual layout: the banner on top, ``content`` scrolling in all the height
    left, the buttons at the bottom. Returns the scroll area."""
    scroll = scrolling(content, dialog, wrap=wrap)
    layout = QVBoxLayout(dialog)
    layout.addWidget(banner)
    layout.addWidget(scroll, 1)
    layout.addWidget(buttons)
    return scroll


def save_and_cancel(dialog: QDialog, save_text: str, save: Callable[[], None], *,
                    cancel_text: str = "Annuler") -> tuple[QDialogButtonBox, QPushButton]:
    """The buttons of a dialog that saves: ``save_text`` (the default button, so Enter in a
    field saves, but not Enter on another button) runs ``save``; ``cancel_text`` closes the
    dialog. Returns the box and the save button."""
    buttons = QDialogButtonBox(dialog)
    save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    save_button.setDefault(True)
    save_button.setAutoDefault(False)
    cancel = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    save_button.clicked.connect(save)
    cancel.clicked.connect(dialog.reject)
    return buttons, save_button


# -- size ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SizeMemory:
    """Where dialog sizes are kept between runs (the application's settings: ``widgets``
    cannot import them). ``load(key)`` returns what ``save(key, value)`` stored, a
    « 900x640 » text, or None."""

    load: Callable[[str], object]
    save: Callable[[str, str], None]


def content_size(dialog: QWidget) -> QSize:
    """The size the dialog needs to show its content whole: its size hint, with the whole
    content of its scroll areas rather than the part Qt's hint allows them."""
    # A layout keeps the size its widgets had when they joined it: a form its dialog laid
    # out, then filled (a step of a case), would be measured empty until shown.
    for widget in dialog.findChildren(QWidget):
        widget.updateGeometry()
    wanted = QSize(dialog.sizeHint())
    for scroll in dialog.findChildren(QScrollArea):
        content = scroll.widget()
        if content is None or not scroll.isVisibleTo(dialog) or _inside_scroll(scroll, dialog):
            continue
        frame = 2 * scroll.frameWidth()
        bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        hint = content.sizeHint()
        wanted += QSize(max(0, hint.width() + frame + bar - scroll.sizeHint().width()),
                        max(0, hint.height() + frame - scroll.sizeHint().height()))
    return wanted


def _inside_scroll(widget: QWidget, dialog: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def screen_room(dialog: QWidget, margin: int = 48) -> QSize:
    """The available screen size (without task bars) around the dialog, less ``margin`` on
    each side."""
    screen = (dialog.parentWidget() or dialog).screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry().size()
    return QSize(max(200, available.width() - 2 * margin),
                 max(150, available.height() - 2 * margin))


def size_dialog(dialog: QWidget, *, key: str | None = None,
                memory: SizeMemory | None = None, margin: int = 48) -> QSize:
    """Resize ``dialog`` to fit its content, or to the size it was last left at when
    ``key`` and ``memory`` are given, never beyond the screen (less ``margin``) nor below
    its minimum; remember its size by ``key`` each time it is hidden. Returns the size."""
    size = content_size(dialog)
    saved = _read_size(memory.load(key)) if key and memory else None
    if saved is not None:
        size = saved
    size = size.boundedTo(screen_room(dialog, margin)).expandedTo(dialog.minimumSize())
    dialog.resize(size)
    if key and memory and dialog.findChild(_SizeKeeper, key) is None:
        _SizeKeeper(dialog, key, memory)
    return size


def _read_size(value: object) -> QSize | None:
    if isinstance(value, QSize):
        return value if value.isValid() else None
    try:
        width, height = (int(part) for part in str(value).split("x"))
    except ValueError:
        return None
    return QSize(width, height) if width > 0 and height > 0 else None


class _SizeKeeper(QObject):
    """Saves its dialog's size when it is hidden (closed, accepted or rejected)."""

    def __init__(self, dialog: QWidget, key: str, memory: SizeMemory):
        super().__init__(dialog)
        self.setObjectName(key)
        self._key, self._memory = key, memory
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and watched is self.parent():
            size = watched.size()
            self._memory.save(self._key, f"{size.width()}x{size.height()}")
        return False


# -- changes thrown away ---------------------------------------------------------------------

class DiscardQuestion:
    """« Abandonner les modifications ? », « Continuer la saisie » being the default and
    Escape. Tests replace ``ask`` (a class method) instead of answering a modal box."""

    @classmethod
    def box(cls, parent: QWidget | None) -> tuple[QMessageBox, QPushButton]:
        """The question, and its « Abandonner » button."""
        box = QMessageBox(QMessageBox.Icon.Question,
                          QApplication.applicationDisplayName() or "Modifications",
                          "Abandonner les modifications ?", QMessageBox.StandardButton.NoButton,
                          parent)
        box.setInformativeText("Ce que vous avez saisi depuis l'ouverture sera perdu.")
        discard = box.addButton("Abandonner", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Continuer la saisie", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        return box, discard

    @classmethod
    def ask(cls, parent: QWidget | None) -> bool:
        """True when the user chooses to throw the changes away."""
        box, discard = cls.box(parent)
        box.exec()
        return box.clickedButton() is discard


def confirm_discard(parent: QWidget | None) -> bool:
    """Ask whether to throw the changes away; a dialog calls it when dirty::

        def reject(self):
            if self.form.is_dirty() and not confirm_discard(self):
                return  # the user goes on typing
            super().reject()

    ``reject`` covers Escape, « Annuler » and the window's close button (``QDialog``'s
    ``closeEvent`` calls it, and keeps the dialog open when it does not close it)."""
    return DiscardQuestion.ask(parent)


class GuardedDialog(QDialog):
    """A dialog that asks « Abandonner les modifications ? » before closing with changes:
    Escape, the cancel button and the window's close button all go through ``reject``.
    ``guard(*parts)`` names what holds the user's input (forms, or any widget whose editors
    a ``DirtyTracker`` follows); ``mark_clean()`` once they show what the dialog opened
    with. Saving closes with ``accept``, which asks nothing."""

    def guard(self, *parts: QWidget) -> None:
        self._guarded = [part if hasattr(part, "is_dirty") else DirtyTracker(part)
                         for part in parts]

    def mark_clean(self) -> None:
        for part in getattr(self, "_guarded", []):
            part.mark_clean()

    def has_changes(self) -> bool:
        return any(part.is_dirty() for part in getattr(self, "_guarded", []))

    def reject(self) -> None:
        if self.has_changes() and not confirm_discard(self):
            return  # the user goes on typing
        super().reject()
