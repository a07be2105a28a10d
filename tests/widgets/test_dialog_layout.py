"""Dialogs sized to their content and to the screen, their size remembered, and a faulty
field scrolled into view."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from widgets.banner import Banner
from widgets.dialog_layout import (
    DiscardQuestion,
    GuardedDialog,
    SizeMemory,
    content_size,
    lay_out_dialog,
    screen_room,
    size_dialog,
)
from widgets.form import Form


def dialog_with_fields(qtbot, count: int) -> tuple[QDialog, Form, QScrollArea]:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = Form()
    for number in range(count):
        form.add(f"f{number}", f"Champ {number}", QLineEdit())
    scroll = lay_out_dialog(dialog, Banner(dialog), form,
                            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, dialog))
    return dialog, form, scroll


def test_a_dialog_shows_its_whole_content_when_the_screen_allows(qtbot):
    dialog, _form, scroll = dialog_with_fields(qtbot, 16)
    # Qt's own hint keeps a scroll area to about 24 lines: it would hide some fields
    assert content_size(dialog).height() > dialog.sizeHint().height()
    size = size_dialog(dialog)
    assert size == dialog.size() == content_size(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert scroll.verticalScrollBar().maximum() == 0  # nothing hidden below
    assert scroll.horizontalScrollBar().maximum() == 0


def test_a_form_filled_after_its_dialog_was_laid_out_is_measured_whole(qtbot):
    """A base class lays out an empty form, its subclass fills it: the fields count, though
    no event has let the layouts see them yet."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    content, form = QWidget(), Form()
    QVBoxLayout(content).addWidget(form)
    scroll = lay_out_dialog(dialog, Banner(dialog), content,
                            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, dialog))
    for number in range(6):
        form.add(f"f{number}", f"Champ ajouté ensuite {number}", QLineEdit())
    size = size_dialog(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert size.width() >= form.sizeHint().width()
    assert scroll.verticalScrollBar().maximum() == 0
    assert scroll.horizontalScrollBar().maximum() == 0


def test_a_long_dialog_stops_at_the_screen_and_scrolls(qtbot):
    dialog, _form, _scroll = dialog_with_fields(qtbot, 80)
    room = screen_room(dialog, margin=40)
    size = size_dialog(dialog, margin=40)
    assert size.height() == room.height() and size.width() <= room.width()
    assert size.height() == dialog.screen().availableGeometry().height() - 80


def test_the_size_left_is_remembered_and_kept_on_screen(qtbot):
    stored: dict[str, str] = {}
    memory = SizeMemory(stored.get, stored.__setitem__)
    dialog, _form, _scroll = dialog_with_fields(qtbot, 3)
    size_dialog(dialog, key="booking", memory=memory)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(520, 410)
    qtbot.waitUntil(lambda: dialog.size() == QSize(520, 410))
    dialog.accept()
    assert stored == {"booking": "520x410"}

    again, _form, _scroll = dialog_with_fields(qtbot, 3)
    assert size_dialog(again, key="booking", memory=memory) == QSize(520, 410)
    stored["booking"] = "9000x9000"  # saved on a larger screen
    assert size_dialog(again, key="booking", memory=memory) == screen_room(again)
    stored["booking"] = "nonsense"
    assert size_dialog(again, key="booking", memory=memory) != QSize(0, 0)


def test_the_first_faulty_field_is_scrolled_into_view(qtbot):
    dialog, form, scroll = dialog_with_fields(qtbot, 60)
    dialog.resize(500, 400)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert scroll.verticalScrollBar().value() == 0

    field = form.show_errors({"f45": "Ce champ est obligatoire.", "f50": "Et celui-ci."})
    assert field is form.field("f45")

    def whole_field_visible() -> bool:
        viewport = scroll.viewport()
        for widget in (field.label, field.editor, field.error):
            top = widget.mapTo(viewport, widget.rect().topLeft()).y()
            if top < 0 or top + widget.height() > viewport.height():
                return False
        return True

    qtbot.waitUntil(whole_field_visible)
    assert scroll.verticalScrollBar().value() > 0
    assert isinstance(field.label, QLabel) and field.error.isVisible()


def test_a_guarded_dialog_asks_only_when_something_changed(qtbot, monkeypatch):
    asked: list[object] = []
    monkeypatch.setattr(DiscardQuestion, "ask",
                        classmethod(lambda _cls, parent: asked.append(parent) or False))
    dialog = GuardedDialog()
    qtbot.addWidget(dialog)
    form, notes = Form(dialog), QLineEdit(dialog)
    form.add("name", "&Nom", QLineEdit())
    dialog.guard(form, notes)  # a form, and a plain editor followed by a tracker
    dialog.mark_clean()
    dialog.show()
    assert not dialog.has_changes()
    notes.setText("à rappeler")
    assert dialog.has_changes()
    dialog.reject()
    assert asked == [dialog] and dialog.isVisible()  # « Continuer la saisie »
    dialog.mark_clean()
    dialog.reject()
    assert len(asked) == 1 and not dialog.isVisible()
