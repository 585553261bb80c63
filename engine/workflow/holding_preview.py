"""The tasks a holding change would move: read only. For each open task of the holding's role scoped to its
unit or below, routing is walked twice from the task's scope unit (as engine/org/routing.py walks up the tree),
with the holdings of today and with the change; where the two differ, the task is listed with whom it is with
now and whom it would go to."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.org.holdings_admin import Resolved
from engine.org.routing import quality_office_ids, substitute_for
from engine.org.snapshot import snapshot

from .access import task_owner_ids
from .models import HumanTask


@dataclass(frozen=True)
class TaskMove:
    """An open task, the people who hold it now and those the change would route it to."""

    task: HumanTask
    from_ids: list[int]
    to_ids: list[int]
    to_quality_office: bool = False  # nobody holds the role up the tree any more: unroutable


def _subtree(parents: dict[int, int | None], top: int) -> set[int]:
    found = {top}
    changed = True
    while changed:
        changed = False
        for unit_id, parent in parents.items():
            if parent in found and unit_id not in found:
                found.add(unit_id)
                changed = True
    return found


def _walk(chain: list[int], holders: dict[int, list[int]]) -> list[int]:
    for unit_id in chain:
        if holders.get(unit_id):
            return holders[unit_id]
    return []


def holding_change_moves(session: Session, done: Resolved, now: datetime) -> list[TaskMove]:
    """The open tasks whose routing `done` would change today, with their present and future holders."""
    today: date = now.date()
    org = snapshot(session)
    parents = org.parents(session)
    role, unit_id, person_id = done.role, done.unit.id, done.person.id
    by_role_unit = org.holdings(session, today).by_role_unit
    now_holders = {u: list(ids) for (r, u), ids in by_role_unit.items() if r == role.id}
    then_holders = {u: list(ids) for u, ids in now_holders.items()}
    was, will = done.counts_on(today, done.before), done.counts_on(today, done.after) and done.person.active
    if was and not will:
        then_holders[unit_id] = [pid for pid in then_holders.get(unit_id, []) if pid != person_id]
    elif will and not was:
        then_holders[unit_id] = sorted({*then_holders.get(unit_id, []), person_id})
    else:
        return []
    scope = _subtree(parents, unit_id)
    tasks = session.scalars(select(HumanTask).options(selectinload(HumanTask.candidates),
                                                      selectinload(HumanTask.instance))
                            .where(HumanTask.status == "open", HumanTask.role_name.in_([role.name, role.code]),
                                   HumanTask.scope_unit_id.in_(scope)).order_by(HumanTask.id)).all()
    office = quality_office_ids(session, today)
    moves = []
    for task in tasks:
        assert task.scope_unit_id is not None  # filtered above
        chain = org.ancestors(session, task.scope_unit_id)
        found = _walk(chain, then_holders)
        before, after = _walk(chain, now_holders) or office, found or office
        if before == after:
            continue
        to_ids = list(dict.fromkeys(substitute_for(session, pid, now) for pid in after))
        moves.append(TaskMove(task, task_owner_ids(task), to_ids, not found))
    return moves
