"""Per-process caches of tables that change rarely but are read on every task, checked against a change token.

A table whose model mixes in `Cached` is watched: every flush that writes one of its rows stamps a new random
token in `cache_token` inside the same transaction (plain SQL calls `bump`). A transaction reads the token once,
on its first use of the cache (one primary-key query), and keeps that snapshot to its end; a flushed change to a
watched table forgets it. So a change is seen by the next transaction of every process once it commits, and at
once inside the transaction that made it; a rolled-back change leaves the old token. Each room keeps its own
sections under the shared token (the org tree in engine/org, ladders in engine/supervision, closures in
engine/calendar, channel choices in engine/notify); each section is loaded on first use.

The listeners are installed on the engine's own session factories only (`watch`), never on SQLAlchemy's global
Session class.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base

TOKEN_NAME = "org"
_SESSION_KEY = "cache_snapshot"
KEEP = 4  # snapshots kept per process: the current one, and a few for transactions that began earlier
T = TypeVar("T")


class Cached:
    """Mixin for a watched table: writing one of its rows stamps a new change token."""


class CacheToken(Base):
    """The stamp of the last committed change to the watched tables."""

    __tablename__ = "cache_token"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class Snapshot:
    """The watched tables as of one token: named sections, each read once, on first use."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._sections: dict[str, Any] = {}
        self._lock = threading.Lock()

    def section(self, name: str, session: Session, load: Callable[[Session], T]) -> T:
        """The section `name`, loaded with `load` the first time this snapshot is asked for it."""
        found = self._sections.get(name)
        if found is None:
            found = load(session)
            with self._lock:
                found = self._sections.setdefault(name, found)
        return found  # type: ignore[no-any-return]


_recent: OrderedDict[str, Snapshot] = OrderedDict()
# built once: read by nearly every transaction (the ORM's select costs ~5× this statement)
_TOKEN = select(CacheToken.__table__.c.token).where(CacheToken.__table__.c.name == TOKEN_NAME)
_recent_lock = threading.Lock()


def snapshot(session: Session) -> Snapshot:
    """The snapshot for the token `session` sees now (rebuilt when another one is current).

    Remembered by the session for the rest of its transaction; a flushed change to a watched table forgets it.
    Rows added or deleted since are flushed first; an edit to a loaded row is seen once it is flushed (any query
    does that), so a service that edits the org and then routes in one transaction flushes in between.
    """
    found: Snapshot | None = session.info.get(_SESSION_KEY)
    if found is not None:
        if not any(_watched(obj) for obj in (*session.new, *session.deleted)):
            return found
        session.flush()  # stamps a new token and forgets the session's snapshot
    elif _pending_changes(session):
        session.flush()
    token = session.connection().execute(_TOKEN).scalar() or ""
    found = _recent.get(token) if token else None
    if found is None:
        found = Snapshot(token)
        if token:
            with _recent_lock:
                _recent[token] = found
                while len(_recent) > KEEP:
                    _recent.popitem(last=False)
    session.info[_SESSION_KEY] = found
    return found


def stamp(session: Session) -> None:
    """Note a change to a watched table made in `session` with plain SQL (the ORM's are noted by themselves)."""
    bump(session.connection())
    session.info.pop(_SESSION_KEY, None)


def bump(connection: Connection) -> None:
    """Stamp a new token (inside the caller's transaction)."""
    token = uuid.uuid4().hex
    table = CacheToken.__table__
    done = connection.execute(update(table).where(table.c.name == TOKEN_NAME).values(token=token))
    if done.rowcount == 0:
        connection.execute(insert(table).values(name=TOKEN_NAME, token=token))


def _watched(obj: object) -> bool:
    return isinstance(obj, Cached)


def _pending_changes(session: Session) -> bool:
    """True when the session holds an unflushed change to a watched table."""
    if any(_watched(obj) for obj in session.new) or any(_watched(obj) for obj in session.deleted):
        return True
    return any(_watched(obj) and session.is_modified(obj) for obj in session.dirty)


def _stamp_changes(session: Session, _context: Any, _instances: Any) -> None:
    if _pending_changes(session):
        stamp(session)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_SESSION_KEY, None)


def watch(target: Any) -> None:
    """Install the token listeners on a session factory (a sessionmaker, or a Session subclass of our own)."""
    if not event.contains(target, "before_flush", _stamp_changes):
        event.listen(target, "before_flush", _stamp_changes)
        event.listen(target, "after_commit", _forget)
        event.listen(target, "after_soft_rollback", _forget)
