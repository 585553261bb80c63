"""What the quality data says: each indicator's latest value and status for a subject (诊断), and the warning
centre (预警中心) — every bad latest value with the improvement it started and that improvement's state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session, joinedload

from engine.org.departments import subject_departments
from engine.org.models import Subject
from engine.workflow.models import HumanTask, ProcessInstance

from .library import indicators
from .models import ImprovementLoop, IndicatorValue
from .status import BAD, COLOURS, LABELS, fmt
from .values import latest_values


@dataclass(frozen=True)
class StatusRow:
    """One indicator's latest value for a subject and period (value None: not measured yet)."""

    code: str
    name: str
    unit: str
    direction: str
    value: float | None
    status: str
    aim: float | None
    standard: float | None
    warning: float | None
    measured_on: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON (spiral status --json)."""
        return {"indicator": self.code, "name": self.name, "unit": self.unit, "direction": self.direction,
                "value": self.value, "status": self.status, "label": LABELS.get(self.status, "未采集"),
                "colour": COLOURS.get(self.status, "grey"), "aim": self.aim, "standard": self.standard,
                "warning": self.warning, "measured_on": self.measured_on, "source": self.source}


def subject_status(session: Session, subject: Subject, period: str) -> list[StatusRow]:
    """Every indicator of the subject's level with its latest value and status in `period`."""
    latest = {v.indicator_id: v for v in latest_values(session, subject_id=subject.id, period=period)}
    rows = []
    for ind in indicators(session, subject.level):
        value = latest.get(ind.id)
        rows.append(StatusRow(ind.code, ind.name, ind.measure_unit, ind.direction,
                              value.value if value else None, value.status if value else "",
                              value.aim if value else None, value.standard if value else None,
                              value.warning if value else None,
                              value.measured_on.isoformat() if value else "", value.source if value else ""))
    return rows


def school_status(session: Session, period: str | None = None) -> dict[str, int]:
    """How many latest values of the whole school (every indicator × subject) are at each status."""
    newest = select(func.max(IndicatorValue.id)).group_by(IndicatorValue.indicator_id, IndicatorValue.subject_id,
                                                          IndicatorValue.period)
    if period:
        newest = newest.where(IndicatorValue.period == period)
    counts = dict(session.execute(select(IndicatorValue.status, func.count()).where(IndicatorValue.id.in_(newest))
                                  .group_by(IndicatorValue.status)).all())
    return {status: int(counts.get(status, 0)) for status in LABELS}


def status_matrix(session: Session, period: str | None = None,
                  wanted: Select[int, int, str] | None = None) -> dict[tuple[int, int, str], tuple[float, str]]:
    """The whole school's status (or only that of the (indicator id, subject id, period) triples the `wanted` query
    names): (indicator id, subject id, period) → (latest value,
    status), read as plain rows (no objects), so every indicator × subject of a school comes back in one indexed
    query."""
    newest = select(func.max(IndicatorValue.id)).group_by(IndicatorValue.indicator_id, IndicatorValue.subject_id,
                                                          IndicatorValue.period)
    if period:
        newest = newest.where(IndicatorValue.period == period)
    if wanted is not None:
        newest = newest.where(tuple_(IndicatorValue.indicator_id, IndicatorValue.subject_id,
                                     IndicatorValue.period).in_(wanted))
    rows = session.execute(select(IndicatorValue.indicator_id, IndicatorValue.subject_id, IndicatorValue.period,
                                  IndicatorValue.value, IndicatorValue.status)
                           .where(IndicatorValue.id.in_(newest)))
    return {(i, s, p): (v, st) for i, s, p, v, st in rows}


@dataclass(frozen=True)
class WarningRow:
    """A bad latest value and what became of it."""

    value: IndicatorValue
    department: str
    instance_id: int | None
    state: str  # open | overdue | closed | none

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON (spiral warnings --json)."""
        v = self.value
        return {"indicator": v.indicator.code, "indicator_name": v.indicator.name, "level": v.indicator.level,
                "subject": v.subject.code, "subject_name": v.subject.name, "department": self.department,
                "period": v.period, "value": v.value, "unit": v.indicator.measure_unit, "status": v.status,
                "label": LABELS[v.status], "colour": COLOURS[v.status], "aim": v.aim, "standard": v.standard,
                "warning": v.warning, "measured_on": v.measured_on.isoformat(), "source": v.source,
                "improvement_cycle": self.instance_id, "state": self.state}


STATE_LABELS = {"open": "整改中", "overdue": "整改逾期", "closed": "已闭环", "none": "未发起整改"}


def warning_list(session: Session, now: datetime, *, status: str | None = None, level: str | None = None,
             indicator: str | None = None, state: str | None = None, period: str | None = None) -> list[WarningRow]:
    """Every indicator × subject × period whose latest value is 预警 or 不合格, or whose improvement ran (closed
    loops stay listed), newest first, with the improvement it started: open, overdue (a task past due) or closed."""
    newest = select(func.max(IndicatorValue.id)).group_by(IndicatorValue.indicator_id, IndicatorValue.subject_id,
                                                          IndicatorValue.period)
    query = (select(IndicatorValue).where(IndicatorValue.id.in_(newest))
             .options(joinedload(IndicatorValue.indicator), joinedload(IndicatorValue.subject)))
    if period:
        query = query.where(IndicatorValue.period == period)
    values = list(session.scalars(query))
    loops: dict[tuple[int, int, str], ImprovementLoop] = {}
    for each in session.scalars(select(ImprovementLoop).options(joinedload(ImprovementLoop.instance))
                                .order_by(ImprovementLoop.id)):
        loops[(each.indicator_id, each.subject_id, each.period)] = each  # the newest loop of each triple
    late = set(session.scalars(select(HumanTask.instance_id).where(HumanTask.status == "open",
                                                                   HumanTask.due_at < now)))
    departments = subject_departments(session)
    rows = []
    for value in values:
        loop = loops.get((value.indicator_id, value.subject_id, value.period))
        if value.status not in BAD and loop is None:
            continue
        row = WarningRow(value, departments.get(value.subject_id, ""), loop.instance_id if loop else None,
                         _state(loop.instance if loop else None, late))
        if ((status and value.status != status) or (level and value.indicator.level != level)
                or (indicator and value.indicator.code != indicator) or (state and row.state != state)):
            continue
        rows.append(row)
    rows.sort(key=lambda r: (r.value.status != "fail", r.state == "closed", -r.value.id))
    return rows


def _state(instance: ProcessInstance | None, late: set[int]) -> str:
    if instance is None:
        return "none"
    if instance.status != "running":
        return "closed"
    return "overdue" if instance.id in late else "open"


def describe_value(value: IndicatorValue) -> str:
    """“82%（不合格）”."""
    return f"{fmt(value.value)}{value.indicator.measure_unit}（{LABELS[value.status]}）"
