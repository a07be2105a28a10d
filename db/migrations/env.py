"""Alembic environment: migrations run on the engine handed over by the store."""

from alembic import context

from db.metadata import load_all

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=load_all(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
