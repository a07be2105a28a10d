"""The id list model: a list of keys, rows fetched lazily by block."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from widgets.id_list_model import IdListModel, fix_row_height


class Source:
    """Rows are (key, text) pairs; remembers every fetch and can 'delete' keys."""

    def __init__(self):
        self.fetches: list[list[int]] = []
        self.deleted: set[int] = set()

    def fetch(self, keys: list[int]) -> list[tuple[int, str]]:
        self.fetches.append(list(keys))
        return [(key, f"ligne {key}") for key in keys if key not in self.deleted]

    def fetched_keys(self) -> set[int]:
        return {key for fetch in self.fetches for key in fetch}


def make_model(source: Source, block_size: int = 50, cached_blocks: int = 32) -> IdListModel:
    return IdListModel(
        ["Clé", "Texte"], source.fetch, lambda row: row[0],
        lambda row, column: str(row[0]) if column == 0 else row[1],
        block_size=block_size, cached_blocks=cached_blocks,
    )


def test_model_passes_the_model_tester(qtmodeltester):
    model = make_model(Source())
    model.set_keys(range(120))
    qtmodeltester.check(model)
    model.set_keys([])
    qtmodeltester.check(model)


def test_headers_cells_and_keys():
    source = Source()
    model = make_model(source)
    model.set_keys([10, 20, 30])
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Texte"
    assert model.data(model.index(1, 1)) == "ligne 20"
    assert model.key_at(model.index(2, 0)) == 30
    assert model.row_of(30) == 2 and model.row_of(99) is None
    source.deleted.add(30)
    model.refresh()
    assert model.data(model.index(2, 1)) is None  # gone meanwhile: an empty line
    assert model.data(model.index(1, 1)) == "ligne 20"


def test_rows_are_fetched_by_block_and_cached_within_bounds():
    source = Source()
    model = make_model(source, block_size=10, cached_blocks=2)
    model.set_keys(range(100))
    assert source.fetches == []  # setting keys fetches nothing
    for row in range(10):
        model.data(model.index(row, 0))
    assert source.fetches == [list(range(10))]
    model.data(model.index(55, 0))
    model.data(model.index(95, 0))  # a third block: the least recently used one goes
    model.data(model.index(5, 0))
    assert source.fetches[-1] == list(range(10))
    assert len(source.fetches) == 4


def test_200000_keys_show_at_once_and_only_visible_blocks_are_fetched(qtbot):
    source = Source()
    model = make_model(source)
    view = QTableView()
    qtbot.addWidget(view)
    fix_row_height(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)

    started = time.perf_counter()
    model.set_keys(range(200_000))
    view.grab()  # paints the visible rows
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5
    visible_rows = view.viewport().height() // view.verticalHeader().defaultSectionSize() + 1
    assert 0 < len(source.fetched_keys()) <= max(visible_rows, 50) + 50
    assert source.fetched_keys() <= set(range(100))

    view.scrollTo(model.index(150_000, 0))
    view.grab()
    assert any(150_000 in fetch for fetch in source.fetches)
    assert len(source.fetched_keys()) <= 4 * 50


def test_other_roles_come_from_the_same_cached_row(qtmodeltester):
    source = Source()
    model = IdListModel(
        ["Clé", "Texte"], source.fetch, lambda row: row[0],
        lambda row, column: row[1],
        role_data=lambda row, column, role: (
            "gras" if role == Qt.ItemDataRole.ToolTipRole and row[0] % 2 else None),
    )
    model.set_keys(range(10))
    qtmodeltester.check(model)
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "gras"
    assert model.data(model.index(2, 1), Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(model.index(3, 1)) == "ligne 3"
    assert len(source.fetches) == 1  # one block fetched for every role


def test_keys_added_after_the_first_page_keep_what_is_shown(qtbot, qtmodeltester):
    source = Source()
    model = make_model(source, block_size=10)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_keys(range(15))  # a first page ending inside a block
    model.data(model.index(3, 0))
    model.data(model.index(12, 0))
    view.selectRow(3)
    model.extend_keys(range(15, 40))
    qtmodeltester.check(model)
    assert model.rowCount() == 40 and model.key_at(model.index(39, 0)) == 39
    assert view.currentIndex().row() == 3  # the selection stays on its row
    assert model.data(model.index(14, 1)) == "ligne 14"
    assert model.data(model.index(15, 1)) == "ligne 15"  # the short block fetched again
    assert source.fetches == [list(range(10)), list(range(10, 15)), list(range(10, 20))]
    model.data(model.index(5, 0))
    assert len(source.fetches) == 3  # the full block before stayed cached
