"""Every action the code audits and every kind of record has its French name in the journal:
read from the code itself, so that a new action cannot show as a bare code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from db.journal.labels import (
    ACTION_LABELS,
    ENTITY_ACTION_LABELS,
    ENTITY_LABELS,
    action_label,
)
from db.metadata import load_all

ROOT = Path(__file__).resolve().parents[2]
# The save path's own actions (``db.unit.rows``' defaults).
SAVE_PATH = {"create", "update", "delete"}


def _texts(node: ast.expr, constants: dict[str, str]) -> set[str]:
    """The strings an argument may be: a literal, a module's constant, or either branch of
    ``"enable" if active else "disable"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _texts(node.body, constants) | _texts(node.orelse, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return {constants[node.id]}
    return set()


def written_actions() -> set[str]:
    """The action of every ``record(unit, "…", …)`` and every ``action="…"`` in the core
    (a module's constant included), and those the migrations' SQL functions write."""
    found = set(SAVE_PATH)
    for path in (ROOT / "db").rglob("*.py"):
        source = path.read_text()
        if "versions" in path.parts:
            found |= set(re.findall(r"INSERT INTO audit_event.*?VALUES \([^']*'(\w+)'",
                                    source, re.S))
            continue
        tree = ast.parse(source)
        constants = {target.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            arguments = [node.args[1]] if name in ("record", "audit_many") and \
                len(node.args) > 1 else []
            arguments += [keyword.value for keyword in node.keywords if keyword.arg == "action"]
            for argument in arguments:
                found |= _texts(argument, constants)
    return found


def test_every_action_written_has_a_french_label():
    actions = written_actions()
    assert {"read_nir", "sign_in", "sign_in_failed", "book", "open", "import", "disable",
            "enable", "reset_password", "change_password"} <= actions
    assert actions - set(ACTION_LABELS) == set()


def test_every_table_has_a_french_name():
    assert {table.name for table in load_all().sorted_tables} - set(ENTITY_LABELS) == set()


def test_an_action_reads_after_the_kind_of_record_it_was_done_to():
    assert action_label("withdraw", "message") == "Message retiré de la file d'envoi"
    assert action_label("withdraw", "workshop_session") == "Retrait de la liste d'attente"
    assert action_label("withdraw") == "Retrait de la liste d'attente"
    assert action_label("cancel", "appointment") == "Annulation"
    assert action_label("unknown_action", "message") == "unknown_action"
    # Each pair names a table and an action the code writes: none is a dead label.
    actions = written_actions()
    for entity_type, action in ENTITY_ACTION_LABELS:
        assert entity_type in ENTITY_LABELS and action in actions, (entity_type, action)
