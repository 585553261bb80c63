"""The task list other systems ask for, shaped like Camunda's `GET /task`: by assignee, candidate user or role,
unassigned, process, subject, period, due and follow-up dates, colour and status; sorted and paged. The
quality office and school leaders may ask about every task; anyone else only about their own (assigned to,
offered to or done by them), whatever they ask for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from engine.definitions.models import ProcessDefinition
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.models import Person, Subject

from .access import sees_every_cycle
from .models import HumanTask, ProcessInstance, TaskCandidate

SORTS = {"due": HumanTask.due_at, "created": HumanTask.created_at, "id": HumanTask.id, "title": HumanTask.title}
STATUSES = ("open", "done", "cancelled")
RUNGS = ("none", "remind", "yellow", "orange", "red")
MAX_PAGE = 200


@dataclass(frozen=True)
class TaskQuery:
    """What a task list is narrowed to; empty fields do not filter (`assignee` and `candidate_user` are usernames,
    `candidate_group` a role's code or name)."""

    assignee: str = ""
    candidate_user: str = ""
    candidate_group: str = ""
    unassigned: bool = False
    process_definition_key: str = ""
    subject: str = ""
    period: str = ""
    due_before: datetime | None = None
    due_after: datetime | None = None
    follow_up_before: datetime | None = None
    rung: str = ""
    status: str = "open"
    sort_by: str = "due"
    sort_order: str = "asc"


def _person_id(session: Session, username: str) -> int:
    found = session.scalar(select(Person.id).where(Person.username == username.strip()))
    return int(found) if found is not None else -1  # an unknown person has no tasks: an empty list, not an error


def _filtered(session: Session, actor: Person, q: TaskQuery) -> Select[Any]:
    if q.status and q.status not in STATUSES:
        raise InvalidInput("status 只能是 open、done 或 cancelled", {"status": [f"可选：{', '.join(STATUSES)}"]})
    if q.rung and q.rung not in RUNGS:
        raise InvalidInput("rung 只能是 none、remind、yellow、orange 或 red", {"rung": [f"可选：{', '.join(RUNGS)}"]})
    query = select(HumanTask)
    if q.status:
        query = query.where(HumanTask.status == q.status)
    if q.assignee:
        query = query.where(HumanTask.assignee_id == _person_id(session, q.assignee))
    if q.candidate_user:
        query = query.where(HumanTask.id.in_(select(TaskCandidate.task_id).where(
            TaskCandidate.person_id == _person_id(session, q.candidate_user))))
    if q.candidate_group:
        query = query.where(HumanTask.role_name.contains(q.candidate_group.strip()))
    if q.unassigned:
        query = query.where(HumanTask.assignee_id.is_(None))
    if q.process_definition_key:
        query = query.where(HumanTask.instance_id.in_(
            select(ProcessInstance.id).join(ProcessDefinition)
            .where(ProcessDefinition.process_id == q.process_definition_key)))
    if q.subject or q.period:
        cycles = select(ProcessInstance.id)
        if q.subject:
            cycles = cycles.join(Subject).where(Subject.code == q.subject.strip())
        if q.period:
            cycles = cycles.where(ProcessInstance.period == q.period.strip())
        query = query.where(HumanTask.instance_id.in_(cycles))
    if q.due_before:
        query = query.where(HumanTask.due_at < q.due_before)
    if q.due_after:
        query = query.where(HumanTask.due_at > q.due_after)
    if q.follow_up_before:
        query = query.where(HumanTask.follow_up_at < q.follow_up_before)
    if q.rung:
        query = query.where(HumanTask.rung == q.rung)
    if not sees_every_cycle(session, actor):
        query = query.where(_own(actor))
    return query


def _own(actor: Person) -> Any:
    offered = exists().where(TaskCandidate.task_id == HumanTask.id, TaskCandidate.person_id == actor.id)
    return or_(HumanTask.assignee_id == actor.id, HumanTask.completed_by_id == actor.id,
               (HumanTask.assignee_id.is_(None) & offered))


def query_tasks(session: Session, actor: Person, q: TaskQuery, first: int = 0,
                max_results: int = 50) -> list[HumanTask]:
    """One page of the tasks matching `q` the actor may see. Raises InvalidInput (an unknown sort, status or
    colour, a page too large)."""
    if q.sort_by not in SORTS or q.sort_order not in ("asc", "desc"):
        raise InvalidInput("sortBy 只能是 due、created、id 或 title，sortOrder 只能是 asc 或 desc",
                           {"sortBy": [f"可选：{', '.join(SORTS)}"]})
    if not 1 <= max_results <= MAX_PAGE or first < 0:
        raise InvalidInput(f"maxResults 应在 1 到 {MAX_PAGE} 之间，firstResult 不能为负",
                           {"maxResults": [f"1–{MAX_PAGE}"]})
    column = SORTS[q.sort_by]
    direction = column.desc() if q.sort_order == "desc" else column.asc()
    query = _filtered(session, actor, q).order_by(column.is_(None), direction, HumanTask.id).offset(first).limit(max_results).options(
        selectinload(HumanTask.instance).selectinload(ProcessInstance.subject),
        selectinload(HumanTask.instance).selectinload(ProcessInstance.definition),
        selectinload(HumanTask.assignee), selectinload(HumanTask.candidates))
    return list(session.scalars(query))


def count_tasks(session: Session, actor: Person, q: TaskQuery) -> int:
    """How many tasks match `q` among those the actor may see."""
    return int(session.scalar(select(func.count()).select_from(_filtered(session, actor, q).subquery())) or 0)


def visible_task(session: Session, actor: Person, task_id: int) -> HumanTask:
    """One task the actor may see (theirs, or any for the quality office and school leaders); raises NotFound,
    NotAllowed."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(code="task.not_found", params={"id": task_id})
    if sees_every_cycle(session, actor):
        return task
    mine = session.scalar(select(exists().where(HumanTask.id == task_id, _own(actor))))
    if not mine:
        raise NotAllowed("这不是您的任务")
    return task
