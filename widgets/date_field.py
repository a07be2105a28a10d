"""A date typed as jj/mm/aaaa, which may be left empty (QDateEdit cannot)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class DateField(QLineEdit):
    """``date()`` is None when empty and raises ValueError (French) when not a real date."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("jj/mm/aaaa")
        self.setValidator(QRegularExpressionValidator(r"[0-9/]{0,10}", self))

    def date(self) -> date | None:
        text = self.text().strip()
        if not text:
            return None
        match = _DATE.fullmatch(text)
        if match is None and text.isdigit() and len(text) == 8:  # « 03121984 »
            match = _DATE.fullmatch(f"{text[:2]}/{text[2:4]}/{text[4:]}")
        if match is None:
            raise ValueError("Date invalide : saisissez-la sous la forme jj/mm/aaaa.")
        day, month, year = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            raise ValueError(f"Le mois « {match[2]} » n'existe pas : il va de 01 à 12.")
        if year < 1:
            raise ValueError(f"L'année « {match[3]} » n'existe pas.")
        last_day = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last_day:
            # The format was right: say what is wrong with the date itself.
            raise ValueError(f"Le {day:02d}/{month:02d}/{year} n'existe pas : ce mois compte "
                             f"{last_day} jours.")
        return date(year, month, day)

    def set_date(self, value: date | None) -> None:
        self.setText(value.strftime("%d/%m/%Y") if value else "")
