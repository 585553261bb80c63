"""Each cycle's count of its tasks with a deadline (open, done, done by the deadline), kept on process_instance.

The on-time report (engine/supervision_reports.py) sums these per department, level or period instead of
reading every task. One listener keeps them exact: before every flush, each task that is new, deleted, or whose
status, deadline or completion time changed moves its cycle's counts from what it counted to what it counts
now. So every service that creates, completes, cancels or extends a task keeps them without knowing of them,
and the instance's version check (optimistic lock) turns two concurrent changes to one cycle's counts into a
conflict, never a lost update. Rows written with plain SQL (a bulk load) bypass the listener: `recount` after.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import Connection, and_, case, event, func, inspect, select, update
from sqlalchemy.orm import Session, attributes

from .models import HumanTask, ProcessInstance

Tally = tuple[int, int, int]  # (open, done, done on time): what one task adds to its cycle's counts
NOTHING: Tally = (0, 0, 0)
TRACKED = ("status", "due_at", "completed_at")
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


@event.listens_for(Session, "before_flush")
def _keep_counts(session: Session, _context: Any, _instances: Any) -> None:
    with session.no_autoflush:
        for task, before, after in _changed_tasks(session):
            instance = _instance_of(session, task)
            if before != after and instance is not None:
                _move(instance, before, after)


def _changed_tasks(session: Session) -> Iterator[tuple[HumanTask, Tally, Tally]]:
    """(task, what it counted, what it counts now) for each task this flush will insert, update or delete."""
    for task in session.new:
        if isinstance(task, HumanTask):
            yield task, NOTHING, _current(task)
    for task in session.dirty:
        if isinstance(task, HumanTask) and _tracked_changed(task):
            yield task, _loaded(task), _current(task)
    for task in session.deleted:
        if isinstance(task, HumanTask):
            yield task, _loaded(task), NOTHING


def _tracked_changed(task: HumanTask) -> bool:
    state = inspect(task)
    return any(state.attrs[name].history.has_changes() for name in TRACKED)


def _current(task: HumanTask) -> Tally:
    status = task.status if task.status is not None else HumanTask.__table__.c.status.default.arg
    return tally(status, task.due_at, task.completed_at)


def _loaded(task: HumanTask) -> Tally:
    """What the task counted as the database holds it now (before this flush)."""
    values = []
    for name in TRACKED:
        history = attributes.get_history(task, name)
        old = history.deleted or history.unchanged
        values.append(old[0] if old else None)
    return tally(*values)


def _instance_of(session: Session, task: HumanTask) -> ProcessInstance | None:
    if task.instance_id is not None:
        return session.get(ProcessInstance, task.instance_id)
    return task.instance


def _move(instance: ProcessInstance, before: Tally, after: Tally) -> None:
    for column, old, new in zip(COLUMNS, before, after):
        setattr(instance, column, (getattr(instance, column) or 0) + new - old)
