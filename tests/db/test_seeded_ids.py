"""Rows the migrations seed (settings, motives, letter templates, pathway kinds) have the same
ids in every database: a France Services laptop and the office's server agree on them."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from sqlalchemy import select, text

from db.mediation import intake
from db.mediation.models import (
    LetterTemplate,
    MediationCase,
    MediationChannel,
    MediationMotive,
    MediationSettings,
)
from db.mediation.records import CaseInput
from db.migrate import alembic_config
from db.people import records as people_records
from db.people.models import PersonKind
from db.people.records import PersonInput
from db.preparation.models import PreparationSettings
from db.roles import Role
from db.store import open_store

# The namespace of the reference rows (migrations 0003 and 0008).
NAMESPACE = uuid.UUID("6f1c7d52-3b0e-4d7a-9a55-2f3c8e0b9a41")
SEEDED = (MediationSettings, MediationMotive, LetterTemplate, PreparationSettings)


def seeded_ids(store) -> dict[str, set]:
    with store.session() as session:
        return {model.__tablename__: set(session.scalars(select(model.id)))
                for model in SEEDED}


def test_two_databases_made_apart_agree_on_the_seeded_ids(tmp_path):
    first, second = open_store(tmp_path / "bureau.sqlite3"), open_store(tmp_path / "pc.sqlite3")
    try:
        assert seeded_ids(first) == seeded_ids(second)
        assert all(seeded_ids(first).values())
    finally:
        first.dispose()
        second.dispose()


LETTERHEAD_ADDED = "ALTER TABLE site ADD COLUMN letterhead VARCHAR(160) NOT NULL DEFAULT ''"


def test_an_existing_database_is_renumbered_and_its_cases_keep_their_motive(store, actors):
    """Back to the revision before (its seeds had random ids), a case, then up again."""
    config = alembic_config(store.engine)
    command.downgrade(config, "0007_adviser_busy")
    with store.engine.begin() as connection:
        for model in SEEDED:  # as the random ids of 0002 and 0006 left them
            table = model.__table__
            for row_id in list(connection.execute(select(table.c.id)).scalars()):
                connection.execute(table.update().where(table.c.id == row_id)
                                   .values(id=row_id.__class__(int=row_id.int ^ 1)))
        # Today's models read a column a later revision adds (0011): lend it meanwhile.
        connection.execute(text(LETTERHEAD_ADDED))
    mediator = actors[Role.MEDIATOR]
    with store.unit(actors[Role.ADVISER]) as unit:
        person_id = people_records.create_person(unit, PersonInput(
            kind=PersonKind.EMPLOYER, organisation_name="Scierie Mégevand",
            siret="73282932000074"))
    with store.session() as session:
        motive = session.scalars(select(MediationMotive).where(
            MediationMotive.code == "ij_unpaid")).one()
        old_motive_id = motive.id
    with store.unit(mediator) as unit:
        case = intake.create_case(unit, CaseInput(
            received_on=date(2026, 3, 2), channel=MediationChannel.MAIL, person_id=person_id,
            motive_id=old_motive_id, prior_step_done=True, court_action_pending=False,
            summary="IJ non versées."), today=date(2026, 3, 2))
    with store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE site DROP COLUMN letterhead"))
    command.upgrade(config, "head")
    with store.session() as session:
        moved = session.get(MediationCase, case.id)
        new_motive = session.get(MediationMotive, moved.motive_id)
        assert new_motive.code == "ij_unpaid" and new_motive.id != old_motive_id
        assert session.get(MediationMotive, old_motive_id) is None
    assert new_motive.id == uuid.uuid5(NAMESPACE, "mediation_motive:ij_unpaid")
    with store.session() as session:
        assert session.scalars(select(MediationSettings.id)).one() == uuid.uuid5(
            NAMESPACE, "mediation_settings")
