"""Rows the migrations seed (settings, motives, letter templates, pathway kinds) have the same
ids in every database: a France Services laptop and the office's server agree on them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import Uuid, column, select
from sqlalchemy import table as sa_table

from db.mediation.models import (
    LetterTemplate,
    MediationCase,
    MediationMotive,
    MediationSettings,
)
from db.migrate import alembic_config
from db.preparation.models import PreparationSettings
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


def _case_at_0007(connection, motive_id: uuid.UUID) -> uuid.UUID:
    now = datetime.now(UTC)
    conventional = {"created_at": now, "updated_at": now, "version": 1}
    person = sa_table("person", *(column(name) for name in (
        "kind", "last_name", "first_name", "birth_name", "organisation_name", "siret",
        "address", "postcode", "city", "sort_key", "created_at", "updated_at", "version")),
        column("id", Uuid()))
    person_id, case_id = uuid.uuid4(), uuid.uuid4()
    connection.execute(person.insert().values(
        id=person_id, kind="employer", last_name="", first_name="", birth_name="",
        organisation_name="Scierie Mégevand", siret="73282932000074", address="",
        postcode="", city="", sort_key="scierie megevand", **conventional))
    case = sa_table("mediation_case", *(column(name) for name in (
        "received_on", "channel", "representative_name", "representative_capacity",
        "contested_decision", "prior_step_done", "court_action_pending", "summary", "urgent",
        "status", "reopen_count", "is_open", "acknowledgement_due_on", "handling_due_on",
        "paused_days", "search_text", "reference", "created_at", "updated_at", "version")),
        column("id", Uuid()), column("person_id", Uuid()), column("motive_id", Uuid()))
    connection.execute(case.insert().values(
        id=case_id, person_id=person_id, motive_id=motive_id, received_on=date(2026, 3, 2),
        channel="mail", representative_name="", representative_capacity="",
        contested_decision="", prior_step_done=True, court_action_pending=False,
        summary="IJ non versées.", urgent=True, status="received", reopen_count=0,
        is_open=True, acknowledgement_due_on=date(2026, 3, 12),
        handling_due_on=date(2026, 5, 2), paused_days=0, search_text="",
        reference="MED-2026-00001", **conventional))
    return case_id


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
    # The person and the case as that revision holds them: written in Core, so that the
    # columns later revisions add to the models (a person's consent…) are not asked for.
    with store.engine.begin() as connection:
        old_motive_id = connection.execute(select(MediationMotive.__table__.c.id).where(
            MediationMotive.__table__.c.code == "ij_unpaid")).scalar_one()
        case_id = _case_at_0007(connection, old_motive_id)
    command.upgrade(config, "head")
    with store.session() as session:
        moved = session.get(MediationCase, case_id)
        new_motive = session.get(MediationMotive, moved.motive_id)
        assert new_motive.code == "ij_unpaid" and new_motive.id != old_motive_id
        assert session.get(MediationMotive, old_motive_id) is None
    assert new_motive.id == uuid.uuid5(NAMESPACE, "mediation_motive:ij_unpaid")
    with store.session() as session:
        assert session.scalars(select(MediationSettings.id)).one() == uuid.uuid5(
            NAMESPACE, "mediation_settings")
