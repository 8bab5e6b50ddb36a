"""Shared fixtures: a fresh database per test on SQLite or PostgreSQL, settings in a temp dir.

The suite runs on SQLite by default. With ``FOERDERRADAR_TEST_DATABASE_URL`` set to a PostgreSQL
URL (``.ci/run`` does this for its second pass) every test gets a schema of its own in that
database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store.db import create_all, make_engine

TEST_DATABASE_URL = os.environ.get("FOERDERRADAR_TEST_DATABASE_URL", "")


def _postgres_url_with_schema(base: str, schema: str) -> str:
    url = make_url(base)
    query = dict(url.query)
    query["options"] = f"-csearch_path={schema}"
    return url.set(query=query).render_as_string(hide_password=False)


@pytest.fixture
def database_url(tmp_path: Path):
    """A URL of an empty database (no tables) that lives as long as the test."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_url_with_schema(TEST_DATABASE_URL, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str):
    """An engine on a fresh database with all tables created."""
    engine = make_engine(database_url)
    create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch):
    """Point the application settings at a temp data dir and the test database."""
    from core.settings import get_settings

    for name in list(os.environ):
        if name.startswith("FOERDERRADAR_") and name != "FOERDERRADAR_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("FOERDERRADAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FOERDERRADAR_DATABASE_URL", database_url)
    monkeypatch.setenv("FOERDERRADAR_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
