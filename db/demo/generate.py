"""Demo data: a fictitious but realistic CPAM office (CPAM de l'Isère), the same for the same seed.

``generate`` fills an empty database in one transaction by running ``STEPS`` in order. Each
step adds one area (sites, staff, people; later issues add appointments, preparations, pathway
cohorts and mediation cases) and leaves what it made in the shared ``DemoContext`` for the
steps after it. Every step draws from its own random generator, seeded from the seed and the
step's name, so adding a step never changes what the others produce.

Rows are written with bulk Core inserts: the large set (200,000 people) must load in under two
minutes on SQLite and PostgreSQL, full-text indexes included.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select

from db.demo.agenda import add_agenda
from db.demo.context import SIZES, DemoContext, DemoRefused, DemoSummary, Progress, Step, new_id
from db.demo.mediation import add_mediation_cases
from db.demo.messages import add_messages
from db.demo.org import add_sites, add_staff
from db.demo.pathways import add_pathways
from db.demo.people import add_people
from db.demo.preparation import add_preparations
from db.org.models import Site, Staff
from db.people.models import Person
from db.unit import audit

# In order: a step may use what the steps before it created.
STEPS: list[Step] = [add_sites, add_staff, add_people, add_agenda, add_preparations,
                     add_mediation_cases, add_pathways, add_messages]


NOT_EMPTY = ("La base contient déjà des données : les données de démonstration ne "
             "s'ajoutent qu'à une base vide.")


def generate(
    store,
    size: str = "small",
    seed: int = 2026,
    progress: Progress | None = None,
    *,
    people_count: int | None = None,
    today: date | None = None,
) -> DemoSummary:
    """Fill an empty database with demo data; refuse (writing nothing) if it holds any.

    ``size`` is a key of ``SIZES``. ``people_count`` overrides the number of people of that
    size (tests use a few hundred to stay fast). ``today`` is the reference day dated data
    is spread around (default: today).
    """
    if size not in SIZES:
        raise DemoRefused(f"Taille inconnue « {size} » : small ou large.")
    with store.unit(None) as unit:
        occupied = unit.session.scalar(select(
            exists().select_from(Staff) | exists().select_from(Site)
            | exists().select_from(Person)
        ))
        if occupied:
            raise DemoRefused(NOT_EMPTY)
        context = DemoContext(
            unit=unit, seed=seed,
            people_count=SIZES[size] if people_count is None else people_count,
            today=today or date.today(), progress=progress or (lambda *_: None),
        )
        for step in STEPS:
            step(context, context.random_for(step.__name__))
        audit.record(unit, "generate", "demo_data", new_id(context.random_for("audit")),
                     seed=seed, size=size, **context.counts)
    return DemoSummary(seed, size, dict(context.counts),
                       (*context.lines, f"Graine {seed}, taille {size}."))
