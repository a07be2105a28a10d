"""The layering of DESIGN.md and the code style hold for the whole tree."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

from db.unit import events

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ("db", "desktop", "widgets")
LONGEST_MODULE = 600  # lines


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_import_contracts_are_kept():
    result = run(str(BIN / "lint-imports"), "--config", "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_ruff_is_clean():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_anywhere():
    """Between modules, imports under TYPE_CHECKING and inside functions included."""
    graph = grimp.build_graph(*PACKAGES)
    edges = {module: graph.find_modules_directly_imported_by(module)
             for module in graph.modules}
    assert _cycles(edges) == []


def test_no_module_is_longer_than_its_limit():
    long = [f"{path.relative_to(ROOT)} ({count} lignes)"
            for package in PACKAGES for path in (ROOT / package).rglob("*.py")
            if "versions" not in path.parts
            and (count := len(path.read_text().splitlines())) > LONGEST_MODULE]
    assert long == []


def test_every_event_handler_is_listed_with_its_module():
    """A handler runs only if its module is imported: ``events.SUBSCRIBERS`` names them all."""
    holding = set()
    for path in (ROOT / "db").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", "") == "subscribe"
                    for d in node.decorator_list):
                holding.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert holding == set(events.SUBSCRIBERS)
