"""Database connections for the Flask-free side: engines with SQLite's pragmas."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event


def make_engine(url: str) -> Engine:
    """Create an SQLAlchemy engine; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on foreign keys and WAL (readers don't block the writer) on each SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched; Session.execute() is typed as a plain Result, which has none."""
    return cast("CursorResult[Any]", result).rowcount
