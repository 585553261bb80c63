"""Read-side queries for the inbox, the CLI and the cycle pages; they read `human_task`, never workflows."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from .models import (HumanTask, Person, ProcessDefinition, ProcessInstance, Role, RoleHolding, Subject,
                     TaskCandidate, Unit)

INBOX_VIEWS = ("mine", "claimable", "due_soon", "overdue", "done")
DUE_SOON = timedelta(days=3)


def _actionable(person: Person) -> Any:
    claimable = and_(HumanTask.assignee_id.is_(None),
                     HumanTask.id.in_(select(TaskCandidate.task_id).where(TaskCandidate.person_id == person.id)))
    return and_(HumanTask.status == "open", or_(HumanTask.assignee_id == person.id, claimable))


def inbox_query(person: Person, view: str, now: datetime) -> Select[tuple[HumanTask]]:
    """The query behind one inbox tab."""
    query = select(HumanTask).options(selectinload(HumanTask.instance).selectinload(ProcessInstance.subject),
                                      selectinload(HumanTask.assignee))
    if view == "mine":
        return query.where(HumanTask.status == "open", HumanTask.assignee_id == person.id) \
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    if view == "claimable":
        return query.where(HumanTask.status == "open", HumanTask.assignee_id.is_(None),
                           HumanTask.id.in_(select(TaskCandidate.task_id)
                                            .where(TaskCandidate.person_id == person.id))) \
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    if view == "due_soon":
        return query.where(_actionable(person), HumanTask.due_at >= now, HumanTask.due_at <= now + DUE_SOON) \
            .order_by(HumanTask.due_at)
    if view == "overdue":
        return query.where(_actionable(person), HumanTask.due_at < now).order_by(HumanTask.due_at)
    if view == "done":
        return query.where(HumanTask.status == "done", HumanTask.completed_by_id == person.id) \
            .order_by(HumanTask.completed_at.desc())
    raise ValueError(f"unknown inbox view {view!r}")


def inbox(session: Session, person: Person, view: str, now: datetime, limit: int = 200) -> list[HumanTask]:
    """One inbox tab's tasks."""
    return list(session.scalars(inbox_query(person, view, now).limit(limit)))


def inbox_counts(session: Session, person: Person, now: datetime) -> dict[str, int]:
    """How many tasks each inbox tab holds."""
    counts = {}
    for view in INBOX_VIEWS:
        sub = inbox_query(person, view, now).order_by(None).subquery()
        counts[view] = session.scalar(select(func.count()).select_from(sub)) or 0
    return counts


def actionable_tasks(session: Session, person: Person) -> list[HumanTask]:
    """Everything the person can act on now: assigned to them or claimable by them."""
    query = select(HumanTask).where(_actionable(person)).order_by(HumanTask.due_at.is_(None),
                                                                  HumanTask.due_at, HumanTask.id)
    return list(session.scalars(query))


def open_tasks(session: Session) -> list[HumanTask]:
    """Every open task of the school, soonest due first (the system's view, for the shell)."""
    query = select(HumanTask).where(HumanTask.status == "open").order_by(HumanTask.due_at.is_(None),
                                                                         HumanTask.due_at, HumanTask.id)
    return list(session.scalars(query))


def find_person(session: Session, username: str) -> Person | None:
    """The person with this username."""
    return session.scalars(select(Person).where(Person.username == username.strip())).first()


def people(session: Session, role: str | None = None) -> list[Person]:
    """People, optionally only those holding a role (by code or name)."""
    query = select(Person).options(selectinload(Person.holdings).selectinload(RoleHolding.role),
                                   selectinload(Person.holdings).selectinload(RoleHolding.unit))
    if role:
        query = query.where(Person.id.in_(select(RoleHolding.person_id).join(Role)
                                          .where(or_(Role.code == role, Role.name == role))))
    return list(session.scalars(query.order_by(Person.username)))


def subjects(session: Session, level: str | None = None) -> list[Subject]:
    """Subjects of cycles, optionally of one level."""
    query = select(Subject).options(selectinload(Subject.unit))
    if level:
        query = query.where(Subject.level == level)
    return list(session.scalars(query.order_by(Subject.level, Subject.code)))


def instances(session: Session, limit: int = 500) -> list[ProcessInstance]:
    """Cycles, newest first."""
    query = select(ProcessInstance).options(selectinload(ProcessInstance.subject),
                                            selectinload(ProcessInstance.definition))
    return list(session.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit)))


def instance_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """Every task row of a cycle, oldest first."""
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                .options(selectinload(HumanTask.assignee), selectinload(HumanTask.candidates))
                                .order_by(HumanTask.id)))


def unit_path(session: Session, unit_id: int | None) -> str:
    """“学校 / 信息技术部 / 电商教研室” for a unit."""
    names = []
    current = session.get(Unit, unit_id) if unit_id else None
    while current is not None:
        names.append(current.name)
        current = session.get(Unit, current.parent_id) if current.parent_id else None
    return " / ".join(reversed(names))


def definition_of(session: Session, process_id: str) -> ProcessDefinition | None:
    """Newest version of a process (None when not deployed)."""
    return session.scalars(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id)
                           .order_by(ProcessDefinition.version.desc()).limit(1)).first()


def task_to_dict(task: HumanTask) -> dict[str, Any]:
    """The JSON shape of a task used by the CLI and the API."""
    return {
        "id": task.id, "title": task.title, "process": task.instance.definition.process_id,
        "process_name": task.instance.definition.name, "instance": task.instance_id, "stage": task.stage,
        "role": task.role_name, "subject": task.instance.subject.code,
        "subject_name": task.instance.subject.name, "period": task.instance.period,
        "assignee": task.assignee.username if task.assignee else None,
        "candidates": [p.username for p in task.candidates],
        "due": task.due_at.isoformat() if task.due_at else None, "status": task.status,
        "unroutable": task.unroutable, "form": task.form_id or None, "rung": task.rung,
    }
