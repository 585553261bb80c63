"""Bulk launch: start a process for every subject of its level in a period, skipping those already started.

The page asks for the plan, then starts one subject per call (`launch_one`) to show progress; `bulk_launch`
runs the same steps in one go (without JavaScript, or from the shell)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.definitions.deploy import latest_definition
from engine.definitions.models import ProcessDefinition
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound, SpiralError
from engine.org.access import is_quality_office
from engine.org.models import Person, Subject, Unit
from engine.org.snapshot import snapshot

from .cycles import PERIOD, find_subject, start_cycle
from .models import ProcessInstance


@dataclass(frozen=True)
class LaunchStep:
    """One subject of a bulk launch: started (with its cycle), skipped or failed, and why."""

    subject_code: str
    subject_name: str
    status: str  # "started" | "skipped" | "failed"
    message: str = ""
    instance_id: int | None = None


def _definition(session: Session, actor: Person | None, process_id: str, period: str) -> ProcessDefinition:
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以批量启动诊改周期")
    definition = latest_definition(session, process_id)
    if definition is None:
        raise NotFound(f"没有已部署的流程“{process_id}”，请先在流程管理中部署。")
    if not definition.level:
        raise InvalidInput(f"流程“{definition.name}”没有声明层面（level），无法确定要为哪些对象启动")
    if not PERIOD.match(period.strip()):
        raise InvalidInput("周期格式应为 2025-2026 或 2025-2026-1，请改正后再启动。",
                           {"period": "周期格式应为 2025-2026 或 2025-2026-1"})
    return definition


def _in_scope(session: Session, definition: ProcessDefinition, within: str) -> list[Subject]:
    subjects = list(session.scalars(select(Subject).where(Subject.level == definition.level)
                                    .order_by(Subject.code)))
    if within.strip():
        unit_id = session.scalar(select(Unit.id).where(Unit.code == within.strip()))
        if unit_id is None:
            raise InvalidInput(f"找不到单位“{within.strip()}”", {"within": ["请选择一个单位"]})
        org = snapshot(session)
        subjects = [s for s in subjects if unit_id in org.ancestors(session, s.unit_id)]
    return subjects


def _outside(definition: ProcessDefinition, within: str, codes: list[str]) -> InvalidInput:
    where = "所选范围内" if within.strip() else f"“{definition.name}”的层面"
    shown = "、".join(codes[:5]) + ("等" if len(codes) > 5 else "")
    return InvalidInput(f"{shown}不是{where}的对象，不能在这里启动；请重新勾选。", {"subject": [f"不在{where}：{shown}"]})


def launch_plan(session: Session, actor: Person | None, process_id: str, period: str, within: str = "",
                chosen: list[str] | None = None) -> list[tuple[Subject, int | None]]:
    """Every subject of the process's level (only those of unit `within` and the units under it, when given: a
    department's courses; only the `chosen` subject codes, when given), with the cycle already running for it in
    `period` (or None).

    Changes nothing. Raises NotAllowed, NotFound, InvalidInput (also for a chosen code outside the level or
    scope, or an empty choice).
    """
    definition = _definition(session, actor, process_id, period)
    subjects = _in_scope(session, definition, within)
    if chosen is not None:
        wanted = list(dict.fromkeys(code.strip() for code in chosen if code.strip()))
        if not wanted:
            raise InvalidInput("请至少勾选一个要启动的对象", {"subject": ["请至少勾选一个对象"]})
        known = {s.code for s in subjects}
        outside = [code for code in wanted if code not in known]
        if outside:
            raise _outside(definition, within, outside)
        subjects = [s for s in subjects if s.code in wanted]
    running = dict(session.execute(
        select(ProcessInstance.subject_id, ProcessInstance.id).join(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessInstance.period == period.strip(),
               ProcessInstance.status != "cancelled")).all())
    return [(subject, running.get(subject.id)) for subject in subjects]


def launch_one(session: Session, actor: Person | None, process_id: str, subject_code: str, period: str,
               now: datetime, within: str = "") -> LaunchStep:
    """Start the process for one subject of a bulk launch; one already started is skipped (idempotent).

    start_cycle audits and commits the start. Raises NotAllowed, NotFound, InvalidInput (bad period, or a
    subject of another level, or outside unit `within` when given); a start that fails for this subject only is
    returned as "failed".
    """
    definition = _definition(session, actor, process_id, period)
    subject = find_subject(session, subject_code)
    if subject.level != definition.level:
        raise InvalidInput(f"“{subject.name}”不属于流程“{definition.name}”的层面，不能在这里启动。")
    if within.strip() and subject not in _in_scope(session, definition, within):
        raise _outside(definition, within, [subject.code])
    try:
        instance = start_cycle(session, actor, process_id, subject.code, period, now)
    except Conflict as exc:
        session.rollback()
        return LaunchStep(subject.code, subject.name, "skipped", exc.message)
    except SpiralError as exc:
        session.rollback()
        return LaunchStep(subject.code, subject.name, "failed", exc.message)
    return LaunchStep(subject.code, subject.name, "started", instance_id=instance.id)


@dataclass
class BulkResult:
    """What a bulk launch did for each subject of the level: (name, cycle id) started, (name, why) otherwise."""

    started: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Subjects considered."""
        return len(self.started) + len(self.skipped) + len(self.failed)


def bulk_launch(session: Session, actor: Person | None, process_id: str, period: str, now: datetime,
                progress: Callable[[int, int], None] | None = None, within: str = "",
                chosen: list[str] | None = None) -> BulkResult:
    """Every step of a bulk launch in one call (only the `chosen` subject codes when given, as launch_plan);
    each start commits on its own, so it is simply run again when cut short. `progress(done, total)` is called
    after each subject. Raises NotAllowed, NotFound, InvalidInput, before anything starts."""
    plan = launch_plan(session, actor, process_id, period, within, chosen)
    result = BulkResult()
    for index, (subject, _running) in enumerate(plan, start=1):
        step = launch_one(session, actor, process_id, subject.code, period, now)
        if step.status == "started" and step.instance_id is not None:
            result.started.append((step.subject_name, step.instance_id))
        else:
            (result.skipped if step.status == "skipped" else result.failed).append((step.subject_name, step.message))
        if progress is not None:
            progress(index, len(plan))
    definition = latest_definition(session, process_id)
    audit.record(session, actor, "cycles.bulk_launched", now, object_type="process", object_id=process_id,
                 summary=f"批量启动“{definition.name if definition else process_id}”（{period}）：启动 {len(result.started)}，"
                         f"跳过 {len(result.skipped)}，失败 {len(result.failed)}",
                 after={"started": [i for _n, i in result.started], "period": period})
    session.commit()
    return result


def launch_scopes(session: Session) -> list[Unit]:
    """The units a bulk launch may be narrowed to: the departments (处室, 专业部) and the 教研室, by code."""
    return list(session.scalars(select(Unit).where(Unit.active.is_(True),
                                                   Unit.kind.in_(("department", "division", "office")))
                                .order_by(Unit.kind, Unit.code)))
