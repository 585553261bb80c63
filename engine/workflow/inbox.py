"""Read-side queries for the inbox, the CLI and the cycle pages; they read `human_task`, never workflows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from engine.calendar.closures import load_calendar
from engine.calendar.deadlines import END_OF_DAY
from engine.db.prepared import Prepared
from engine.org.models import Person, Subject

from .models import HumanTask, ProcessInstance, TaskCandidate

INBOX_VIEWS = ("mine", "claimable", "due_soon", "overdue", "done")
DUE_SOON_DAYS = 3  # an open task due within this many working days is "due soon" (the inbox tab, the amber mark)


def soon_until(session: Session, now: datetime) -> datetime:
    """The end of the "due soon" window: the close of the third working day after today (as deadlines count)."""
    return datetime.combine(load_calendar(session).add_working_days(now.date(), DUE_SOON_DAYS), END_OF_DAY)


def due_state(task: HumanTask, now: datetime, soon: datetime | None = None) -> str:
    """An open task's deadline state: "overdue", "soon" (due by `soon`, default three days on), "ok"; "" without a
    deadline or open."""
    if task.due_at is None or task.status != "open":
        return ""
    if task.due_at < now:
        return "overdue"
    return "soon" if task.due_at <= (soon or now + timedelta(days=DUE_SOON_DAYS)) else "ok"


def _actionable(person: Person) -> Any:
    claimable = and_(HumanTask.assignee_id.is_(None),
                     HumanTask.id.in_(select(TaskCandidate.task_id).where(TaskCandidate.person_id == person.id)))
    return and_(HumanTask.status == "open", or_(HumanTask.assignee_id == person.id, claimable))


def inbox_query(person: Person, view: str, now: datetime, soon: datetime | None = None,
                search: str = "") -> Select[HumanTask]:
    """The query behind one inbox tab (`soon`: the end of the 即将到期 window, soon_until), narrowed to tasks whose
    title, or subject's name or code, holds `search`."""
    query = select(HumanTask).options(selectinload(HumanTask.instance).selectinload(ProcessInstance.subject),
                                      selectinload(HumanTask.assignee))
    if search.strip():
        text = search.strip()[:100]
        subjects = select(ProcessInstance.id).join(Subject).where(
            or_(Subject.name.contains(text, autoescape=True), Subject.code.contains(text, autoescape=True)))
        query = query.where(or_(HumanTask.title.contains(text, autoescape=True), HumanTask.instance_id.in_(subjects)))
    if view == "mine":
        return query.where(HumanTask.status == "open", HumanTask.assignee_id == person.id) \
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    if view == "claimable":
        return query.where(HumanTask.status == "open", HumanTask.assignee_id.is_(None),
                           HumanTask.id.in_(select(TaskCandidate.task_id)
                                            .where(TaskCandidate.person_id == person.id))) \
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    if view == "due_soon":
        until = soon or now + timedelta(days=DUE_SOON_DAYS)
        return query.where(_actionable(person), HumanTask.due_at >= now, HumanTask.due_at <= until) \
            .order_by(HumanTask.due_at)
    if view == "overdue":
        return query.where(_actionable(person), HumanTask.due_at < now).order_by(HumanTask.due_at)
    if view == "done":
        return query.where(HumanTask.status == "done", HumanTask.completed_by_id == person.id) \
            .order_by(HumanTask.completed_at.desc())
    raise ValueError(f"unknown inbox view {view!r}")


INBOX_SORTS = ("due", "colour", "created")  # the tab's own order (due first, the 已办 tab newest first), red first, newest
_RUNG_RANK = case({"red": 0, "orange": 1, "yellow": 2, "remind": 3}, value=HumanTask.rung, else_=4)


def inbox(session: Session, person: Person, view: str, now: datetime, limit: int = 200, offset: int = 0,
          search: str = "", sort: str = "due") -> list[HumanTask]:
    """One page of an inbox tab's tasks (those matching `search`), in the order `sort` names (INBOX_SORTS)."""
    query = inbox_query(person, view, now, soon_until(session, now), search)
    if sort == "colour":
        query = query.order_by(None).order_by(_RUNG_RANK, HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    elif sort == "created":
        query = query.order_by(None).order_by(HumanTask.created_at.desc(), HumanTask.id.desc())
    return list(session.scalars(query.offset(offset).limit(limit)))


def inbox_total(session: Session, person: Person, view: str, now: datetime, search: str = "") -> int:
    """How many tasks an inbox tab holds that match `search` (for the pager)."""
    sub = inbox_query(person, view, now, soon_until(session, now), search).order_by(None).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def inbox_counts(session: Session, person: Person, now: datetime) -> dict[str, int]:
    """How many tasks each inbox tab holds."""
    counts, until = {}, soon_until(session, now)
    for view in INBOX_VIEWS:
        sub = inbox_query(person, view, now, until).order_by(None).subquery()
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


def instance_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """Every task row of a cycle, oldest first."""
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                .options(selectinload(HumanTask.assignee), selectinload(HumanTask.candidates))
                                .order_by(HumanTask.id)))


@dataclass(frozen=True)
class NextStep:
    """An open task of a cycle, as a person who just submitted hears of it: who has it, or who may claim it."""

    title: str
    assignee: str | None
    candidates: list[str]


_TASK, _PERSON, _OFFER = HumanTask.__table__.c, Person.__table__.c, TaskCandidate.__table__.c
# built once: asked after every submit from a page (which shows who has the next step)
_NEXT_OPEN = Prepared(select(_TASK.id, _TASK.title, _PERSON.name).outerjoin(
    Person.__table__, _PERSON.id == _TASK.assignee_id).where(
    _TASK.instance_id == bindparam("instance_id"), _TASK.status == "open").order_by(_TASK.id).limit(bindparam("n")))
_OFFERED_TO = select(_OFFER.task_id, _PERSON.name).join(Person.__table__, _PERSON.id == _OFFER.person_id).where(
    _OFFER.task_id.in_(bindparam("ids", expanding=True))).order_by(_OFFER.task_id, _PERSON.id)


def next_steps(session: Session, instance_id: int, limit: int = 3) -> list[NextStep]:
    """The cycle's first `limit` open tasks, oldest first, with their holder's name (or up to five candidates')."""
    rows = _NEXT_OPEN.run(session, {"instance_id": instance_id, "n": limit}).rows
    offered: dict[int, list[str]] = {}
    unassigned = [task_id for task_id, _title, name in rows if name is None]
    if unassigned:
        for task_id, name in session.connection().execute(_OFFERED_TO, {"ids": unassigned}):
            offered.setdefault(task_id, []).append(name)
    return [NextStep(title, name, offered.get(task_id, [])[:5]) for task_id, title, name in rows]


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
