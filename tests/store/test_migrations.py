"""The Alembic migrations build exactly the schema of the models, and `init` is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from store.db import init_database, make_engine


def test_migrations_match_models_and_rerun_is_harmless(database_url):
    first = init_database(database_url)
    assert first
    assert init_database(database_url) == first
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []
