"""The main window fits a 1280-pixel-wide laptop screen, sidebar open, on every page."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from desktop.main_window import MainWindow

LAPTOP_WIDTH = 1280


@pytest.mark.parametrize("login", ["conseiller01", "mediateur01", "partenaire01", "admin",
                                   "responsable01"])
def test_every_page_fits_a_laptop_screen_with_the_sidebar_open(qtbot, demo_context, login):
    """On the demo's sites and names (« France Services de Monestier-de-Clermont »)."""
    ctx = demo_context(login)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(LAPTOP_WIDTH, 800)
    window.show()
    qtbot.waitExposed(window)
    too_wide = {}
    for key in window.sidebar.visible_keys():
        window.show_area(key)
        qtbot.waitUntil(ctx.tasks.idle, timeout=5000)  # the page has its data
        QApplication.processEvents()
        assert window.sidebar.isVisible()
        width = window.minimumSizeHint().width()
        if width > LAPTOP_WIDTH or window.width() > LAPTOP_WIDTH:
            too_wide[key] = max(width, window.width())
    assert not too_wide, f"wider than {LAPTOP_WIDTH} pixels: {too_wide}"


def test_the_case_list_needs_no_sideways_bar_on_a_laptop(qtbot, demo_context):
    """The mediator's list shows every column, « Prochaine échéance » included, at 1280."""
    ctx = demo_context("mediateur01")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(LAPTOP_WIDTH, 800)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_area("mediation")
    qtbot.waitUntil(ctx.tasks.idle, timeout=5000)
    table = page.cases.table
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
    QApplication.processEvents()
    assert not table.horizontalScrollBar().isVisible()
