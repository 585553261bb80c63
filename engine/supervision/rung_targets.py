"""Who a ladder rung names, for a whole batch of due tasks: answered from the org snapshot and remembered for
the tick.

A target is `owner` (who holds the task), `unit_head` (the nearest head of a unit from the cycle's subject up,
the owners themselves skipped) or a role code/name (see `routing.people_named`). Active substitutes stand in
for everyone named.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.org.departments import department_in
from engine.org.routing import people_named
from engine.org.snapshot import snapshot

OWNER, UNIT_HEAD = "owner", "unit_head"


class RungTargets:
    """The people rungs name during one tick, remembered per (subject unit, target, and owners where they count)."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self._named: dict[tuple[int, tuple[int, ...], str], list[int]] = {}

    def resolve(self, unit_id: int, owners: list[int], target: str) -> list[int]:
        """The people `target` names for a task of the subject unit `unit_id` held by `owners`."""
        key = (unit_id, tuple(owners) if target in (OWNER, UNIT_HEAD) else (), target)  # a role ignores owners
        if key not in self._named:
            self._named[key] = people_named(self.session, unit_id, owners, target, self.now)
        return list(self._named[key])

    def department(self, unit_id: int) -> int:
        """The department (处室 or 专业部) that `unit_id` belongs to."""
        return department_in(snapshot(self.session).ancestors(self.session, unit_id))
