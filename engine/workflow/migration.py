"""Moving running cycles to a newer version of their process.

A cycle moves only when SpiffWorkflow's diff says it is safe: no step it has done or is doing disappears,
and no subprocess it runs is gone. Otherwise the move is refused with the reason and nothing changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.definitions.models import ProcessDefinition
from engine.definitions.specs import loaded_for
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .mirror import sync_tasks
from .models import HumanTask, ProcessInstance
from .runtime import Runtime, runtime_of

_SETTLED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def versions(session: Session, process_id: str) -> list[tuple[ProcessDefinition, int]]:
    """Every version of a process, newest first, with how many cycles run on it; raises NotFound."""
    rows = [(d, n) for d, n in session.execute(
        select(ProcessDefinition, func.count(ProcessInstance.id))
        .outerjoin(ProcessInstance, (ProcessInstance.definition_id == ProcessDefinition.id)
                   & (ProcessInstance.status == "running"))
        .where(ProcessDefinition.process_id == process_id).group_by(ProcessDefinition.id)
        .order_by(ProcessDefinition.version.desc()))]
    if not rows:
        raise NotFound(f"没有已部署的流程“{process_id}”")
    return rows


def migration_blockers(session: Session, instance: ProcessInstance, target: ProcessDefinition) -> list[str]:
    """Why `instance` cannot move to `target` (empty when it can)."""
    reasons = _static_blockers(instance, target)
    if reasons:
        return reasons
    runtime = runtime_of(session)
    workflow = runtime.load(loaded_for(session, instance.definition), instance.state)
    new = loaded_for(session, target)
    return _workflow_blockers(runtime, workflow, new)


def _static_blockers(instance: ProcessInstance, target: ProcessDefinition) -> list[str]:
    if instance.definition.process_id != target.process_id:
        return [f"周期 #{instance.id} 运行的是另一个流程（{instance.definition.process_id}）"]
    if instance.status != "running":
        return [f"周期 #{instance.id} 已{'完成' if instance.status == 'completed' else '取消'}，无需迁移"]
    if target.version <= instance.definition.version:
        return [f"周期 #{instance.id} 已在第 {instance.definition.version} 版，只能迁移到更新的版本"]
    return []


def _workflow_blockers(runtime: Any, workflow: Any, new: Any) -> list[str]:
    top, subs = diff_workflow(runtime.registry, workflow, new.spec, new.subprocess_specs)
    reasons = []
    for task in top.removed:
        if task.state & _SETTLED:
            state = "已完成" if task.state == TaskState.COMPLETED else "正在进行"
            reasons.append(f"{state}的步骤“{task.task_spec.bpmn_name or task.task_spec.name}”"
                           f"（{task.task_spec.name}）在新版本中被删除")
    for sp_id, sp_diff in subs.items():
        if sp_diff is None:
            reasons.append(f"正在运行的子流程 {sp_id} 在新版本中不存在")
    return list(dict.fromkeys(reasons))


@dataclass
class MigrationResult:
    """Which cycles moved and which were refused (with the reason)."""

    migrated: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def migrate_cycles(session: Session, actor: Person | None, instance_ids: list[int], target_id: int,
                   now: datetime) -> MigrationResult:
    """Move each chosen cycle to version `target_id` when safe; audit each move; commit once.

    Raises NotAllowed (not the quality office), NotFound (no such version), InvalidInput (no cycle chosen).
    """
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以迁移诊改周期")
    target = session.get(ProcessDefinition, target_id)
    if target is None:
        raise NotFound("目标版本不存在")
    if not instance_ids:
        raise InvalidInput("请至少选择一个要迁移的周期")
    result = MigrationResult()
    for instance_id in dict.fromkeys(instance_ids):
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            result.refused[instance_id] = f"周期 #{instance_id} 不存在"
            continue
        reasons = _migrate_one(session, actor, instance, target, now)
        if reasons:
            result.refused[instance_id] = "；".join(reasons)
            audit.record(session, actor, "instance.migration_refused", now, instance=instance,
                         summary=f"未迁移到第 {target.version} 版：" + "；".join(reasons)[:400],
                         after={"target_version": target.version, "reasons": reasons})
        else:
            result.migrated.append(instance_id)
    session.commit()
    return result


def _migrate_one(session: Session, actor: Person | None, instance: ProcessInstance, target: ProcessDefinition,
                 now: datetime) -> list[str]:
    reasons = _static_blockers(instance, target)
    if reasons:
        return reasons
    runtime = runtime_of(session)
    old_loaded, new_loaded = loaded_for(session, instance.definition), loaded_for(session, target)
    workflow = runtime.load(old_loaded, instance.state)
    reasons = _workflow_blockers(runtime, workflow, new_loaded)
    if reasons:
        return reasons
    top, subs = diff_workflow(runtime.registry, workflow, new_loaded.spec, new_loaded.subprocess_specs)
    migrate_workflow(top, workflow, new_loaded.spec)
    for sp_id, sp_diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(sp_diff, sub, new_loaded.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new_loaded.subprocess_specs
    runtime.advance(workflow, now)
    _keep_open_rows(session, instance, workflow, old_loaded.meta, new_loaded.meta)
    before = {"version": instance.definition.version, "definition_id": instance.definition_id}
    instance.definition_id, instance.definition = target.id, target
    instance.state = runtime.dump(workflow)
    audit.record(session, actor, "instance.migrated", now, instance=instance,
                 summary=f"周期 #{instance.id} 从第 {before['version']} 版迁移到第 {target.version} 版",
                 before=before, after={"version": target.version, "definition_id": target.id})
    sync_tasks(session, instance, workflow, new_loaded.meta, actor, now)
    return []


def _keep_open_rows(session: Session, instance: ProcessInstance, workflow: Any, old_meta: dict[str, Any],
                    new_meta: dict[str, Any]) -> None:
    """A ready step whose settings did not change keeps its task row (assignee, claim, due date)."""
    ready = {t.task_spec.bpmn_id: str(t.id) for t in Runtime.ready_user_tasks(workflow)}
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.status == "open"))
    for row in rows:
        same = {k: v for k, v in old_meta["tasks"].get(row.bpmn_id, {}).items() if k != "line"} == \
            {k: v for k, v in new_meta["tasks"].get(row.bpmn_id, {}).items() if k != "line"}
        if row.bpmn_id in ready and same:
            row.spiff_task_id = ready.pop(row.bpmn_id)

