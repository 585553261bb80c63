"""Starting cycles (process instances) and reading where they stand."""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.audit import AuditEvent
from engine.calendar.school_year import month_period
from engine.definitions.deploy import latest_definition
from engine.definitions.models import ProcessDefinition
from engine.definitions.specs import get_form, loaded_for
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound, ScriptError
from engine.org.access import is_quality_office
from engine.org.models import Person, Subject
from forms import validate_submission

from .mirror import sync_tasks
from .models import ProcessInstance
from .runtime import runtime_of

PERIOD = re.compile(r"^\d{4}-\d{4}(-[12])?$")


def find_subject(session: Session, code: str) -> Subject:
    """The subject with this code; raises NotFound."""
    subject = session.scalars(select(Subject).where(Subject.code == code.strip())).first()
    if subject is None:
        raise NotFound(f"找不到诊改对象“{code}”（可用 spiral subjects 查看）")
    return subject


def process_for_subject(session: Session, process_id: str, subject_code: str) -> tuple[ProcessDefinition, Subject]:
    """The newest version of a process and the subject it is to run for; raises NotFound or InvalidInput
    when the process is for another level."""
    definition = latest_definition(session, process_id)
    assert definition is not None
    subject = find_subject(session, subject_code)
    if definition.level and definition.level != subject.level:
        raise InvalidInput(f"流程“{definition.name}”用于 {definition.level} 层面，"
                           f"而“{subject.name}”属于 {subject.level} 层面")
    return definition, subject


def initial_data(subject: Subject, period: str) -> dict[str, Any]:
    """What every cycle's workflow starts knowing: its subject and period."""
    return {"subject_code": subject.code, "subject_name": subject.name, "subject_level": subject.level,
            "period": period}


def start_cycle(session: Session, actor: Person | None, process_id: str, subject_code: str, period: str,
                now: datetime, data: dict[str, Any] | None = None, locale: str = "zh_CN") -> ProcessInstance:
    """Start the newest version of `process_id` for a subject and period; commits.

    Raises NotFound, NotAllowed, Conflict (already started), InvalidInput (period or start form), ScriptError.
    """
    instance = open_cycle(session, actor, process_id, subject_code, period, now, data, locale=locale)
    session.commit()
    return instance


def open_cycle(session: Session, actor: Person | None, process_id: str, subject_code: str, period: str,
               now: datetime, data: dict[str, Any] | None = None, facts: dict[str, Any] | None = None,
               locale: str = "zh_CN", unit_id: int | None = None) -> ProcessInstance:
    """start_cycle without the commit, for a caller whose own transaction holds the start (a warning's
    improvement starts with the value that raised it). `facts` join the start data unchecked: what the engine
    itself knows (the indicator, value and lines of a warning), never what a user typed. `unit_id` names the unit
    the cycle is done for when it is not the subject's (a plan task's department).

    Raises what start_cycle raises; a ScriptError rolls the session back.
    """
    if not is_quality_office(session, actor):
        raise NotAllowed(code="cycle.office_only.start")
    period = period.strip()
    if not PERIOD.match(period):
        raise InvalidInput("周期格式应为学年（2025-2026）或学期（2025-2026-1）",
                           {"period": "周期格式应为 2025-2026 或 2025-2026-1"})
    definition, subject = process_for_subject(session, process_id, subject_code)
    _refuse_duplicate(session, definition, subject, period)
    loaded = loaded_for(session, definition)
    values = _start_form_data(session, loaded.meta.get("start_form", ""), data or {}, locale)
    initial = {**initial_data(subject, period), **values, **(facts or {})}
    instance = ProcessInstance(definition_id=definition.id, subject_id=subject.id, unit_id=unit_id, period=period,
                               status="running", state={}, started_at=now,
                               started_by_id=actor.id if actor else None, stages_done=[])
    session.add(instance)
    session.flush()
    runtime = runtime_of(session)
    try:
        workflow = runtime.new_workflow(loaded, initial, now)
        instance.state = runtime.dump(workflow)
    except ScriptError:
        session.rollback()
        raise
    audit.record(session, actor, "instance.started", now, instance=instance,
                 summary=f"启动“{definition.name}”：{subject.name}（{period}）",
                 after={"process_id": process_id, "version": definition.version, "data": values,
                        **({"facts": facts} if facts else {})})
    sync_tasks(session, instance, workflow, loaded.meta, actor, now)
    return instance


def _refuse_duplicate(session: Session, definition: ProcessDefinition, subject: Subject, period: str) -> None:
    if definition.meta.get("repeatable"):
        return
    existing = session.scalars(
        select(ProcessInstance).join(ProcessDefinition)
        .where(ProcessDefinition.process_id == definition.process_id, ProcessInstance.subject_id == subject.id,
               ProcessInstance.period == period, ProcessInstance.status != "cancelled")).first()
    # A process with a start form (整改) may run once per problem, and a `repeatable` one (a plan task, an
    # activity's summary) once per thing it is about, so only plain cycles are unique.
    if existing is not None and not definition.meta.get("start_form") and not definition.meta.get("repeatable"):
        raise Conflict(f"“{subject.name}”在 {period} 的“{definition.name}”已经启动（周期 #{existing.id}）")


MAX_START_DATA = 64 * 1024  # characters of JSON: start data is a few answers, never a file
_DATA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def plain_start_data(data: dict[str, Any]) -> dict[str, Any]:
    """Start data for a process without a start form: JSON values under variable-like names, bounded in size;
    raises InvalidInput naming the first bad key."""
    bad = [key for key in data if not isinstance(key, str) or not _DATA_KEY.match(key)]
    if bad:
        raise InvalidInput(f"启动数据的键“{str(bad[0])[:40]}”无效：应以字母开头，只含字母、数字和下划线",
                           {"data": "启动数据的键应以字母开头，只含字母、数字和下划线"})
    try:
        size = len(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput("启动数据只能包含文字、数字、真假值、列表和对象",
                           {"data": "启动数据只能包含 JSON 值"}) from exc
    if size > MAX_START_DATA:
        raise InvalidInput(f"启动数据过大（{size} 个字符，最多 {MAX_START_DATA}）", {"data": "启动数据过大"})
    return dict(data)


def _start_form_data(session: Session, form_id: str, data: dict[str, Any], locale: str) -> dict[str, Any]:
    if not form_id:
        return plain_start_data(data)  # a plan, a schedule or the CLI may start a form-less process with data
    form = get_form(session, form_id)
    clean, errors = validate_submission(form, data, locale)
    if errors:
        raise InvalidInput("启动表单有误，请修改标红的项目", errors)
    return clean


def current_period(now: datetime) -> tuple[str, str]:
    """(academic year, term) holding `now` by the month rule alone, e.g. ('2026-2027', '2026-2027-1'); pages
    and services ask the school's calendar instead (engine.calendar.school_year.period_at)."""
    return month_period(now.date())


def running_cycles(session: Session, process_id: str) -> int:
    """How many cycles of any version of `process_id` are still running."""
    query = select(func.count()).select_from(ProcessInstance).join(ProcessDefinition).where(
        ProcessDefinition.process_id == process_id, ProcessInstance.status == "running")
    return int(session.scalar(query) or 0)


def get_instance(session: Session, instance_id: int) -> ProcessInstance:
    """The instance with this id; raises NotFound."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(code="cycle.not_found", params={"id": instance_id})
    return instance


def timeline(session: Session, instance: ProcessInstance) -> list[AuditEvent]:
    """The instance's audit events, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)
                                .order_by(AuditEvent.id)))
