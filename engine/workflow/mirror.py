"""Mirror a workflow's ready manual tasks into the `human_task` table after every engine step."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import String, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from engine.bus import publish
from engine.calendar.closures import load_calendar
from engine.calendar.deadlines import WorkCalendar, is_working_calendar, task_due
from engine.db.prepared import Prepared
from engine.org.models import Person
from engine.org.routing import data_value, route_task

from . import task_state
from .events import CycleFinished
from .models import HumanTask, ProcessInstance
from .runtime import Runtime

_TASK = HumanTask.__table__.c
# built once, asked at every engine step (the ORM's select costs ~5× this statement): the cycle's open tasks, and
# one row per done step (its stage, BPMN id and first task id), in one statement
_OPEN_AND_DONE = Prepared(union_all(
    select(_TASK.id, literal(None, String).label("stage"), literal(None, String).label("bpmn_id"),
           literal(True).label("open")).where(_TASK.instance_id == bindparam("instance_id"), _TASK.status == "open"),
    select(func.min(_TASK.id), _TASK.stage, _TASK.bpmn_id, literal(False)).where(
        _TASK.instance_id == bindparam("instance_id"), _TASK.status == "done").group_by(_TASK.stage, _TASK.bpmn_id)))
MOVED_ON = "任务已不再需要办理（流程已转向），督办自动结束"


_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}")


def task_title(name: str, data: dict[str, Any]) -> str:
    """A task's title: its BPMN name with each `${variable}` replaced by the task's data (a plan task's
    具体任务, a department's name), so that a hundred tasks of one process stay apart in an inbox."""
    title = _PLACEHOLDER.sub(lambda m: str(data_value(data, m.group(1)) or "")[:120], name)
    return title.strip()[:200] or name[:200]


def sync_tasks(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, meta: dict[str, Any],
               actor: Person | None, now: datetime) -> list[HumanTask]:
    """Create rows for newly ready tasks, cancel rows whose task left the ready state; return new rows.

    The caller sets the cycle's new `state` first: the cycle's row, the closed tasks and the new ones are then
    written together, one plain statement each (task_state.open_tasks), so the cycle's row is written once."""
    ready_tasks = Runtime.ready_user_tasks(workflow)
    ready = {str(t.id): t for t in ready_tasks}
    found = _OPEN_AND_DONE.run(session, {"instance_id": instance.id}).rows
    open_rows = _open_rows(session, sorted(task_id for task_id, _stage, _step, is_open in found if is_open))
    for row in open_rows:
        if row.spiff_task_id not in ready:
            task_state.cancel(session, row, actor, now, MOVED_ON)
    known = {row.spiff_task_id for row in open_rows}
    stages_done, steps_done = _done_steps(session, instance.id, [(stage, step, task_id) for task_id, stage, step,
                                                                 is_open in found if not is_open])
    created: list[task_state.NewTask] = []
    cal: WorkCalendar | None = None
    for spiff_id, task in ready.items():
        if spiff_id in known:
            continue
        cal = cal or load_calendar(session)
        task_meta = meta["tasks"].get(task.task_spec.bpmn_id, {})
        route = route_task(session, task_meta, instance.subject, task.data, now)
        row = HumanTask(instance_id=instance.id, spiff_task_id=spiff_id, bpmn_id=task.task_spec.bpmn_id,
                        title=task_title(task_meta.get("name") or task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                                         task.data),
                        stage=task_meta.get("stage", ""), role_name=route.role_name[:100],
                        scope_unit_id=route.scope_unit_id, assignee_id=route.assignee_id,
                        unroutable=route.unroutable, form_id=task_meta.get("form", ""), status="open",
                        created_at=now, due_at=task_due(task_meta, now, task.data, cal), data={}, instance=instance,
                        working_days=is_working_calendar(task_meta.get("due_calendar", "")))
        created.append(task_state.NewTask(row, route, task_meta.get("escalation", ""), row.bpmn_id in steps_done))
    _update_progress(session, instance, workflow, ready_tasks, stages_done, meta, now)
    task_state.open_tasks(session, instance, created, actor, now)
    return [new.row for new in created]


def _open_rows(session: Session, ids: list[int]) -> list[HumanTask]:
    """The cycle's open task rows, by the ids the table holds: from the session where it holds them (a task
    completed in this transaction may not be written yet: it is open in the table, done here)."""
    held = {task_id: session.identity_map.get(identity_key(HumanTask, task_id)) for task_id in ids}
    missing = [task_id for task_id, row in held.items() if row is None]
    if missing:  # the identity map holds rows weakly: keep the loaded ones
        held.update({row.id: row for row in session.scalars(select(HumanTask).where(HumanTask.id.in_(missing)))})
    return [row for row in held.values() if isinstance(row, HumanTask) and row.status == "open"]


def _update_progress(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, ready: list[Any],
                     done_rows: list[str], meta: dict[str, Any], now: datetime) -> None:
    stages = [meta["tasks"].get(t.task_spec.bpmn_id, {}).get("stage", "") for t in ready]
    stages = [s for s in stages if s]
    done = [s for s in done_rows if s and s not in stages]
    instance.stages_done = done
    instance.next_timer_at = Runtime.next_timer_at(workflow, now)
    if stages:
        instance.current_stage = stages[0]
    if workflow.is_completed() and instance.status == "running":
        instance.status = "completed"
        instance.completed_at = now
        instance.current_stage = ""
        instance.stages_done = done_rows
        publish(session, CycleFinished(instance, now))


def _done_steps(session: Session, instance_id: int, stored: list[tuple[str, str, int]]) -> tuple[list[str], set[str]]:
    """The stages of the cycle's done tasks in the order first reached, and the steps (BPMN ids) done: one row per
    step from the database (`stored`: flat in history), joined with the tasks this transaction has done and not
    written yet."""
    first: dict[str, int] = {}
    steps: set[str] = set()
    done = list(stored)
    done += [(row.stage, row.bpmn_id, row.id) for row in session.dirty  # the modified rows only
             if isinstance(row, HumanTask) and row.instance_id == instance_id and row.status == "done"
             and row.id is not None]
    for stage, bpmn_id, task_id in done:
        steps.add(bpmn_id)
        if task_id < first.get(stage, task_id + 1):
            first[stage] = task_id
    return [str(stage or "") for stage, _ in sorted(first.items(), key=lambda item: item[1])], steps
