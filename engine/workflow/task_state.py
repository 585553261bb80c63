"""The one way a task's state changes: opened, completed, cancelled, given to someone, its deadline moved.

Each function sets the row, moves its cycle's counts (cycle_counts.py), writes the audit event and says what
happened on the bus (events.py), so the supervision room stops the task's ladder and settles its notices and
the notify room tells the right people, in the same transaction. Nothing else writes `human_task.status`,
`due_at` or `assignee_id` (a claim's conditional UPDATE in tasks.py aside: it must race other claimers).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.bus import publish
from engine.db.rows import insert_now, update_now
from engine.org.models import Person
from engine.org.routing import Route

from . import cycle_counts
from .events import TaskClosed, TaskHandedOver, TaskOpened, TaskOpening
from .models import HumanTask, ProcessInstance, TaskCandidate


@dataclass(frozen=True)
class NewTask:
    """A task row about to open, the route that chose its holders, and the ladder its BPMN names."""

    row: HumanTask
    route: Route
    escalation: str = ""
    repeats: bool = False  # its step was done before in the cycle (a return for revision, the next report)


def open_tasks(session: Session, instance: ProcessInstance, new: list[NewTask], actor: Person | None,
               now: datetime) -> None:
    """Add new open tasks, each routed by its route; their holders are told (except the actor, who sees them at
    once). The step's changed cycle and task rows are written first, then the new rows (their ids)."""
    for task in new:
        task.row.status = "open"
        cycle_counts.moved(instance, cycle_counts.NOTHING, cycle_counts.of(task.row))
        publish(session, TaskOpening(task.row, task.escalation))
    _write_step(session, [task.row for task in new])
    offered = [{"task_id": task.row.id, "person_id": person_id} for task in new for person_id in task.route.candidate_ids]
    if offered:  # plain statements from here on: the commit finds nothing left to flush
        session.execute(insert(TaskCandidate.__table__), offered)
    for task in new:
        row, route = task.row, task.route
        audit.record(session, actor, "task.created", now, instance=instance, task=row,
                     summary=f"任务“{row.title}”已派发" + ("（无法路由，转质量办）：" + route.reason
                                                          if route.unroutable else ""),
                     after={"assignee_id": route.assignee_id, "candidates": route.candidate_ids,
                            "role": route.role_name, "due": row.due_at.isoformat() if row.due_at else None,
                            **({"unroutable_reason": route.reason} if route.unroutable else {})})
        holders = [route.assignee_id] if route.assignee_id else route.candidate_ids
        tell = [pid for pid in holders if actor is None or pid != actor.id]
        publish(session, TaskOpened(row, instance, actor, now, tell, task.repeats))


def _write_step(session: Session, rows: list[HumanTask]) -> None:
    """Write what this step changed of its cycle and tasks, then the new task rows (their ids), one plain statement
    each (engine/db/rows.py); anything else the transaction changed is left to the commit's flush."""
    written = [update_now(session, obj) for obj in session.dirty if isinstance(obj, ProcessInstance | HumanTask)]
    if not all(written):
        session.flush()  # one set a relationship: the unit of work writes what is left, foreign keys included
    for row in rows:
        insert_now(session, row)


def complete(session: Session, task: HumanTask, actor: Person, now: datetime, data: dict[str, Any]) -> None:
    """Mark `task` done by `actor` with its submitted `data`."""
    before = cycle_counts.of(task)
    _close(session, task, actor, now, "done", "任务已办理完成")
    task.completed_by_id, task.data = actor.id, data
    cycle_counts.moved(task.instance, before, cycle_counts.of(task))
    audit.record(session, actor, "task.completed", now, instance=task.instance, task=task,
                 summary=f"{actor.name}完成了任务“{task.title}”", before={"status": "open"},
                 after={"status": "done", "data": data})


def cancel(session: Session, task: HumanTask, actor: Person | None, now: datetime, why: str) -> None:
    """Cancel an open task (the flow moved on, or its cycle was cancelled); `why` reaches its notices."""
    before = cycle_counts.of(task)
    _close(session, task, actor, now, "cancelled", why)
    cycle_counts.moved(task.instance, before, cycle_counts.of(task))
    audit.record(session, actor, "task.cancelled", now, instance=task.instance, task=task,
                 summary=f"任务“{task.title}”已取消：{why}", before={"status": "open"}, after={"status": "cancelled"})


def _close(session: Session, task: HumanTask, actor: Person | None, now: datetime, outcome: str, note: str) -> None:
    task.status, task.completed_at = outcome, now
    task.next_rung_at = task.follow_up_at = None  # the ladder and the owner's reminder stop
    publish(session, TaskClosed(task, actor, now, outcome, note))


def change_due(task: HumanTask, due_at: datetime | None) -> None:
    """Give an open task a new deadline (an extension); the caller reschedules its ladder and audits why."""
    before = cycle_counts.of(task)
    task.due_at = due_at
    cycle_counts.moved(task.instance, before, cycle_counts.of(task))


def hand_over(session: Session, task: HumanTask, person: Person, substitute: Person, actor: Person,
              now: datetime) -> None:
    """Give `person`'s hold on an open task (assigned, or offered to claim) to their active substitute."""
    before = {"assignee_id": task.assignee_id}
    if task.assignee_id == person.id:
        task.assignee_id = substitute.id
    session.execute(delete(TaskCandidate).where(TaskCandidate.task_id == task.id,
                                                TaskCandidate.person_id == person.id))
    if task.assignee_id is None and session.get(TaskCandidate, (task.id, substitute.id)) is None:
        session.add(TaskCandidate(task_id=task.id, person_id=substitute.id))
    session.flush()
    audit.record(session, actor, "task.handed_over", now, instance=task.instance, task=task,
                 summary=f"{person.name}将任务“{task.title}”移交给代理人{substitute.name}", before=before,
                 after={"assignee_id": task.assignee_id, "substitute_id": substitute.id})
    publish(session, TaskHandedOver(task, task.instance, substitute.id, now))


def give_to(session: Session, task: HumanTask, person_id: int) -> None:
    """Make `person_id` the task's assignee and drop its candidates (a reassignment or a takeover)."""
    task.assignee_id = person_id
    session.execute(delete(TaskCandidate).where(TaskCandidate.task_id == task.id))
    session.expire(task, ["candidates", "assignee"])


def offer_to(session: Session, task: HumanTask, person_ids: list[int]) -> None:
    """Give the task to `person_ids`: one person is its assignee, several may claim it (routing once more)."""
    if len(person_ids) == 1:
        give_to(session, task, person_ids[0])
        return
    task.assignee_id = None
    session.execute(delete(TaskCandidate).where(TaskCandidate.task_id == task.id))
    for person_id in dict.fromkeys(person_ids):
        session.add(TaskCandidate(task_id=task.id, person_id=person_id))
    session.flush()
    session.expire(task, ["candidates", "assignee"])
