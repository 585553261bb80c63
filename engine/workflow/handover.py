"""Handing a person's open tasks (and offers to claim) to their active substitute."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.errors import Conflict, NotFound
from engine.org.models import Person
from engine.org.substitutes import get_substitution, may_manage

from . import task_state
from .models import HumanTask, TaskCandidate


def hand_over_tasks(session: Session, actor: Person, substitution_id: int, now: datetime) -> int:
    """Give the person's open tasks (assigned, and offers to claim) to the active substitute; returns how many."""
    row = get_substitution(session, substitution_id)
    may_manage(actor, row.person_id)
    if not row.starts_on <= now.date() <= row.ends_on:
        raise Conflict("只能在代理期内移交任务")
    person, substitute = session.get(Person, row.person_id), row.substitute
    if person is None:  # person_id is a foreign key, so only a damaged database gets here
        raise NotFound("该人员不存在")
    offered = select(TaskCandidate.task_id).where(TaskCandidate.person_id == person.id)
    tasks = session.scalars(select(HumanTask).options(selectinload(HumanTask.instance)).where(
        HumanTask.status == "open", (HumanTask.assignee_id == person.id)
        | (HumanTask.assignee_id.is_(None) & HumanTask.id.in_(offered))).order_by(HumanTask.id)).all()
    for task in tasks:
        task_state.hand_over(session, task, person, substitute, actor, now)
    session.commit()
    return len(tasks)
