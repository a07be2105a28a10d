"""The widget modules stay readable: none over 600 lines, and no import circle among them."""

from __future__ import annotations

from pathlib import Path

import grimp

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"


def test_no_widget_module_is_over_600_lines():
    long = {path.name: length for path in WIDGETS.glob("*.py")
            if (length := len(path.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}


def test_no_widget_module_imports_itself_through_others():
    graph = grimp.build_graph("widgets")
    circles = sorted((importer, imported) for importer in graph.modules
                     for imported in graph.find_modules_directly_imported_by(importer)
                     if graph.chain_exists(importer=imported, imported=importer))
    assert circles == []
