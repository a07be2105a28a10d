"""A month's dashboard kept as it was, for the months a purge took rows from.

Before the retention purge removes rows of a month, the dashboard of that month (all sites,
and each site) is kept as plain JSON in ``archived_month``; reading that month afterwards
gives the kept figures, so that the indicators of past months stay right once the rows are
gone. The lists behind the figures are gone with the rows: a kept month says so.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dashboard.model import Chart, Drill, Figure, Measure, Section, Source, Table
from db.dashboard.models import ArchivedMonth

KEPT_NOTE = ("Mois archivé avant la purge des données anciennes : les chiffres sont ceux "
             "d'alors, les listes détaillées ne sont plus disponibles.")


def site_key(site_id: uuid.UUID | None) -> str:
    return str(site_id) if site_id else ""


# -- to JSON and back ------------------------------------------------------------------------

def _drill(drill: Drill) -> dict:
    return {"source": drill.source.value, "month": drill.month.isoformat(),
            "site": site_key(drill.site_id), "conditions": [list(c) for c in drill.conditions]}


def _figure(figure: Figure) -> dict:
    return {"label": figure.label, "count": figure.count, "of": figure.of,
            "drill": _drill(figure.drill)}


def section_content(section: Section) -> dict:
    return {
        "key": section.key, "title": section.title, "note": section.note,
        "activity": section.activity,
        "figures": [_figure(f) for f in section.figures],
        "measures": [{"label": m.label, "text": m.text,
                      "drill": _drill(m.drill) if m.drill else None} for m in section.measures],
        "charts": [{"title": c.title, "bars": [_figure(f) for f in c.bars]}
                   for c in section.charts],
        "tables": [{"title": t.title, "heading": t.heading, "columns": list(t.columns),
                    "rows": [[label, [_figure(f) for f in cells]] for label, cells in t.rows]}
                   for t in section.tables],
    }


def _drill_of(data: dict) -> Drill:
    return Drill(Source(data["source"]), date.fromisoformat(data["month"]),
                 uuid.UUID(data["site"]) if data["site"] else None,
                 tuple(tuple(c) for c in data["conditions"]))


def _figure_of(data: dict) -> Figure:
    return Figure(data["label"], data["count"], _drill_of(data["drill"]), data["of"])


def section_of(data: dict) -> Section:
    note = f"{data['note']} {KEPT_NOTE}".strip()
    return Section(
        data["key"], data["title"], tuple(_figure_of(f) for f in data["figures"]),
        tuple(Measure(m["label"], m["text"], _drill_of(m["drill"]) if m["drill"] else None)
              for m in data["measures"]),
        tuple(Chart(c["title"], tuple(_figure_of(f) for f in c["bars"]))
              for c in data["charts"]),
        tuple(Table(t["title"], t["heading"], tuple(t["columns"]),
                    tuple((label, tuple(_figure_of(f) for f in cells))
                          for label, cells in t["rows"]))
              for t in data["tables"]),
        note, data["activity"],
    )


# -- reading ----------------------------------------------------------------------------------

def kept_sections(session: Session, month: date, site_id: uuid.UUID | None
                  ) -> dict[str, Section] | None:
    """The kept sections of ``month`` by key, None when the month was never archived."""
    content = session.scalar(select(ArchivedMonth.sections).where(
        ArchivedMonth.month == month.replace(day=1),
        ArchivedMonth.site_key == site_key(site_id)))
    if content is None:
        return None
    return {data["key"]: section_of(data) for data in content}


def is_kept(session: Session, month: date, site_id: uuid.UUID | None) -> bool:
    return session.scalar(select(ArchivedMonth.id).where(
        ArchivedMonth.month == month.replace(day=1),
        ArchivedMonth.site_key == site_key(site_id))) is not None

