"""What the call-back screens choose from: the sites (with what their due times need) and
the motives, read once and again when an administrator changes them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from db.agenda import setup as agenda_setup
from db.agenda.setup import MotiveRow
from db.org import sites


@dataclass(frozen=True)
class SiteInfo:
    id: uuid.UUID
    name: str
    time_zone: str
    department: str


@dataclass(frozen=True)
class CallbackChoices:
    sites: list[SiteInfo]
    motives: list[MotiveRow]

    def site(self, site_id: uuid.UUID) -> SiteInfo | None:
        return next((s for s in self.sites if s.id == site_id), None)


def load_choices(unit) -> CallbackChoices:
    found = [SiteInfo(summary.id, summary.name, summary.time_zone, summary.department)
             for summary in sites.list_sites(unit)]
    return CallbackChoices(sorted(found, key=lambda s: s.name),
                           agenda_setup.list_motives(unit, on=date.today()))


# The kinds of records whose change calls for reading the choices again.
CHOICE_KINDS = {"site", "motive"}
