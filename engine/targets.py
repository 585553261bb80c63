"""Who a ladder rung names, for a whole batch of due tasks: the org is read in a few queries, then answered
from memory.

A target is `owner` (who holds the task), `unit_head` (the nearest head of a unit from the cycle's subject up,
the owners themselves skipped) or a role code/name. A role is looked for from the subject's unit up the org
tree, then anywhere (督导员 and school leaders sit beside the departments, not above them). Active substitutes
stand in for everyone named.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Person, Role, RoleHolding, Unit
from .routing import find_role, role_holders, substitutes
from .supervision_reports import department_in

OWNER, UNIT_HEAD = "owner", "unit_head"


class RungTargets:
    """The people rungs name during one tick; `prepare` reads the org for many subject units at once."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self._parent: dict[int, int | None] = {}
        self._chains: dict[int, list[int]] = {}
        self._heads: dict[int, list[int]] = {}
        self._roles: dict[str, Role | None] = {}
        self._holders: dict[tuple[int, int], list[int]] = {}
        self._anywhere: dict[int, list[int]] = {}
        self._answers: dict[tuple[int, str, tuple[int, ...]], list[int]] = {}
        self._substitutes = substitutes(session, now)

    def prepare(self, unit_ids: Iterable[int], targets: Iterable[str]) -> None:
        """Read what `resolve` needs for these subject units and targets: one query per tree level and kind."""
        starts = set(unit_ids)
        self._load_chains(starts)
        units = {unit for start in starts for unit in self.chain(start)}
        for target in set(targets):
            if target == UNIT_HEAD:
                self._load_heads(units)
            elif target != OWNER and (role := self._role(target)) is not None:
                self._load_holders(role, units)

    def resolve(self, unit_id: int, owners: list[int], target: str) -> list[int]:
        """The people `target` names for a task of the subject unit `unit_id` held by `owners`."""
        key = (unit_id, target, tuple(owners) if target in (OWNER, UNIT_HEAD) else ())
        if key not in self._answers:
            if target == OWNER:
                ids = owners
            elif target == UNIT_HEAD:
                ids = self._nearest_heads(self.chain(unit_id), set(owners))
            else:
                ids = self._nearest_holders(self.chain(unit_id), target)
            self._answers[key] = list(dict.fromkeys(self._substitutes.get(pid, pid) for pid in ids))
        return self._answers[key]

    def chain(self, unit_id: int) -> list[int]:
        """`unit_id` and its ancestors up to the school."""
        if unit_id not in self._chains:
            self._load_chains({unit_id})
            chain: list[int] = []
            current: int | None = unit_id
            while current is not None and current not in chain:
                chain.append(current)
                current = self._parent.get(current)
            self._chains[unit_id] = chain
        return self._chains[unit_id]

    def department(self, unit_id: int) -> int:
        """The department (处室 or 专业部) that `unit_id` belongs to."""
        return department_in(self.chain(unit_id))

    def _load_chains(self, unit_ids: set[int]) -> None:
        missing = {u for u in unit_ids if u not in self._parent}
        while missing:
            query = select(Unit.id, Unit.parent_id).where(Unit.id.in_(missing))
            found = {unit_id: parent_id for unit_id, parent_id in self.session.execute(query)}
            self._parent.update({u: found.get(u) for u in missing})
            missing = {p for p in found.values() if p is not None and p not in self._parent}

    def _load_heads(self, units: Iterable[int]) -> None:
        missing = [u for u in units if u not in self._heads]
        if not missing:
            return
        query = (select(RoleHolding.unit_id, RoleHolding.person_id).join(Role)
                 .join(Person, Person.id == RoleHolding.person_id)
                 .where(RoleHolding.unit_id.in_(missing), Role.heads_unit.is_(True), Person.active.is_(True))
                 .order_by(RoleHolding.person_id))
        for unit_id in missing:
            self._heads[unit_id] = []
        for unit_id, person_id in self.session.execute(query):
            if person_id not in self._heads[unit_id]:
                self._heads[unit_id].append(person_id)

    def _nearest_heads(self, chain: list[int], skip: set[int]) -> list[int]:
        self._load_heads(chain)
        for unit in chain:
            heads = [pid for pid in self._heads[unit] if pid not in skip]
            if heads:
                return heads
        return []

    def _role(self, target: str) -> Role | None:
        if target not in self._roles:
            self._roles[target] = find_role(self.session, target)
        return self._roles[target]

    def _load_holders(self, role: Role, units: Iterable[int]) -> None:
        missing = [u for u in units if (role.id, u) not in self._holders]
        if missing:
            found = role_holders(self.session, role, missing)
            self._holders.update({(role.id, u): found.get(u, []) for u in missing})

    def _nearest_holders(self, chain: list[int], target: str) -> list[int]:
        role = self._role(target)
        if role is None:
            return []
        self._load_holders(role, chain)
        for unit in chain:
            if self._holders[(role.id, unit)]:
                return self._holders[(role.id, unit)]
        if role.id not in self._anywhere:
            self._anywhere[role.id] = list(dict.fromkeys(self.session.scalars(
                select(RoleHolding.person_id).join(Person, Person.id == RoleHolding.person_id)
                .where(RoleHolding.role_id == role.id, Person.active.is_(True)).order_by(RoleHolding.person_id))))
        return self._anywhere[role.id]
