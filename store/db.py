"""Engine, sessions and schema management.

``init_database`` runs the Alembic migrations (idempotent: a current database is left alone).
Tests may use ``create_all`` for speed; a dedicated test checks that the migrations produce the
same schema as the models.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _json_dumps(value: Any) -> str:
    # Programme texts are mostly German: keep umlauts as they are (smaller rows, faster ingest).
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite or PostgreSQL with the settings this project relies on."""
    kwargs.setdefault("json_serializer", _json_dumps)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # imported when needed: most commands never migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class UnversionedDatabase(RuntimeError):
    """The database holds this project's tables but no Alembic revision: it was made with
    ``create_all`` (or by hand), so the migrations cannot know what to do with it."""

    def __init__(self, differences: list[str]):
        super().__init__(f"tables without an Alembic revision ({len(differences)} differences to the models)")
        self.differences = differences


def _unversioned_differences(engine: Engine) -> list[str] | None:
    """None when the database is empty or versioned; else how its schema differs from the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" in tables or not tables & set(SQLModel.metadata.tables):
            return None
        return [str(diff) for diff in compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)]


def stamp_database(url: str) -> str:
    """Record the newest revision in a database made without Alembic, if (and only if) its schema
    equals the models; raises ``UnversionedDatabase`` with the differences otherwise."""
    from alembic import command

    engine = make_engine(url)
    try:
        differences = _unversioned_differences(engine)
    finally:
        engine.dispose()
    if differences:
        raise UnversionedDatabase(differences)
    if differences == []:  # unversioned and equal to the models (None: empty or versioned, nothing to stamp)
        command.stamp(alembic_config(url), "head")
    return init_database(url)


def init_database(url: str) -> str:
    """Create or upgrade the database to the newest schema; returns the revision now in force.

    A database with tables but no Alembic revision is refused (``UnversionedDatabase``) instead of
    failing half-way with "table … already exists"."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)  # creates the SQLite folder if needed
    try:
        differences = _unversioned_differences(engine)
    finally:
        engine.dispose()
    if differences is not None:
        raise UnversionedDatabase(differences)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() or ""
    finally:
        engine.dispose()


def create_all(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
