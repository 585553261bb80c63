"""A subject's portrait (画像): one course's, teacher's, major's… cycles, indicators over time, improvements and
on-time rate, as plain data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import NotAllowed
from engine.org.access import can_supervise, headed_units
from engine.org.models import Person, Subject
from engine.org.snapshot import snapshot
from engine.quality.library import indicators
from engine.quality.models import ImprovementLoop, IndicatorValue
from engine.supervision.reports import RateRow
from engine.workflow.cycles import find_subject
from engine.workflow.models import HumanTask, ProcessInstance


@dataclass(frozen=True)
class CycleLine:
    """One cycle of the subject."""

    instance_id: int
    process: str
    period: str
    status: str
    stage: str
    started_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class Point:
    """One value of an indicator (the latest of its period)."""

    period: str
    value: float
    status: str
    measured_on: str


@dataclass(frozen=True)
class Series:
    """One indicator's values over the periods, oldest first."""

    code: str
    name: str
    unit: str
    points: list[Point]


@dataclass(frozen=True)
class ImprovementLine:
    """An improvement (整改) a warning started for the subject."""

    instance_id: int
    indicator: str
    indicator_name: str
    period: str
    opened_at: datetime
    status: str


@dataclass
class Portrait:
    """Everything the portrait page shows of one subject."""

    code: str
    name: str
    level: str
    cycles: list[CycleLine] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    improvements: list[ImprovementLine] = field(default_factory=list)
    rate: RateRow = field(default_factory=lambda: RateRow(""))


def may_see_portrait(session: Session, actor: Person | None, subject: Subject) -> bool:
    """School leaders and the quality office; the subject's own person (a teacher, a student); whoever holds a role
    at the subject's unit (a course's 课程负责人 and 任课教师); the head of that unit or of one above it."""
    if can_supervise(session, actor):
        return True
    assert actor is not None
    if subject.person_id == actor.id:
        return True
    if subject.unit_id is None:
        return False
    holders = snapshot(session).holdings(session).by_role_unit
    if any(actor.id in ids for (_role, unit_id), ids in holders.items() if unit_id == subject.unit_id):
        return True
    return subject.unit_id in headed_units(session, actor)


def portrait(session: Session, actor: Person | None, code: str, now: datetime) -> Portrait:
    """The portrait of the subject with this code as of `now`; raises NotFound, NotAllowed."""
    subject = find_subject(session, code)
    if not may_see_portrait(session, actor, subject):
        raise NotAllowed("您无权查看该诊改对象的画像")
    found = Portrait(subject.code, subject.name, subject.level)
    instances = list(session.scalars(select(ProcessInstance).where(ProcessInstance.subject_id == subject.id)
                                     .options(joinedload(ProcessInstance.definition))
                                     .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())))
    found.cycles = [CycleLine(i.id, i.definition.name, i.period, i.status, i.current_stage, i.started_at,
                              i.completed_at) for i in instances]
    found.rate = RateRow(subject.code)  # the 按时完成率 report's rule, for this subject's cycles
    for i in instances:
        found.rate.done += i.due_tasks_done
        found.rate.on_time += i.due_tasks_on_time
        found.rate.late += i.due_tasks_done - i.due_tasks_on_time
    if instances:
        found.rate.overdue_open = len(session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id.in_([i.id for i in instances]), HumanTask.status == "open",
            HumanTask.due_at < now)).all())
    latest: dict[tuple[int, str], IndicatorValue] = {}
    for value in session.scalars(select(IndicatorValue).where(IndicatorValue.subject_id == subject.id)
                                 .order_by(IndicatorValue.period, IndicatorValue.id)):
        latest[(value.indicator_id, value.period)] = value  # a correction replaces what it corrects
    for indicator in indicators(session, subject.level):
        points = [Point(period, v.value, v.status, v.measured_on.isoformat())
                  for (indicator_id, period), v in sorted(latest.items(), key=lambda item: item[0][1])
                  if indicator_id == indicator.id]
        found.series.append(Series(indicator.code, indicator.name, indicator.measure_unit, points))
    for loop in session.scalars(select(ImprovementLoop).where(ImprovementLoop.subject_id == subject.id)
                                .options(joinedload(ImprovementLoop.indicator), joinedload(ImprovementLoop.instance))
                                .order_by(ImprovementLoop.opened_at.desc())):
        found.improvements.append(ImprovementLine(loop.instance_id, loop.indicator.code, loop.indicator.name,
                                                  loop.period, loop.opened_at, loop.instance.status))
    return found
