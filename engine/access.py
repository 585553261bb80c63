"""Who may see and do what: the few permission rules, in one place."""
from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from .models import HumanTask, Person, ProcessInstance, Role, RoleHolding, TaskCandidate, Unit


def is_quality_office(session: Session, person: Person | None) -> bool:
    """Admins and holders of a quality-office role (the roles that receive unroutable tasks)."""
    if person is None:
        return True  # the system itself: CLI, scheduler
    if person.is_admin:
        return True
    return session.scalar(select(exists().where(RoleHolding.person_id == person.id,
                                                RoleHolding.role_id == Role.id,
                                                Role.receives_unroutable.is_(True)))) or False


def is_school_leader(session: Session, person: Person) -> bool:
    """Someone holding any role at the root of the org tree (校长, 分管校领导, 督导…)."""
    return session.scalar(select(exists().where(RoleHolding.person_id == person.id,
                                                RoleHolding.unit_id == Unit.id,
                                                Unit.parent_id.is_(None)))) or False


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


def can_supervise(session: Session, person: Person | None) -> bool:
    """The quality office and school leaders (校长, 分管校领导, 督导员) see and act on every notice."""
    return is_quality_office(session, person) or (person is not None and is_school_leader(session, person))
