"""Each cycle's count of its tasks with a deadline (open, done, done by the deadline), kept on process_instance.

The on-time report (engine/supervision/reports.py) sums these per department, level or period instead of
reading every task. engine/workflow/task_state.py, the one place a task's status or deadline changes, moves
them with `moved`; the instance's version check (optimistic lock) turns two concurrent changes to one cycle's
counts into a conflict, never a lost update. Rows written with plain SQL (a bulk load) need `recount` after.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select, update

from .models import HumanTask, ProcessInstance

Tally = tuple[int, int, int]  # (open, done, done on time): what one task adds to its cycle's counts
NOTHING: Tally = (0, 0, 0)
COLUMNS = ("due_tasks_open", "due_tasks_done", "due_tasks_on_time")


def tally(status: str | None, due_at: datetime | None, completed_at: datetime | None) -> Tally:
    """What a task in this state adds to its cycle's counts (nothing without a deadline)."""
    if due_at is None:
        return NOTHING
    if status == "open":
        return (1, 0, 0)
    if status == "done":
        return (0, 1, int(completed_at is not None and completed_at <= due_at))
    return NOTHING


def recount(connection: Connection) -> None:
    """Count every cycle's tasks afresh (after an upgrade adds the columns, or a bulk load in plain SQL)."""
    def tasks(*conditions: Any) -> Any:
        return func.sum(case((and_(*conditions), 1), else_=0))
    open_, done = HumanTask.status == "open", HumanTask.status == "done"
    # One pass over the tasks, grouped, not a count per cycle: that plan needs no statistics to stay fast.
    counts = (select(HumanTask.instance_id, tasks(open_).label("open"), tasks(done).label("done"),
                     tasks(done, HumanTask.completed_at <= HumanTask.due_at).label("on_time"))
              .where(HumanTask.due_at.is_not(None), HumanTask.status.in_(("open", "done")))
              .group_by(HumanTask.instance_id).subquery())
    table = ProcessInstance.__table__
    connection.execute(update(table).values({column: 0 for column in COLUMNS}))
    connection.execute(update(table).where(table.c.id == counts.c.instance_id).values(
        due_tasks_open=counts.c.open, due_tasks_done=counts.c.done, due_tasks_on_time=counts.c.on_time))


def moved(instance: ProcessInstance, before: Tally, after: Tally) -> None:
    """Move the cycle's counts from what a task counted to what it counts now."""
    for column, old, new in zip(COLUMNS, before, after):
        setattr(instance, column, (getattr(instance, column) or 0) + new - old)


def of(task: HumanTask) -> Tally:
    """What `task` counts as it stands in memory."""
    return tally(task.status or "open", task.due_at, task.completed_at)
