"""The small loop (监测 → 预警 → 改进): a 预警 or 不合格 value starts its indicator's process for the subject,
routed to the indicator's 责任角色 and carrying the indicator, value, lines, status and source; while that
improvement runs, later bad values of the same indicator × subject × period join its timeline. Its tasks see
the latest value (`facts_for`), so the verification can close the loop only when the value is back to 达标."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.notify.webhooks import queue_event, wanted
from engine.workflow.cycles import open_cycle
from engine.workflow.models import HumanTask, ProcessInstance

from .models import ImprovementLoop, Indicator, IndicatorValue
from .status import BAD, LABELS, fmt


def open_loop(session: Session, indicator_id: int, subject_id: int, period: str) -> ImprovementLoop | None:
    """The improvement still running for this indicator × subject × period, if any."""
    return session.scalars(select(ImprovementLoop).join(ProcessInstance).where(
        ImprovementLoop.indicator_id == indicator_id, ImprovementLoop.subject_id == subject_id,
        ImprovementLoop.period == period, ProcessInstance.status == "running")).first()


def react(session: Session, value: IndicatorValue, now: datetime) -> tuple[bool, ProcessInstance]:
    """Start the improvement a bad `value` calls for, or add it to the one running; (started?, its cycle)."""
    assert value.status in BAD
    indicator, subject = value.indicator, value.subject
    running = open_loop(session, value.indicator_id, value.subject_id, value.period)
    if wanted(session, "warning.raised"):
        queue_event(session, "warning.raised", {
            "indicator": indicator.code, "indicator_name": indicator.name, "subject": subject.code,
            "period": value.period, "value": value.value, "status": value.status,
            "measured_on": value.measured_on.isoformat(), "value_id": value.id,
            "improvement_cycle_id": running.instance_id if running is not None else None}, f"value:{value.id}", now)
    if running is not None:
        audit.record(session, None, "warning.repeated", now, instance=running.instance,
                     object_type="indicator_value", object_id=value.id,
                     summary=f"新的{LABELS[value.status]}值：{indicator.name} {fmt(value.value)}{indicator.measure_unit}"
                             f"（{value.measured_on.isoformat()}）")
        return False, running.instance
    data = {"responsible_role": indicator.responsible_role, "problem": problem_text(value),
            "related_indicator": indicator.name, "source": "warning"}
    instance = open_cycle(session, None, indicator.process_id, subject.code, value.period, now, data=data,
                          facts=facts_of(value))
    session.add(ImprovementLoop(indicator_id=indicator.id, subject_id=subject.id, period=value.period,
                                instance_id=instance.id, first_value_id=value.id, opened_at=now))
    audit.record(session, None, "warning.started", now, instance=instance, object_type="indicator_value",
                 object_id=value.id, summary=f"监测预警自动发起整改：{problem_text(value)}")
    return True, instance


def problem_text(value: IndicatorValue) -> str:
    """“网店运营的课程合格率为 82%（2026-01-10，来源：教务科），低于预警值 85%（不合格）。”"""
    indicator, unit = value.indicator, value.indicator.measure_unit
    higher = indicator.direction == "higher"
    if value.status == "fail":
        line = f"{'低于' if higher else '高于'}预警值 {fmt(value.warning)}{unit}"
    else:
        line = f"未达到标准值 {fmt(value.standard)}{unit}"
    source = f"，来源：{value.source}" if value.source else ""
    return (f"{value.subject.name}的{indicator.name}为 {fmt(value.value)}{unit}（{value.measured_on.isoformat()}"
            f"{source}），{line}（{LABELS[value.status]}）。")


FACTS_KEY = "indicator_code"  # in every task's data of an improvement a warning started (facts_of, open_cycle)


def facts_of(value: IndicatorValue) -> dict[str, Any]:
    """What an improvement's tasks know of the value: shown on the task page, read by its gateways."""
    indicator = value.indicator
    return {FACTS_KEY: indicator.code, "indicator_name": indicator.name,
            "indicator_unit": indicator.measure_unit, "indicator_direction": indicator.direction,
            "indicator_value": value.value, "indicator_status": value.status,
            "indicator_status_label": LABELS[value.status], "indicator_aim": value.aim,
            "indicator_standard": value.standard, "indicator_warning": value.warning,
            "indicator_source": value.source, "indicator_measured_on": value.measured_on.isoformat(),
            "indicator_ok": value.status not in BAD}


def facts_for(session: Session, instance_id: int) -> dict[str, Any] | None:
    """The latest value's facts for the improvement `instance_id` started by a warning (None for any other)."""
    found = session.scalars(select(ImprovementLoop).where(ImprovementLoop.instance_id == instance_id)).first()
    if found is None:
        return None
    latest = session.scalars(select(IndicatorValue).where(
        IndicatorValue.indicator_id == found.indicator_id, IndicatorValue.subject_id == found.subject_id,
        IndicatorValue.period == found.period).order_by(IndicatorValue.id.desc()).limit(1)).first()
    return facts_of(latest) if latest is not None else None


def small_loop_live(session: Session, instance: ProcessInstance) -> bool:
    """Whether a warning's improvement is under way for this cycle: it is one, or one runs for its subject and
    period (the cycle page lights the small loop)."""
    if instance.status == "running" and loop_of(session, instance.id) is not None:
        return True
    return session.scalar(select(ImprovementLoop.id).join(ProcessInstance).where(
        ImprovementLoop.subject_id == instance.subject_id, ImprovementLoop.period == instance.period,
        ProcessInstance.status == "running").limit(1)) is not None


def loop_of(session: Session, instance_id: int) -> ImprovementLoop | None:
    """The warning an improvement cycle answers, if it was started by one."""
    return session.scalars(select(ImprovementLoop).where(ImprovementLoop.instance_id == instance_id)).first()


def indicator_of(loop: ImprovementLoop) -> Indicator:
    """The loop's indicator."""
    return loop.indicator


@dataclass(frozen=True)
class Origin:
    """Where an improvement came from: the warning (indicator, its first bad value) and the cycle of the same
    subject and period it answers (the cycle whose task recorded the value, else the subject's cycle then)."""

    loop: ImprovementLoop
    value: IndicatorValue
    cycle: ProcessInstance | None


def origin_of(session: Session, instance: ProcessInstance) -> Origin | None:
    """The warning and cycle an improvement cycle came from; None for a cycle no warning started."""
    loop = loop_of(session, instance.id)
    if loop is None:
        return None
    value = session.get(IndicatorValue, loop.first_value_id)
    assert value is not None
    cycle = None
    if value.task_id is not None:
        cycle = session.scalar(select(ProcessInstance).join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
                               .where(HumanTask.id == value.task_id))
    if cycle is None:
        improvements = select(ImprovementLoop.instance_id)
        cycle = session.scalars(select(ProcessInstance).where(
            ProcessInstance.subject_id == instance.subject_id, ProcessInstance.period == instance.period,
            ProcessInstance.id != instance.id, ProcessInstance.id.not_in(improvements))
            .order_by(ProcessInstance.started_at.desc()).limit(1)).first()
    return Origin(loop=loop, value=value, cycle=cycle)


def improvements_of(session: Session, instance: ProcessInstance) -> list[ImprovementLoop]:
    """The improvements warnings started for this cycle's subject and period (none for an improvement itself)."""
    if loop_of(session, instance.id) is not None:
        return []
    return list(session.scalars(select(ImprovementLoop).where(
        ImprovementLoop.subject_id == instance.subject_id, ImprovementLoop.period == instance.period)
        .order_by(ImprovementLoop.id)))
