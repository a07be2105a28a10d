"""Command-line fixtures: the person at the terminal types the test accounts' password."""

from __future__ import annotations

import getpass
import io
import sys

import pytest

from tests.conftest import TEST_PASSWORD


class Terminal(io.StringIO):
    """Standard input as a terminal: ``getpass`` answers with ``typed`` (one answer per
    prompt, the last one repeated)."""

    def __init__(self, *typed: str):
        super().__init__("")
        self.typed = list(typed)
        self.prompts: list[str] = []

    def isatty(self) -> bool:
        return True

    def answer(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        return self.typed.pop(0) if len(self.typed) > 1 else self.typed[0]


@pytest.fixture(autouse=True)
def terminal(monkeypatch) -> Terminal:
    typing = Terminal(TEST_PASSWORD)
    monkeypatch.setattr(sys, "stdin", typing)
    monkeypatch.setattr(getpass, "getpass", typing.answer)
    return typing


@pytest.fixture
def piped(monkeypatch):
    """``piped("line 1", "line 2")``: standard input is those lines, not a terminal."""

    def pipe(*lines: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))

    return pipe
