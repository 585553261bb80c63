"""Changing a holding from the admin pages: first a read-only preview of the open tasks the change would
reroute (engine/workflow/holding_preview.py), then the change itself, moving those tasks only when asked."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.org.admin import ensure_admin
from engine.org.holdings_admin import HoldingChange, Resolved, apply_change, resolve
from engine.org.models import Person, RoleHolding
from engine.workflow.holding_preview import TaskMove, holding_change_moves

from .task_moves import move_task


def preview_holding_change(session: Session, actor: Person | None, change: HoldingChange,
                           now: datetime) -> tuple[Resolved, list[TaskMove]]:
    """What `change` does and the open tasks it would move from or to whom; changes nothing.
    Raises NotAllowed, NotFound, InvalidInput."""
    ensure_admin(actor)
    done = resolve(session, change, now.date())
    return done, holding_change_moves(session, done, now)


def save_holding_change(session: Session, actor: Person | None, change: HoldingChange, move_tasks: bool,
                        now: datetime) -> tuple[RoleHolding | None, int]:
    """Apply `change`; with `move_tasks`, also give the open tasks it reroutes to their new holders (the same
    list the preview showed). Returns the holding (None when removed) and how many tasks moved; one commit.
    Raises NotAllowed, NotFound, InvalidInput."""
    done, moves = preview_holding_change(session, actor, change, now)
    row = apply_change(session, actor, done, now)
    moved = 0
    if move_tasks:
        why = f"{done.person.name}在“{done.unit.name}”的“{done.role.name}”任职变更"
        for move in moves:
            moved += move_task(session, actor, move.task, move.to_ids, why, now, routed=True)
    session.commit()
    return row, moved
