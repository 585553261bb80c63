"""The org tree, roles, their holders and substitutes as one process-wide snapshot (see engine/db/cache.py),
read by routing, the ladder's targets and permissions without a query per task."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from engine.db.cache import Snapshot
from engine.db.cache import snapshot as cache_snapshot

from .models import Person, Role, RoleHolding, Substitution, Unit


@dataclass(frozen=True)
class RoleInfo:
    """What routing needs of a role."""

    id: int
    code: str
    name: str
    heads_unit: bool
    receives_unroutable: bool


class OrgSnapshot:
    """The org's sections of the current snapshot."""

    def __init__(self, snap: Snapshot) -> None:
        self._snap = snap

    def parents(self, session: Session) -> dict[int, int | None]:
        """unit id → parent unit id."""
        return self._snap.section("org.parents", session, lambda s: dict(s.execute(select(Unit.id, Unit.parent_id)).all()))

    def unit_names(self, session: Session) -> dict[int, str]:
        """unit id → its name."""
        return self._snap.section("org.unit_names", session,
                                  lambda s: dict(s.execute(select(Unit.id, Unit.name)).all()))

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
        return self._snap.section("org.roles", session, load)

    def holdings(self, session: Session, today: date | None = None) -> _Holdings:
        """Who holds which role where on `today` (a holding with dates counts only between them; without a day,
        the real today: permission checks of pages have no clock of their own)."""
        day = today or date.today()
        return self._snap.section(f"org.holdings@{day.isoformat()}", session, lambda s: _Holdings.load(s, day))

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
        return self._snap.section("org.substitutions", session, load)


class _Holdings:
    """Role holders by (role, unit) and anywhere, heads by unit, and each person's roles."""

    def __init__(self) -> None:
        self.by_role_unit: dict[tuple[int, int], list[int]] = {}  # active holders, by person id
        self.by_role: dict[int, list[int]] = {}  # active holders anywhere
        self.heads: dict[int, list[int]] = {}  # unit id → active holders of a role that heads a unit
        self.unroutable: list[int] = []  # the quality office
        self.held: set[tuple[int, int]] = set()  # (person id, role id), active or not
        self.at_root: set[int] = set()  # people holding a role at the school itself (the org tree's root), active or not

    @classmethod
    def load(cls, session: Session, today: date) -> _Holdings:
        found = cls()
        query = (select(RoleHolding.person_id, RoleHolding.role_id, RoleHolding.unit_id, Person.active,
                        Role.heads_unit, Role.receives_unroutable, Unit.parent_id)
                 .join(Person, Person.id == RoleHolding.person_id).join(Role, Role.id == RoleHolding.role_id)
                 .join(Unit, Unit.id == RoleHolding.unit_id)
                 .where(holding_current(today)).order_by(RoleHolding.person_id))
        for person_id, role_id, unit_id, active, heads_unit, unroutable, parent_id in session.execute(query):
            found.held.add((person_id, role_id))
            if parent_id is None:
                found.at_root.add(person_id)
            if not active:
                continue
            _append_once(found.by_role_unit.setdefault((role_id, unit_id), []), person_id)
            _append_once(found.by_role.setdefault(role_id, []), person_id)
            if heads_unit:
                _append_once(found.heads.setdefault(unit_id, []), person_id)
            if unroutable:
                _append_once(found.unroutable, person_id)
        return found


def holding_current(today: date) -> ColumnElement[bool]:
    """SQL: the role holding counts on `today` (no dates, or `today` between them, both days included)."""
    return and_(or_(RoleHolding.starts_on.is_(None), RoleHolding.starts_on <= today),
                or_(RoleHolding.ends_on.is_(None), RoleHolding.ends_on >= today))


def _append_once(items: list[int], value: int) -> None:
    if not items or items[-1] != value:  # rows come ordered by person id
        items.append(value)


def snapshot(session: Session) -> OrgSnapshot:
    """The org as of the change token `session` sees (engine/db/cache.py)."""
    return OrgSnapshot(cache_snapshot(session))
