"""Cycle administration for the quality office (Camunda's Cockpit): find any cycle, see where it stands on its
BPMN, fix incidents, cancel it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.definitions.models import ProcessDefinition
from engine.definitions.specs import loaded_for
from engine.errors import Conflict, InvalidInput, NotAllowed, SpiralError
from engine.org.access import is_quality_office
from engine.org.models import Person, Subject
from engine.paging import Listing, holds, paged

from . import task_state
from .access import involved_in, sees_every_cycle
from .cycles import get_instance
from .mirror import sync_tasks
from .models import HumanTask, ProcessInstance
from .runtime import runtime_of


@dataclass
class CycleFilter:
    """What the cockpit's list is narrowed to; empty fields do not filter."""

    level: str = ""
    process_id: str = ""
    version: int | None = None
    subject: str = ""
    period: str = ""
    stage: str = ""
    status: str = ""
    lateness: str = ""  # "late": an open task past due; "on_time": none; "incident": a recorded incident
    search: str = ""  # the subject's name or code, the process, the period or a person on its tasks holds it


Page = Listing  # one page of cycles

CYCLE_SORTS = ("created", "due", "colour", "stage")  # newest first, earliest open deadline, red first, by stage
_RUNG_RANK = case({"red": 0, "orange": 1, "yellow": 2, "remind": 3}, value=HumanTask.rung, else_=4)


def _matching(wanted: CycleFilter, now: datetime) -> Select[ProcessInstance]:
    """The query for the cycles matching every given filter (no order, no paging)."""
    query = select(ProcessInstance).join(ProcessDefinition).join(Subject)
    if wanted.level:
        query = query.where(Subject.level == wanted.level)
    if wanted.process_id:
        query = query.where(ProcessDefinition.process_id == wanted.process_id)
    if wanted.version:
        query = query.where(ProcessDefinition.version == wanted.version)
    if wanted.subject.strip():
        text = f"%{wanted.subject.strip()}%"
        query = query.where(or_(Subject.code.ilike(text), Subject.name.ilike(text)))
    if wanted.period.strip():
        query = query.where(ProcessInstance.period.startswith(wanted.period.strip()))
    if wanted.stage:
        query = query.where(ProcessInstance.current_stage == wanted.stage)
    if wanted.status:
        query = query.where(ProcessInstance.status == wanted.status)
    if wanted.search.strip():
        people = select(HumanTask.instance_id).join(Person, Person.id == HumanTask.assignee_id) \
            .where(holds(wanted.search, Person.name, Person.username))
        query = query.where(or_(holds(wanted.search, Subject.name, Subject.code, ProcessDefinition.name,
                                      ProcessDefinition.process_id, ProcessInstance.period),
                                ProcessInstance.id.in_(people)))
    late = exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.status == "open",
                          HumanTask.due_at < now)
    if wanted.lateness == "late":
        query = query.where(late)
    elif wanted.lateness == "on_time":
        query = query.where(~late)
    elif wanted.lateness == "incident":
        query = query.where(ProcessInstance.incident != "")
    return query


def _newest_first(query: Select[ProcessInstance]) -> Select[ProcessInstance]:
    return query.options(selectinload(ProcessInstance.subject), selectinload(ProcessInstance.definition)) \
        .order_by(ProcessInstance.id.desc())


def _sorted(query: Select[ProcessInstance], sort: str) -> Select[ProcessInstance]:
    """`query` in the order `sort` names (CYCLE_SORTS; anything else is newest first)."""
    open_tasks = (HumanTask.instance_id == ProcessInstance.id, HumanTask.status == "open")
    if sort == "due":
        due = select(func.min(HumanTask.due_at)).where(*open_tasks).correlate(ProcessInstance).scalar_subquery()
        query = query.order_by(due.is_(None), due)
    elif sort == "colour":
        rank = select(func.min(_RUNG_RANK)).where(*open_tasks).correlate(ProcessInstance).scalar_subquery()
        query = query.order_by(func.coalesce(rank, 5))
    elif sort == "stage":
        query = query.order_by(ProcessInstance.current_stage)
    return _newest_first(query)


def find_cycles(session: Session, wanted: CycleFilter, now: datetime, limit: int = 500) -> list[ProcessInstance]:
    """Cycles matching every given filter, newest first."""
    return list(session.scalars(_newest_first(_matching(wanted, now)).limit(limit)))


def visible_cycles(session: Session, actor: Person, wanted: CycleFilter, now: datetime, page: int = 1,
                   per_page: int = 50, sort: str = "created") -> Listing[ProcessInstance]:
    """One page of the cycles matching `wanted` that the actor may see, in the order `sort` names (CYCLE_SORTS;
    a page past the end is the last page): the quality office and school leaders see all, others those they
    take part in."""
    query = _matching(wanted, now)
    if not sees_every_cycle(session, actor):
        query = query.where(involved_in(actor))
    return paged(session, _sorted(query, sort), page, per_page)


def element_states(session: Session, instance: ProcessInstance) -> dict[str, list[str]]:
    """BPMN element ids of the cycle's done, active and failed steps (for marking the diagram)."""
    runtime = runtime_of(session)
    workflow = runtime.load(loaded_for(session, instance.definition), instance.state)
    states: dict[str, list[str]] = {"done": [], "active": [], "failed": []}
    for task in workflow.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            states["done"].append(bpmn_id)
        elif task.state & (TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            states["active"].append(bpmn_id)
        elif task.state == TaskState.ERROR:
            states["failed"].append(bpmn_id)
    return {key: sorted(set(ids)) for key, ids in states.items()}


def _office_only(session: Session, actor: Person | None, code: str) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed(code=code)


def cancel_cycle(session: Session, actor: Person | None, instance_id: int, reason: str,
                 now: datetime) -> ProcessInstance:
    """Cancel a running cycle and its open tasks, with a reason; commits. Raises NotAllowed, Conflict, InvalidInput."""
    _office_only(session, actor, "cycle.office_only.cancel")
    instance = get_instance(session, instance_id)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("请填写取消原因（不超过 500 字）", {"reason": "请填写取消原因"})
    if instance.status != "running":
        raise Conflict(code="cycle.not_running.cancel", params={"id": instance.id})
    for task in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                        HumanTask.status == "open")):
        task_state.cancel(session, task, actor, now, f"周期已取消：{reason}")
    instance.status, instance.completed_at = "cancelled", now
    audit.record(session, actor, "instance.cancelled", now, instance=instance,
                 summary=f"取消周期 #{instance.id}：{reason}", before={"status": "running"},
                 after={"status": "cancelled", "reason": reason})
    session.commit()
    return instance


def retry_incident(session: Session, actor: Person | None, instance_id: int, now: datetime,
                   skip: bool = False) -> ProcessInstance:
    """Run the cycle's waiting automatic steps again (after a fix); with `skip`, pass failed scripts unrun.

    Clears the incident when the cycle moves on; records the new error otherwise. Commits either way.
    """
    _office_only(session, actor, "cycle.office_only.incident")
    instance = get_instance(session, instance_id)
    if instance.status != "running":
        raise Conflict(code="cycle.not_running", params={"id": instance.id})
    runtime = runtime_of(session)
    loaded = loaded_for(session, instance.definition)
    workflow = runtime.load(loaded, instance.state)
    skipped = []
    if skip:
        for task in workflow.get_tasks(state=TaskState.ERROR | TaskState.READY, manual=False):
            if type(task.task_spec).__name__.endswith("ScriptTask"):
                task.complete()
                skipped.append(task.task_spec.bpmn_name or task.task_spec.bpmn_id)
    before = {"incident": instance.incident}
    try:
        for task in workflow.get_tasks(state=TaskState.ERROR):
            task.reset_branch(None)
        runtime.advance(workflow, now)
        state = runtime.dump(workflow)
    except SpiralError as exc:
        session.rollback()
        instance.incident = exc.message
        audit.record(session, actor, "instance.incident", now, instance=instance, summary=exc.message)
        session.commit()
        return instance
    instance.incident = ""
    instance.state = state
    action = "instance.incident_skipped" if skip else "instance.incident_retried"
    audit.record(session, actor, action, now, instance=instance,
                 summary=("跳过失败的脚本：" + "、".join(skipped)) if skip else "重试后流程继续运行",
                 before=before, after={"incident": "", "skipped": skipped})
    sync_tasks(session, instance, workflow, loaded.meta, actor, now)
    session.commit()
    return instance
