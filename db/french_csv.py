"""Reading a CSV file as French office tools write it.

``;`` or ``,`` separated, UTF-8 with or without BOM or Windows-1252, quoted fields, CRLF or
LF; the header's names compared without case, accents, spaces or apostrophes. Lines are
numbered as in the file (the header is line 1), for reports that say where each error is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from db import validation
from db.errors import GuichetError
from db.wording import thousands

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class LineError:
    line: int  # in the file, the header being line 1
    message: str

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.message}"


class FileRefused(GuichetError):
    """A file refused whole: nothing written. ``errors`` lists every faulty line."""

    nothing_written = "rien n'a été enregistré."

    def __init__(self, errors: list[LineError]):
        self.errors = errors
        lines = len({e.line for e in errors})
        head = (f"le fichier contient {lines} ligne{'s' if lines > 1 else ''} en erreur ; "
                f"{self.nothing_written}")
        super().__init__("\n".join([head, *(str(e) for e in errors)]))


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding's French name. UTF-8 is tried strictly first: a Windows-1252
    file with accents is never valid UTF-8, while UTF-8 bytes would decode as garbage in
    Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 avec BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "Windows-1252"


def sniff_delimiter(first_line: str) -> str:
    return "," if first_line.count(",") > first_line.count(";") else ";"


def header_key(name: str) -> str:
    """« Date d'entrée » → ``datedentree``."""
    return _NOT_ALNUM.sub("", validation.fold(name))


def records(text: str, delimiter: str, errors: list[LineError]
            ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and each non-blank record with the line it starts on. A record the csv
    module cannot read (a field over its limit, most often an unclosed quote that swallowed
    the rest of the file) ends the reading with a line error in ``errors``, not a crash."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])

    def numbered() -> Iterator[tuple[int, list[str]]]:
        while True:
            start = reader.line_num + 1  # where the next record starts
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                errors.append(LineError(start, (
                    f"Ligne illisible : un champ dépasse {thousands(csv.field_size_limit())} "
                    "caractères (un guillemet « \" » jamais refermé ?) ; la suite du fichier "
                    "n'a pas été lue.")))
                return
            if any(cell.strip() for cell in record):  # « ;;;; » lines spreadsheets leave
                yield start, record

    return header, numbered()
