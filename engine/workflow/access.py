"""Who may see a cycle and act on a task: the workflow's permission rules, in one place."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.org.access import is_quality_office, is_school_leader
from engine.org.models import Person

from .models import HumanTask, ProcessInstance, TaskCandidate


def can_view_instance(session: Session, person: Person, instance: ProcessInstance) -> bool:
    """Staff involved in a cycle, its subject, the quality office and school leaders may see it."""
    if is_quality_office(session, person) or is_school_leader(session, person):
        return True
    if instance.subject.person_id == person.id:
        return True
    involved = select(HumanTask.id).where(HumanTask.instance_id == instance.id, or_(
        HumanTask.assignee_id == person.id, HumanTask.completed_by_id == person.id,
        HumanTask.id.in_(select(TaskCandidate.task_id).where(TaskCandidate.person_id == person.id))))
    return session.scalars(involved.limit(1)).first() is not None


def is_candidate(session: Session, person: Person, task: HumanTask) -> bool:
    """True when `person` may claim `task`."""
    return session.get(TaskCandidate, (task.id, person.id)) is not None


def task_owner_ids(task: Any) -> list[int]:
    """Who holds a task now: its assignee, else its candidates."""
    if task.assignee_id is not None:
        return [task.assignee_id]
    return [p.id for p in task.candidates]
