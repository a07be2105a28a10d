"""SMS text in the GSM 03.38 alphabet (3GPP TS 23.038), the one every phone reads in
160-character messages.

A character of the basic table counts one septet; one of the extension table (``€ [ ] { } ^
~ | \\`` and the form feed) is sent as an escape plus a character and counts two. Anything
else would switch the message to UCS-2 and 70 characters, so French text is brought into
the alphabet first: the accents the basic table lacks (â ê î ô û ç ë ï…) lose them,
typographic quotes, apostrophes, dashes and no-break spaces become their plain forms.
"""

from __future__ import annotations

import re
import unicodedata

SMS_LIMIT = 160  # septets in one SMS

# The basic table, in code order (0x00–0x7F); 0x1B is the escape to the extension table.
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"
_BASIC = frozenset(BASIC) - {"\x1b"}
_EXTENSION = frozenset(EXTENSION)

# Typography that has a plain GSM-7 form.
_PLAIN = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'", "‚": "'",
    "–": "-", "—": "-", "‑": "-", "…": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "œ": "oe", "Œ": "OE", "ç": "c", "•": "-", "°": "o",
}


def septets(text: str) -> int:
    """The length of ``text`` in an SMS: escapes count two. ``ValueError`` for a character
    outside the alphabet (call ``to_gsm7`` first)."""
    total = 0
    for character in text:
        if character in _BASIC:
            total += 1
        elif character in _EXTENSION:
            total += 2
        else:
            raise ValueError(f"not in the GSM 03.38 alphabet: {character!r}")
    return total


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def _plain(character: str) -> str:
    if character in _BASIC or character in _EXTENSION:
        return character
    if character in _PLAIN:
        return _PLAIN[character]
    # Drop the accent the basic table has no letter for: « ê » → « e », « Ô » → « O ».
    base = "".join(c for c in unicodedata.normalize("NFD", character)
                   if not unicodedata.combining(c))
    if base and all(c in _BASIC for c in base):
        return base
    return "?"


def to_gsm7(text: str) -> str:
    """``text`` in the GSM-7 alphabet, on one line (a file's cell), single-spaced."""
    plain = "".join(_plain(c) for c in " ".join(text.split()))
    return re.sub(" {2,}", " ", plain).strip()


def fit(text: str, limit: int = SMS_LIMIT) -> str:
    """``text`` in GSM-7, cut at a word to at most ``limit`` septets (« ... » marks a cut)."""
    text = to_gsm7(text)
    if septets(text) <= limit:
        return text
    kept = ""
    for word in text.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if septets(candidate) + 3 > limit:
            break
        kept = candidate
    return kept + "..."
