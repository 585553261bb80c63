"""A per-process snapshot of the tables that change rarely but are read on every task: the org tree, roles and
their holders, substitutes, ladders, closures and the channels people chose.

Every write to those tables through the ORM stamps a new random token in `cache_token` inside the same
transaction (plain SQL calls `bump`). A transaction reads the token once, on its first use of the snapshot (one
primary-key query), and keeps that snapshot to its end; a flushed change to a watched table forgets it. So a
change is seen by the next transaction of every process once it commits, and at once inside the transaction
that made it; a rolled-back change leaves the old token. The last few snapshots are kept per process, each
section loaded on first use.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from sqlalchemy import String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .deadlines import WorkCalendar
from .models import Base, Person, Role, RoleHolding, Substitution, Unit

WATCHED_TABLES = frozenset({"unit", "person", "role", "role_holding", "substitution", "ladder", "closure",
                            "notification_preference"})
TOKEN_NAME = "org"
_SESSION_KEY = "org_snapshot"


class CacheToken(Base):
    """The stamp of the last committed change to the watched tables."""

    __tablename__ = "cache_token"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


@dataclass(frozen=True)
class RoleInfo:
    """What routing needs of a role."""

    id: int
    code: str
    name: str
    heads_unit: bool
    receives_unroutable: bool


@dataclass(frozen=True)
class LadderInfo:
    """A ladder as the engine reads it (the ORM row stays with the settings pages)."""

    name: str
    label: str
    rungs: list[dict[str, Any]]


class OrgSnapshot:
    """The watched tables as of one token; each section is read once, on first use."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._sections: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _section(self, name: str, session: Session, load: Callable[[Session], Any]) -> Any:
        found = self._sections.get(name)
        if found is None:
            found = load(session)
            with self._lock:
                self._sections.setdefault(name, found)
        return found

    def parents(self, session: Session) -> dict[int, int | None]:
        """unit id → parent unit id."""
        return self._section("parents", session, lambda s: dict(s.execute(select(Unit.id, Unit.parent_id)).all()))

    def ancestors(self, session: Session, unit_id: int) -> list[int]:
        """`unit_id`, its parent, and so on up to the school."""
        parents, chain = self.parents(session), []
        current: int | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        return chain

    def roles(self, session: Session) -> dict[str, RoleInfo]:
        """Each role under its code and under its name."""
        def load(s: Session) -> dict[str, RoleInfo]:
            found: dict[str, RoleInfo] = {}
            for role in s.execute(select(Role.id, Role.code, Role.name, Role.heads_unit, Role.receives_unroutable)):
                info = RoleInfo(role.id, role.code, role.name, bool(role.heads_unit), bool(role.receives_unroutable))
                found.setdefault(role.code, info)
                found.setdefault(role.name, info)
            return found
        return self._section("roles", session, load)

    def holdings(self, session: Session) -> _Holdings:
        """Who holds which role where."""
        return self._section("holdings", session, _Holdings.load)

    def substitutions(self, session: Session) -> dict[int, list[tuple[date, date, int]]]:
        """person id → (first day, last day, substitute id), newest arrangement first; active substitutes only."""
        def load(s: Session) -> dict[int, list[tuple[date, date, int]]]:
            found: dict[int, list[tuple[date, date, int]]] = {}
            query = (select(Substitution.person_id, Substitution.starts_on, Substitution.ends_on,
                            Substitution.substitute_id).join(Person, Person.id == Substitution.substitute_id)
                     .where(Person.active.is_(True)).order_by(Substitution.id.desc()))
            for person_id, first, last, substitute_id in s.execute(query):
                found.setdefault(person_id, []).append((first, last, substitute_id))
            return found
        return self._section("substitutions", session, load)

    def ladders(self, session: Session) -> dict[str, LadderInfo]:
        """Every ladder by name."""
        from .supervision_models import Ladder
        return self._section("ladders", session, lambda s: {
            row.name: LadderInfo(row.name, row.label, list(row.rungs or []))
            for row in s.execute(select(Ladder.name, Ladder.label, Ladder.rungs))})

    def calendar(self, session: Session) -> WorkCalendar:
        """The official calendar with the school's closures."""
        from .supervision_models import Closure
        return self._section("calendar", session,
                             lambda s: WorkCalendar(frozenset(s.scalars(select(Closure.day)))))

    def channel_choices(self, session: Session) -> dict[int, tuple[bool, str, str, str, bool]]:
        """person id → (email chosen, email address, WeCom webhook, DingTalk webhook, active), for those who chose."""
        from .notifications import ChannelPreference
        query = (select(ChannelPreference.person_id, ChannelPreference.email, Person.email,
                        ChannelPreference.wecom_webhook, ChannelPreference.dingtalk_webhook, Person.active)
                 .join(Person, Person.id == ChannelPreference.person_id))
        return self._section("channels", session, lambda s: {
            row[0]: (bool(row[1]), row[2] or "", row[3] or "", row[4] or "", bool(row[5])) for row in s.execute(query)})


class _Holdings:
    """Role holders by (role, unit) and anywhere, heads by unit, and each person's roles."""

    def __init__(self) -> None:
        self.by_role_unit: dict[tuple[int, int], list[int]] = {}  # active holders, by person id
        self.by_role: dict[int, list[int]] = {}  # active holders anywhere
        self.heads: dict[int, list[int]] = {}  # unit id → active holders of a role that heads a unit
        self.unroutable: list[int] = []  # the quality office
        self.held: set[tuple[int, int]] = set()  # (person id, role id), active or not

    @classmethod
    def load(cls, session: Session) -> _Holdings:
        found = cls()
        query = (select(RoleHolding.person_id, RoleHolding.role_id, RoleHolding.unit_id, Person.active,
                        Role.heads_unit, Role.receives_unroutable)
                 .join(Person, Person.id == RoleHolding.person_id).join(Role, Role.id == RoleHolding.role_id)
                 .order_by(RoleHolding.person_id))
        for person_id, role_id, unit_id, active, heads_unit, unroutable in session.execute(query):
            found.held.add((person_id, role_id))
            if not active:
                continue
            _append_once(found.by_role_unit.setdefault((role_id, unit_id), []), person_id)
            _append_once(found.by_role.setdefault(role_id, []), person_id)
            if heads_unit:
                _append_once(found.heads.setdefault(unit_id, []), person_id)
            if unroutable:
                _append_once(found.unroutable, person_id)
        return found


def _append_once(items: list[int], value: int) -> None:
    if not items or items[-1] != value:  # rows come ordered by person id
        items.append(value)


KEEP = 4  # snapshots kept per process: the current one, and a few for transactions that began earlier
_recent: OrderedDict[str, OrgSnapshot] = OrderedDict()
_recent_lock = threading.Lock()


def snapshot(session: Session) -> OrgSnapshot:
    """The snapshot for the token `session` sees now (rebuilt when another one is current).

    Remembered by the session for the rest of its transaction; a flushed change to a watched table forgets it.
    Rows added or deleted since are flushed first; an edit to a loaded row is seen once it is flushed (any query
    does that), so a service that edits the org and then routes in one transaction flushes in between.
    """
    found = session.info.get(_SESSION_KEY)
    if found is not None:
        if not any(_watched(obj) for obj in (*session.new, *session.deleted)):
            return found
        session.flush()  # stamps a new token and forgets the session's snapshot
    elif _pending_changes(session):
        session.flush()
    token = session.scalar(select(CacheToken.token).where(CacheToken.name == TOKEN_NAME)) or ""
    found = _recent.get(token) if token else None
    if found is None:
        found = OrgSnapshot(token)
        if token:
            with _recent_lock:
                _recent[token] = found
                while len(_recent) > KEEP:
                    _recent.popitem(last=False)
    session.info[_SESSION_KEY] = found
    return found


def stamp(session: Session) -> None:
    """Note a change to a watched table made in `session` (the ORM's changes are noted by themselves)."""
    bump(session.connection())
    session.info.pop(_SESSION_KEY, None)


def bump(connection: Any) -> None:
    """Stamp a new token (inside the caller's transaction)."""
    token = uuid.uuid4().hex
    table = CacheToken.__table__
    done = connection.execute(update(table).where(table.c.name == TOKEN_NAME).values(token=token))
    if done.rowcount == 0:
        connection.execute(insert(table).values(name=TOKEN_NAME, token=token))


def _watched(obj: Any) -> bool:
    return getattr(obj, "__tablename__", "") in WATCHED_TABLES


def _pending_changes(session: Session) -> bool:
    """True when the session holds an unflushed change to a watched table."""
    if any(_watched(obj) for obj in session.new) or any(_watched(obj) for obj in session.deleted):
        return True
    return any(_watched(obj) and session.is_modified(obj) for obj in session.dirty)


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, _context: Any, _instances: Any) -> None:
    if _pending_changes(session):
        stamp(session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_SESSION_KEY, None)
