"""The paged model: rows come page by page, each asked for once, as the view scrolls down."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from widgets.id_list_model import fix_row_height
from widgets.paged_model import PagedModel


def make_model() -> tuple[PagedModel, list[int]]:
    asked: list[int] = []
    model = PagedModel(["N°", "Texte"], lambda row, column: (str(row), f"ligne {row}")[column],
                       lambda row, column, role: f"bulle {row}"
                       if role == Qt.ItemDataRole.ToolTipRole else None)
    model.more_wanted.connect(lambda: asked.append(model.rowCount()))
    return model, asked


def test_a_page_is_asked_for_once_and_appended(qtmodeltester):
    model, asked = make_model()
    model.reset(range(100), more=True)
    qtmodeltester.check(model)
    model.fetchMore()
    model.fetchMore()  # still on its way: not asked twice
    assert asked == [100]
    assert not model.canFetchMore()
    model.add_page(range(100, 130), more=False)
    assert model.rowCount() == 130 and not model.canFetchMore()
    index = model.index(129, 1)
    assert (model.data(index), model.data(index, Qt.ItemDataRole.ToolTipRole)) == (
        "ligne 129", "bulle 129")
    model.reset([], more=False)
    assert model.rowCount() == 0 and model.row_at(model.index(0, 0)) is None


def test_scrolling_to_the_end_asks_for_the_next_page(qtbot):
    model, asked = make_model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    fix_row_height(view)
    view.resize(300, 200)
    view.show()
    model.reset(range(50), more=True)
    qtbot.waitExposed(view)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: asked == [50], timeout=2000)
