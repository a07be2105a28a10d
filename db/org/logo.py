"""The office's logo on its letterhead: a PNG or a JPEG small enough to travel in every
letter, checked before it is stored. Refusals are French sentences an administrator can act
on (``ValidationError`` on the ``letterhead_logo`` field)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from db.errors import ValidationError
from db.wording import NBSP, thousands

FIELD = "letterhead_logo"
MAX_BYTES = 512 * 1024  # embedded in each letter: a logo is a few dozen kilobytes
MIN_SIDE, MAX_SIDE = 16, 4000  # pixels
# Magic numbers: the file's first bytes, whatever its name says.
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class Logo:
    kind: str  # "PNG" or "JPEG"
    width: int  # pixels
    height: int


def _refused(message: str) -> ValidationError:
    return ValidationError({FIELD: message})


def _too_heavy(size: int) -> ValidationError:
    return _refused(f"Le logo pèse {size_text(size)}{NBSP}: {size_text(MAX_BYTES)} au plus. "
                    "Enregistrez-le plus petit (600 pixels de large suffisent).")


def size_text(size: int) -> str:
    """« 740 Ko », « 2,4 Mo »: a file's weight as an office reads it (rounded up: a file
    over the limit never reads as the limit)."""
    if size < 1024 * 1024:
        return f"{thousands(max(1, math.ceil(size / 1024)))}{NBSP}Ko"
    return f"{size / (1024 * 1024):.1f}{NBSP}Mo".replace(".", ",")


def check_logo(data: bytes) -> Logo:
    """What ``data`` is, or the French refusal: PNG or JPEG only, ``MAX_BYTES`` at most,
    an image that decodes, between ``MIN_SIDE`` and ``MAX_SIDE`` pixels a side."""
    if not data:
        raise _refused(f"Le fichier choisi est vide{NBSP}: choisissez l'image du logo "
                       "(PNG ou JPEG).")
    if len(data) > MAX_BYTES:
        raise _too_heavy(len(data))
    kind = next((name for magic, name in _SIGNATURES.items() if data.startswith(magic)), None)
    if kind is None:
        raise _refused(f"Ce fichier n'est pas une image PNG ou JPEG{NBSP}: enregistrez le "
                       "logo dans l'un de ces formats.")
    from PIL import Image  # not needed to start: only when a logo is checked

    try:
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
            if max(width, height) > MAX_SIDE:
                raise _refused(f"Le logo mesure {thousands(width)} × {thousands(height)} "
                               f"pixels{NBSP}: {thousands(MAX_SIDE)} au plus de côté.")
            image.load()  # decodes it whole: a truncated file fails here
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds for a damaged file
        raise _refused(f"Cette image {kind} est endommagée ou illisible{NBSP}: enregistrez "
                       "le logo de nouveau.") from None
    if min(width, height) < MIN_SIDE:
        raise _refused(f"Le logo mesure {width} × {height} pixels{NBSP}: {MIN_SIDE} au "
                       "moins de côté, pour rester net à l'impression.")
    return Logo(kind, width, height)


def read_logo(path: str | Path) -> bytes:
    """The bytes of the logo file at ``path``, checked (``check_logo``); a file too heavy is
    refused before it is read whole."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_heavy(size)
        data = path.read_bytes()
    except OSError as error:
        raise _refused(f"Le fichier « {path.name} » ne peut pas être lu "
                       f"({error.strerror or error}).") from None
    check_logo(data)
    return data
