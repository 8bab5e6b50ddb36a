"""The shared data model: SQLModel tables, engine and sessions, Alembic migrations."""
