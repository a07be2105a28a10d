"""Forms take no more characters than the database holds: the service refuses more
(``db.unit.text``), the form says so first by not taking them.

Only fields typed as they are stored: a NIR or a phone is typed with spaces and stored
without, so its column's length is not the field's.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLineEdit

from db.unit import text
from widgets.form import Form


def limit_to_columns(form: Form, model: type, names: Iterable[str]) -> None:
    """Each line edit of ``form`` named in ``names`` holds at most its ``model`` column."""
    for name in names:
        editor = form.field(name).editor
        length = text.length_of(model, name)
        if isinstance(editor, QLineEdit) and length is not None:
            editor.setMaxLength(length)
