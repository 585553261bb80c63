"""Database plumbing for the Flask-free side: engines, sessions, schema creation (migrations: migrate.py)."""
from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from . import notifications as _notifications  # noqa: F401  (declares its tables on Base)


def make_engine(url: str) -> Engine:
    """Create an SQLAlchemy engine; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Turn on foreign keys and WAL (readers don't block the writer) on each SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects survive commit (views render after the service commits)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema: an empty one, one made by Spiral 0.1 or earlier (no migrations
    then), or one at an earlier migration (see engine/migrate.py)."""
    from .migrate import upgrade
    upgrade(engine)
