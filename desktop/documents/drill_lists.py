"""The list behind a dashboard figure as a spreadsheet: the drill-down dialog's columns, typed
(appointments as the agenda lists them, without the advisers' names, as on screen)."""

from __future__ import annotations

import uuid

from db.dashboard.model import Source
from db.unit import Unit
from desktop.documents.lists import (
    DEFAULT_TIME_ZONE,
    appointment_ids_sheet,
    in_order,
    local,
)
from desktop.documents.spreadsheet import Column, Sheet

DRILL_COLUMNS: dict[Source, tuple[Column, ...]] = {
    Source.PREPARATIONS: (
        Column("Rendez-vous", lambda t: local(t.starts_at, t.time_zone), 17),
        Column("Personne", lambda t: t.person_name, 26),
        Column("Motif", lambda t: t.motive_code, 10),
        Column("Conseiller", lambda t: t.adviser_name, 22),
        Column("Site", lambda t: t.site_name, 24), Column("Issue", lambda t: t.state_text, 24)),
    Source.CALLBACKS: (
        Column("Demandée le", lambda c: local(c.requested_at, DEFAULT_TIME_ZONE), 17),
        Column("À rappeler avant", lambda c: local(c.due_at, DEFAULT_TIME_ZONE), 17),
        Column("Traitée le", lambda c: local(c.outcome_at, DEFAULT_TIME_ZONE), 17),
        Column("Personne", lambda c: c.name, 26), Column("Site", lambda c: c.site_name, 24),
        Column("Issue", lambda c: c.outcome_label, 18)),
    Source.PATHWAYS: (
        Column("Nom", lambda w: w.name, 22), Column("Prénom", lambda w: w.first_name, 16),
        Column("NIR", lambda w: w.masked_nir, 22),
        Column("Entrée le", lambda w: w.entry_date, 12),
        Column("État", lambda w: w.status_label, 16),
        Column("Tentatives", lambda w: w.attempts, 10),
        Column("Conseiller", lambda w: w.adviser, 22)),
    Source.CASES: (
        Column("Référence", lambda c: c.reference, 16),
        Column("Reçue le", lambda c: c.received_on, 12),
        Column("État", lambda c: c.status_label, 22),
        Column("Terminée le", lambda c: c.finished_on, 12),
        Column("Issue", lambda c: c.outcome_label or "—", 18),
        Column("Urgente", lambda c: "oui" if c.urgent else "non", 8)),
}


def _reader(source: Source):
    from db.dashboard import drill
    from db.pathways import worklists
    from db.preparation import tasks

    return {Source.PREPARATIONS: tasks.task_rows, Source.CALLBACKS: drill.callback_lines,
            Source.PATHWAYS: worklists.worklist_rows, Source.CASES: drill.case_lines}[source]


def drill_sheet(unit: Unit, source: Source, ids: list[uuid.UUID], title: str) -> Sheet:
    """The records behind a figure, in the order listed."""
    if source is Source.APPOINTMENTS:
        return appointment_ids_sheet(unit, ids, title=title).without(["Conseiller"])
    read = _reader(source)
    return Sheet.of(title, DRILL_COLUMNS[source], in_order(lambda block: read(unit, block), ids))

