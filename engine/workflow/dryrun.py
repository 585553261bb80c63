"""Dry run: walk a process in memory with test answers to see who would get each task and when it would fall
due. Nothing is written: no cycle, no task row, no audit event."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.closures import load_calendar
from engine.calendar.deadlines import due_variable, task_due
from engine.definitions.deploy import latest_definition
from engine.definitions.specs import form_registry, get_form, loaded_for
from engine.errors import NotAllowed, SpiralError
from engine.org.access import is_quality_office
from engine.org.models import Person
from engine.org.routing import route_task

from .cycles import initial_data, process_for_subject
from .mirror import task_title
from .runtime import Runtime, runtime_of
from .sample import sample_answers

MAX_STEPS = 60
START = "__start__"  # the choices of the process's start form (an improvement's 整改责任角色), answered first


@dataclass
class DryStep:
    """One task the walk reached: who would get it, when due, and the answers the walk gave."""

    bpmn_id: str
    title: str
    stage: str
    role: str
    assignee: str = ""
    candidates: list[str] = field(default_factory=list)
    unroutable: str = ""
    due: datetime | None = None
    created: datetime | None = None  # when the walk assumes the task comes (the previous one done at its deadline)
    due_note: str = ""  # why there is no deadline: it is read from data the walk does not have
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass
class DryRun:
    """The steps of a walk, and how it ended."""

    steps: list[DryStep] = field(default_factory=list)
    finished: bool = False
    error: str = ""


def choice_fields(process_id: str, session: Session) -> list[tuple[str, str, Any]]:
    """(task id, task name, form component) for every choice (radio/select) a walk can take."""
    definition = latest_definition(session, process_id)
    assert definition is not None
    forms = form_registry(session)
    found: list[tuple[str, str, Any]] = []
    start_form = definition.meta.get("start_form", "")
    if start_form and forms.exists(start_form):
        found.extend((START, "发起表单", component) for component in get_form(session, start_form).fields
                     if component.type in ("radio", "select") and component.options and component.key)
    for task_id, task in definition.meta.get("tasks", {}).items():
        if task.get("form") and forms.exists(task["form"]):
            for component in get_form(session, task["form"]).fields:
                if component.type in ("radio", "select") and component.options and component.key:
                    found.append((task_id, task["name"], component))
    return found


def dry_run(session: Session, actor: Person | None, process_id: str, subject_code: str, period: str,
            choices: dict[str, dict[str, Any]], now: datetime, step_hours: int = 24,
            max_steps: int = MAX_STEPS, start: datetime | None = None) -> DryRun:
    """Walk the newest version for a subject from `start` (default `now`); `choices[task_id]` answers that task
    the first time it comes (`choices[START]` the start form's, e.g. an improvement's responsible role); the walk stops after `max_steps` tasks (the year view asks for the first only).
    Deadlines are computed as a real run computes them (task_due, the school's calendar) from when each task
    comes: each task is assumed done at its deadline (the latest an on-time cycle reaches the next task), or
    `step_hours` later when it has none.

    Raises NotAllowed, NotFound (process, subject), InvalidInput (a level mismatch).
    """
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以试运行流程")
    definition, subject = process_for_subject(session, process_id, subject_code)
    loaded = loaded_for(session, definition)
    runtime = runtime_of(session)
    forms = form_registry(session)
    initial = initial_data(subject, period)
    start_form = loaded.meta.get("start_form", "")
    if start_form and forms.exists(start_form):  # what the starter would fill in (the sample, with their choices)
        initial.update(sample_answers(get_form(session, start_form), choices.get(START, {})))
    result = DryRun()
    seen: set[str] = set()
    cal = load_calendar(session)
    at = start or now
    try:
        workflow = runtime.new_workflow(loaded, initial, at)
        while len(result.steps) < min(max_steps, MAX_STEPS):
            ready = Runtime.ready_user_tasks(workflow)
            if not ready:
                result.finished = workflow.is_completed()
                break
            task = ready[0]
            meta = loaded.meta["tasks"].get(task.task_spec.bpmn_id, {})
            step = _step(session, meta, task, subject, at, cal)
            first_time = step.bpmn_id not in seen
            seen.add(step.bpmn_id)
            form = get_form(session, meta["form"]) if meta.get("form") and forms.exists(meta["form"]) else None
            step.answers = sample_answers(form, choices.get(step.bpmn_id, {}) if first_time else {}) if form else {}
            result.steps.append(step)
            at = step.due if step.due is not None and step.due > at else at + timedelta(hours=step_hours)
            runtime.complete(workflow, task, dict(step.answers), at)
    except SpiralError as exc:
        result.error = exc.message
    finally:
        session.rollback()  # the walk only reads; make sure nothing it touched lingers
    return result


def _step(session: Session, meta: dict[str, Any], task: Any, subject: Any, at: datetime,
          cal: Any) -> DryStep:
    route = route_task(session, meta, subject, task.data, at)
    names = {p.id: p.name for p in session.scalars(
        select(Person).where(Person.id.in_([route.assignee_id or 0, *route.candidate_ids])))}
    due = task_due(meta, at, task.data, cal)
    return DryStep(task.task_spec.bpmn_id, task_title(meta.get("name") or task.task_spec.bpmn_name or "", task.data),
                   meta.get("stage", ""),
                   route.role_name, names.get(route.assignee_id or 0, ""),
                   [names[i] for i in route.candidate_ids if i in names],
                   route.reason if route.unroutable else "", due, at, _due_note(meta, task.data) if due is None else "")


def _due_note(meta: dict[str, Any], data: dict[str, Any]) -> str:
    """Why a task of the walk has no deadline when its BPMN names one in data (`${var}`) that the walk lacks."""
    name = due_variable(meta)
    return f"期限取自数据“{name}”，试运行没有这项数据" if name and not data.get(name) else ""
