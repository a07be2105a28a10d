"""The rules of a person's identity, wherever it comes from: the people form, a pathway
extract, the demo. One set, so that an import never stores what the form refuses (a birth
date in 1850, a 100,000-character surname)."""

from __future__ import annotations

from datetime import date

from db import validation
from db.people.models import Person
from db.unit import text

EARLIEST_BIRTH_YEAR = 1900
_SUBJECTS = {"last_name": "Le nom", "first_name": "Le prénom"}


def clean_name(value: str) -> str:
    """Spaces collapsed, as the registry stores names."""
    return " ".join((value or "").split())


def name_problem(field: str, value: str, required: bool = True) -> str | None:
    """Why the cleaned name ``value`` of ``field`` (« last_name »…) is refused, or None."""
    if not value:
        return f"{_SUBJECTS[field]} est obligatoire." if required else None
    return text.problem(value, text.length_of(Person, field), _SUBJECTS[field])


def birth_date_problem(birth_date: date, nir: str | None, today: date | None = None) -> str | None:
    """Why ``birth_date`` is refused (future, before 1900, against the NIR), or None."""
    if birth_date > (today or date.today()):
        return "La date de naissance ne peut pas être dans le futur."
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        return f"La date de naissance est antérieure à {EARLIEST_BIRTH_YEAR}."
    if nir:
        return validation.nir_birth_date_mismatch(nir, birth_date)
    return None
