"""The main window fits a 1280-pixel-wide laptop screen, sidebar open, on every page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle

from desktop.main_window import MainWindow
from desktop.mediation.case_list import COLUMNS

LAPTOP_WIDTH = 1280


def laptop_window(qtbot, demo_context, login: str) -> tuple[MainWindow, object]:
    """The main window of ``login`` on the small demo, 1280 × 800, and its context."""
    ctx = demo_context(login)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(LAPTOP_WIDTH, 800)
    window.show()
    qtbot.waitExposed(window)
    return window, ctx


@pytest.mark.parametrize("login", ["conseiller01", "mediateur01", "partenaire01", "admin",
                                   "responsable01"])
def test_every_page_fits_a_laptop_screen_with_the_sidebar_open(qtbot, demo_context, login):
    """On the demo's sites and names (« France Services de Monestier-de-Clermont »)."""
    window, ctx = laptop_window(qtbot, demo_context, login)
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


def cut_short(table, column: int) -> list[str]:
    """The texts of ``column`` (its header's and its cells') cut short in their width: the
    text and the margins the style draws it within must fit."""
    style, width = table.style(), table.columnWidth(column)
    cell_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                         table) + 1)
    header_margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, table)
    model, cut = table.model(), []
    header = model.headerData(column, Qt.Orientation.Horizontal)
    if table.horizontalHeader().fontMetrics().horizontalAdvance(header) + header_margin > width:
        cut.append(header)
    for row in range(model.rowCount()):
        index = model.index(row, column)
        font = index.data(Qt.ItemDataRole.FontRole) or QFont(table.font())
        text = index.data() or ""
        if QFontMetrics(font).horizontalAdvance(text) + cell_margin > width:
            cut.append(text)
    return cut


def test_the_case_list_shows_the_next_deadline_whole_on_a_laptop(qtbot, demo_context):
    """Every column without a sideways bar at 1280 pixels, « Prochaine échéance » and
    « 16/11/2026 (accusé de réception) » whole, the alert too — with a vertical bar (every
    case listed) and without."""
    window, ctx = laptop_window(qtbot, demo_context, "mediateur01")
    page = window.show_area("mediation")
    table = page.cases.table
    model = table.model()
    for status in (0, 1):  # « Dossiers ouverts », then « Tous les états »
        page.cases.status.setCurrentIndex(status)
        qtbot.waitUntil(ctx.tasks.idle, timeout=5000)
        qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
        QApplication.processEvents()
        deadline = COLUMNS.index("Prochaine échéance")
        assert any(model.index(row, deadline).data() for row in range(model.rowCount()))
        assert cut_short(table, deadline) == []
        assert cut_short(table, COLUMNS.index("Alerte")) == []
        assert cut_short(table, COLUMNS.index("Référence")) == []
        assert not table.horizontalScrollBar().isVisible()
    assert table.verticalScrollBar().isVisible()  # the second time: the bar took its room


def test_administration_lists_every_site_s_name_whole_on_a_laptop(qtbot, demo_context):
    """« France Services de Monestier-de-Clermont » without a sideways bar."""
    window, _ctx = laptop_window(qtbot, demo_context, "admin")
    page = window.show_area("admin")
    records = page.sites.records
    qtbot.waitUntil(lambda: records.count() > 0, timeout=5000)
    QApplication.processEvents()
    assert not records.horizontalScrollBar().isVisible()
    assert window.minimumSizeHint().width() <= LAPTOP_WIDTH
