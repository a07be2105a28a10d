"""Every page of every role and the editing dialogs, walked as a screen reader would: no
focusable control without a name; every text colour of the palettes and of the style
sheets readable (4.5:1) in light and in dark."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QTabWidget

from desktop import theme
from desktop.main_window import MainWindow
from tests.gui.test_dialog_guard import OPENERS, window  # noqa: F401
from tests.widgets.accessibility import unnamed_focusable, weak_contrasts
from widgets.colours import TEXT_CONTRAST, contrast, error_color

WAIT = 10_000


def every_tab(root) -> None:
    """Show each tab of each tab widget once, so that their content is laid out."""
    for tabs in root.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QApplication.processEvents()


def every_page(qtbot, main: MainWindow):
    """Each page of the main window's sidebar, (key, page), once every tab of it was shown
    and its data came."""
    for key in main.sidebar.visible_keys():
        page = main.show_area(key)
        qtbot.waitUntil(main.ctx.tasks.idle, timeout=WAIT)
        every_tab(page)
        qtbot.waitUntil(main.ctx.tasks.idle, timeout=WAIT)
        yield key, page


@pytest.mark.parametrize("login", ["conseiller01", "mediateur01", "partenaire01",
                                   "responsable01", "admin"])
def test_every_control_of_every_page_has_a_name(qtbot, demo_context, login):
    ctx = demo_context(login)
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    unnamed = {}
    for key, page in every_page(qtbot, main):
        found = unnamed_focusable(page)
        if found:
            unnamed[key] = found
    found = unnamed_focusable(main.sidebar)
    if found:
        unnamed["sidebar"] = found
    assert unnamed == {}


@pytest.mark.parametrize("opener", OPENERS, ids=lambda opener: opener.__name__)
def test_every_control_of_the_editing_dialogs_has_a_name(qtbot, window, opener):  # noqa: F811
    dialog, _field = opener(qtbot, window)
    qtbot.waitExposed(dialog)
    assert unnamed_focusable(dialog) == []


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_palettes_text_is_readable(name):
    palette = theme.light_palette() if name == "light" else theme.dark_palette()
    assert weak_contrasts(palette) == []


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_style_sheets_error_red_is_readable_where_it_is_shown(name):
    """The style sheets' one colour of their own: the error red of fields, banners and the
    sign-in message, on the window and on a field's background."""
    palette = theme.light_palette() if name == "light" else theme.dark_palette()
    red = error_color(palette)
    for background in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert contrast(red, palette.color(background)) >= TEXT_CONTRAST, background.name
