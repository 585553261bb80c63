"""Database connections for the Flask-free side: engines with SQLite's pragmas."""
from __future__ import annotations

import json
from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, Engine, Result, create_engine, event


def json_dumps(value: Any) -> str:
    """The JSON text a JSON column stores: compact, Chinese as it is (orjson: a cycle's saved workflow is written
    at every step, ~10× faster than the standard library; that one for what orjson refuses, an int over 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_loads(text: str | bytes) -> Any:
    """A JSON column's value (what json_dumps wrote, or the standard library before it)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which json.dumps wrote and orjson does not read
        return json.loads(text)


JSON_OPTIONS = {"json_serializer": json_dumps, "json_deserializer": json_loads}


def make_engine(url: str) -> Engine:
    """Create an SQLAlchemy engine; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **JSON_OPTIONS)
        event.listen(engine, "connect", sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **JSON_OPTIONS)


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on foreign keys and WAL (readers don't block the writer) on each SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched; Session.execute() is typed as a plain Result, which has none."""
    return cast("CursorResult[Any]", result).rowcount
