"""The quality office's cockpit: find any cycle, see where it stands on its BPMN, fix incidents, cancel,
and launch a level's cycles in bulk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload
from SpiffWorkflow.util.task import TaskState

from . import audit, settings
from .access import is_quality_office
from .cycles import get_instance, start_cycle
from .definitions import latest_definition, loaded_for
from .errors import Conflict, InvalidInput, NotAllowed, SpiralError
from .models import HumanTask, Person, ProcessDefinition, ProcessInstance, Subject
from .sync import sync_tasks


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


def find_cycles(session: Session, wanted: CycleFilter, now: datetime, limit: int = 500) -> list[ProcessInstance]:
    """Cycles matching every given filter, newest first."""
    query = (select(ProcessInstance).join(ProcessDefinition).join(Subject)
             .options(selectinload(ProcessInstance.subject), selectinload(ProcessInstance.definition)))
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
    late = exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.status == "open",
                          HumanTask.due_at < now)
    if wanted.lateness == "late":
        query = query.where(late)
    elif wanted.lateness == "on_time":
        query = query.where(~late)
    elif wanted.lateness == "incident":
        query = query.where(ProcessInstance.incident != "")
    return list(session.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit)))


def element_states(instance: ProcessInstance) -> dict[str, list[str]]:
    """BPMN element ids of the cycle's done, active and failed steps (for marking the diagram)."""
    runtime = settings.get().runtime
    workflow = runtime.load(loaded_for(instance.definition), instance.state)
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


def _office_only(session: Session, actor: Person | None, what: str) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed(f"只有质量管理办公室可以{what}")


def cancel_cycle(session: Session, actor: Person | None, instance_id: int, reason: str,
                 now: datetime) -> ProcessInstance:
    """Cancel a running cycle and its open tasks, with a reason; commits. Raises NotAllowed, Conflict, InvalidInput."""
    _office_only(session, actor, "取消诊改周期")
    instance = get_instance(session, instance_id)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("请填写取消原因（不超过 500 字）", {"reason": "请填写取消原因"})
    if instance.status != "running":
        raise Conflict(f"周期 #{instance.id} 不在进行中，不能取消")
    for task in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                        HumanTask.status == "open")):
        task.status, task.completed_at = "cancelled", now
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
    _office_only(session, actor, "处理异常")
    instance = get_instance(session, instance_id)
    if instance.status != "running":
        raise Conflict(f"周期 #{instance.id} 不在进行中")
    runtime = settings.get().runtime
    loaded = loaded_for(instance.definition)
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
    except SpiralError as exc:
        session.rollback()
        instance.incident = exc.message
        audit.record(session, actor, "instance.incident", now, instance=instance, summary=exc.message)
        session.commit()
        return instance
    instance.incident = ""
    instance.state = runtime.dump(workflow)
    action = "instance.incident_skipped" if skip else "instance.incident_retried"
    audit.record(session, actor, action, now, instance=instance,
                 summary=("跳过失败的脚本：" + "、".join(skipped)) if skip else "重试后流程继续运行",
                 before=before, after={"incident": "", "skipped": skipped})
    sync_tasks(session, instance, workflow, loaded.meta, actor, now)
    session.commit()
    return instance


@dataclass
class BulkResult:
    """What a bulk launch did for each subject of the level."""

    started: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Subjects considered."""
        return len(self.started) + len(self.skipped) + len(self.failed)


def bulk_launch(session: Session, actor: Person | None, process_id: str, period: str, now: datetime,
                progress: Any = None) -> BulkResult:
    """Start `process_id` for every subject of its level in `period`, skipping those already started.

    Each cycle commits on its own, so a launch cut short is simply run again (it is idempotent).
    `progress(done, total)` is called after each subject. Raises NotAllowed, NotFound, InvalidInput.
    """
    _office_only(session, actor, "批量启动诊改周期")
    definition = latest_definition(session, process_id)
    assert definition is not None
    if not definition.level:
        raise InvalidInput(f"流程“{definition.name}”没有声明层面（level），无法确定要为哪些对象启动")
    subjects = list(session.scalars(select(Subject).where(Subject.level == definition.level)
                                    .order_by(Subject.code)))
    result = BulkResult()
    for index, subject in enumerate(subjects, start=1):
        try:
            instance = start_cycle(session, actor, process_id, subject.code, period, now)
        except Conflict as exc:
            session.rollback()
            result.skipped.append((subject.name, exc.message))
        except SpiralError as exc:
            session.rollback()
            result.failed.append((subject.name, exc.message))
        else:
            result.started.append((subject.name, instance.id))
        if progress is not None:
            progress(index, len(subjects))
    audit.record(session, actor, "cycles.bulk_launched", now, object_type="process", object_id=process_id,
                 summary=f"批量启动“{definition.name}”（{period}）：启动 {len(result.started)}，"
                         f"跳过 {len(result.skipped)}，失败 {len(result.failed)}",
                 after={"started": [i for _n, i in result.started], "period": period})
    session.commit()
    return result
