"""Who may see a cycle and act on a task: the workflow's permission rules, in one place."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotAllowed
from engine.org.access import is_quality_office, is_school_leader
from engine.org.models import Person, Subject

from .models import HumanTask, ProcessInstance, TaskCandidate


def sees_every_cycle(session: Session, person: Person) -> bool:
    """The quality office and school leaders see every cycle."""
    return is_quality_office(session, person) or is_school_leader(session, person)


def involved_in(person: Person) -> ColumnElement[bool]:
    """SQL condition on ProcessInstance: the cycle's subject is the person's, or they are assignee, candidate or
    completer of one of its tasks."""
    takes_part = exists().where(HumanTask.instance_id == ProcessInstance.id, or_(
        HumanTask.assignee_id == person.id, HumanTask.completed_by_id == person.id,
        HumanTask.id.in_(select(TaskCandidate.task_id).where(TaskCandidate.person_id == person.id))))
    return or_(ProcessInstance.subject_id.in_(select(Subject.id).where(Subject.person_id == person.id)), takes_part)


def can_view_instance(session: Session, person: Person, instance: ProcessInstance) -> bool:
    """Staff involved in a cycle, its subject, the quality office and school leaders may see it."""
    if sees_every_cycle(session, person):
        return True
    return session.scalar(select(exists().where(ProcessInstance.id == instance.id, involved_in(person)))) or False


def is_candidate(session: Session, person: Person, task: HumanTask) -> bool:
    """True when `person` may claim `task`."""
    return session.get(TaskCandidate, (task.id, person.id)) is not None


def must_claim(session: Session, person: Person, task: HumanTask) -> bool:
    """True when `person` may act on the open task only after claiming it: it is offered to them, unclaimed."""
    return task.status == "open" and task.assignee_id is None and is_candidate(session, person, task)


def may_act(session: Session, person: Person, task: HumanTask) -> bool:
    """True when `person` may fill in and complete the open task now: it is theirs, or offered to them unclaimed."""
    return task.status == "open" and (task.assignee_id == person.id or must_claim(session, person, task))


def ensure_may_act(session: Session, person: Person, task: HumanTask, refusal: str = "task.not_yours") -> bool:
    """Whether `person` must claim the open task first; raises Conflict (a fellow candidate claimed it) or
    NotAllowed (`refusal`, a message code of engine/messages.py: not theirs at all)."""
    if may_act(session, person, task):
        return task.assignee_id is None
    if task.assignee_id is not None and is_candidate(session, person, task):
        if task.assignee is not None:
            raise Conflict(code="task.claimed_by", params={"who": task.assignee.name})
        raise Conflict(code="task.claimed_by_other")
    raise NotAllowed(code=refusal)


def task_owner_ids(task: Any) -> list[int]:
    """Who holds a task now: its assignee, else its candidates."""
    if task.assignee_id is not None:
        return [task.assignee_id]
    return [p.id for p in task.candidates]
