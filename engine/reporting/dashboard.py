"""The 驾驶舱's figures as plain data: cycles by level and spiral stage, on-time rate by department and by month,
open 督办 by colour, warnings by level and indicator, goal attainment down the chain, plan progress.

Each figure counts what the list it drills into lists (the cycle list, the 按时完成率 report, the 督办 list, the
warning centre, the goal chain, the plan page), reusing that list's rule. The whole dashboard is kept per process
for at most a minute (`MAX_AGE`), keyed by the database's change token, so a page of charts costs one read a minute.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import case, exists, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from engine.db.cache import snapshot
from engine.definitions.models import ProcessDefinition
from engine.errors import NotAllowed
from engine.org.access import can_supervise
from engine.org.departments import department_names, subject_departments
from engine.org.models import Person, Subject
from engine.planning.plans.progress import overview, plans
from engine.quality.goals import goal_chain
from engine.quality.models import Indicator, IndicatorValue
from engine.quality.status import BAD
from engine.reporting.months import count_months, kept_months, month_names, month_of, next_month
from engine.supervision.notices import colour_counts
from engine.supervision.reports import RateRow, on_time_rates
from engine.workflow.models import HumanTask, ProcessInstance

MAX_AGE = timedelta(seconds=60)  # figures that change within the day are at most a minute old
RECOUNT_MONTHS = timedelta(hours=1)  # the months' done tasks are moved by new completions, and recounted hourly
T = TypeVar("T")


def sees_dashboard(session: Session, actor: Person | None) -> bool:
    """The whole school's dashboard is for school leaders (校长, 分管校领导, 督导), the quality office and admins."""
    return can_supervise(session, actor)


def _may_see(session: Session, actor: Person | None) -> None:
    if not sees_dashboard(session, actor):
        raise NotAllowed("驾驶舱只对校领导和质量管理办公室开放；单位负责人请在“督办”中查看本单位的事项")


@dataclass(frozen=True)
class StageCount:
    """Running cycles of one level at one stage of the spiral (stage "" = between stages)."""

    level: str
    stage: str
    label: str
    position: int
    count: int


@dataclass(frozen=True)
class MonthRate:
    """The on-time figures of the tasks due in one month (YYYY-MM)."""

    month: str
    rate: RateRow


@dataclass(frozen=True)
class WarningCount:
    """Warnings (latest values at 预警 or 不合格) of one indicator at one status."""

    level: str
    indicator: str
    name: str
    status: str
    count: int


@dataclass(frozen=True)
class GoalFigure:
    """A goal of the chain with its attainment (0–1 or None) and colour, and how deep in the chain it sits."""

    goal_id: int
    title: str
    subject: str
    level: str
    depth: int
    attainment: float | None
    colour: str


@dataclass(frozen=True)
class PlanFigure:
    """A plan's 具体任务: done and late, of how many."""

    plan_id: int
    name: str
    total: int
    done: int
    late: int


@dataclass
class Dashboard:
    """Every figure of the dashboard as of `at`."""

    at: datetime
    period: str
    year: str
    stages: list[StageCount] = field(default_factory=list)
    departments: list[RateRow] = field(default_factory=list)
    trend: list[MonthRate] = field(default_factory=list)
    notices: dict[str, int] = field(default_factory=dict)
    warnings: list[WarningCount] = field(default_factory=list)
    goals: list[GoalFigure] = field(default_factory=list)
    plans: list[PlanFigure] = field(default_factory=list)


def cycles_by_stage(session: Session, actor: Person | None, now: datetime) -> list[StageCount]:
    """Running cycles by their subject's level and current stage, in the order of the process's own stage list
    (the labels are the process's vocabulary); raises NotAllowed."""
    _may_see(session, actor)
    # grouped in the order of the index on (status, subject, definition, stage), so SQL reads the index alone and
    # sorts nothing; then each subject's group is put under its level, still in SQL, so a few rows come back
    by_subject = (select(ProcessInstance.subject_id, ProcessInstance.definition_id, ProcessInstance.current_stage,
                         func.count().label("n")).where(ProcessInstance.status == "running")
                  .group_by(ProcessInstance.subject_id, ProcessInstance.definition_id, ProcessInstance.current_stage)
                  .subquery())
    query = (select(Subject.level, by_subject.c.definition_id, by_subject.c.current_stage, func.sum(by_subject.c.n))
             .join(Subject, Subject.id == by_subject.c.subject_id)
             .group_by(Subject.level, by_subject.c.definition_id, by_subject.c.current_stage))
    rows = [(str(level), int(definition_id), str(stage or ""), int(count))
            for level, definition_id, stage, count in session.execute(query)]
    vocabularies = _vocabularies(session, {definition_id for _, definition_id, _, _ in rows})
    counted: dict[tuple[str, str], list[Any]] = {}
    for level, definition_id, stage, count in rows:
        vocabulary = vocabularies.get(definition_id, [])
        codes = [item["code"] for item in vocabulary]
        label = next((item.get("label", stage) for item in vocabulary if item["code"] == stage), stage)
        position = codes.index(stage) if stage in codes else len(codes) + 1
        found = counted.setdefault((level, stage or ""), [label, position, 0])
        found[1] = min(found[1], position)
        found[2] += int(count)
    return sorted((StageCount(level, stage, label, position, count)
                   for (level, stage), (label, position, count) in counted.items()),
                  key=lambda s: (s.level, s.position, s.stage))


def _vocabularies(session: Session, definition_ids: set[int]) -> dict[int, list[dict[str, str]]]:
    if not definition_ids:
        return {}
    return {definition_id: list((meta or {}).get("vocabulary", [])) for definition_id, meta in session.execute(
        select(ProcessDefinition.id, ProcessDefinition.meta).where(ProcessDefinition.id.in_(definition_ids)))}


def on_time_by_department(session: Session, actor: Person | None, now: datetime, period: str = "") -> list[RateRow]:
    """The 按时完成率 by department, exactly as the supervision report counts it; raises NotAllowed."""
    _may_see(session, actor)
    return on_time_rates(session, "department", now, period)


def _month_start(month: str) -> datetime | None:
    """The first moment of a YYYY-MM month; None for anything else."""
    try:
        return datetime.strptime(month, "%Y-%m")
    except ValueError:
        return None


def _months_back(now: datetime, months: int) -> tuple[datetime, list[str]]:
    year, month = now.year, now.month
    names = []
    for _ in range(months):
        names.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return datetime(year, month, 1), list(reversed(names))


def on_time_trend(session: Session, actor: Person | None, now: datetime, months: int = 12,
                  department: str = "") -> list[MonthRate]:
    """The on-time rate of the tasks due in each of the last `months` months (the report's rule: on-time
    completions over completions and open tasks past their deadline), for the school or one department;
    raises NotAllowed.

    The done tasks of each month are as the tick kept them (engine/reporting/months.py), else counted once per
    process, and then only moved by what was completed since; the open tasks past their deadline are counted at
    every call."""
    _may_see(session, actor)
    start, names = _months_back(now, months)
    cycles = _department_cycles(session, department) if department else None
    rows = {name: RateRow(name) for name in names}
    for name, (done, on_time) in _done_months(session, start, now, department, cycles).items():
        if name in rows:
            rows[name].done, rows[name].on_time, rows[name].late = done, on_time, done - on_time
    for name, count, _timely in _month_counts(session, "open", start, now, cycles):
        row = rows.get(str(name))
        if row is not None:
            row.overdue_open += int(count)
    return [MonthRate(name, rows[name]) for name in names]


def _month_counts(session: Session, status: str, start: datetime, end: datetime,
                  cycles: list[int] | None) -> list[Any]:
    """(month, tasks, of them done by the deadline) of the tasks at `status` due in [start, end)."""
    month = month_of(session)
    on_time = func.sum(case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0))
    query = (select(month, func.count(), on_time)
             .where(HumanTask.status == status, HumanTask.due_at >= start, HumanTask.due_at < end)
             .group_by(month))
    if cycles is not None:
        query = query.where(HumanTask.instance_id.in_(cycles))
    return list(session.execute(query))


_months_kept: dict[tuple[Any, ...], tuple[datetime, dict[str, tuple[int, int]]]] = {}


def _done_months(session: Session, start: datetime, now: datetime, department: str,
                 cycles: list[int] | None) -> dict[str, tuple[int, int]]:
    """(done, on time) of the tasks due in each month from `start` to the current one: the school's as the tick
    kept them, else counted once per process; then moved by the completions since (read through the index on
    status and completion time)."""
    end = next_month(now)
    key = (snapshot(session).token, department, start, end)
    found = _months_kept.get(key)
    if found is None or not timedelta(0) <= now - found[0] < RECOUNT_MONTHS:
        stored = kept_months(session, month_names(start, end)) if cycles is None else None
        found = stored if stored is not None and stored[0] <= now else (
            now, count_months(session, start, end, now, cycles))
        with _kept_lock:
            _months_kept[key] = found
            while len(_months_kept) > KEEP:
                _months_kept.pop(next(iter(_months_kept)))
    since, counts = found
    moved = dict(counts)
    for name, count, timely in _done_since(session, start, end, since, now, cycles):
        done, on_time = moved.get(str(name), (0, 0))
        moved[str(name)] = (done + int(count), on_time + int(timely or 0))
    return moved


def _done_since(session: Session, start: datetime, end: datetime, since: datetime, now: datetime,
                cycles: list[int] | None) -> list[Any]:
    """(month, tasks, on time) of the tasks due in [start, end) completed in [since, now]."""
    month = month_of(session)
    on_time = func.sum(case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0))
    query = (select(month, func.count(), on_time)
             .where(HumanTask.status == "done", HumanTask.completed_at >= since, HumanTask.completed_at <= now,
                    HumanTask.due_at >= start, HumanTask.due_at < end).group_by(month))
    if cycles is not None:
        query = query.where(HumanTask.instance_id.in_(cycles))
    return list(session.execute(query))


def _department_cycles(session: Session, department: str) -> list[int]:
    """The cycles counted in a department by the 按时完成率 report (their own unit's, else their subject's)."""
    units = department_names(session)
    subjects = subject_departments(session)
    return [instance_id for instance_id, subject_id, unit_id in session.execute(
        select(ProcessInstance.id, ProcessInstance.subject_id, ProcessInstance.unit_id))
        if (units.get(unit_id, "") if unit_id is not None else subjects.get(subject_id, "")) == department]


def late_tasks(session: Session, actor: Person | None, department: str, now: datetime, period: str = "",
               month: str = "") -> tuple[list[HumanTask], list[HumanTask]]:
    """The tasks behind an on-time rate — of one department (or the whole school: ""), one period, those due in
    one month (YYYY-MM) — as (open past their deadline, done after it), the latest deadline first; their counts
    are the report's overdue_open and late. Raises NotAllowed."""
    _may_see(session, actor)
    base = select(HumanTask).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
        HumanTask.due_at.is_not(None))
    if department:
        base = base.where(HumanTask.instance_id.in_(_department_cycles(session, department)))
    if period:
        base = base.where(ProcessInstance.period == period)
    if month:
        start = _month_start(month)
        if start is None:
            return [], []
        end = next_month(start)
        base = base.where(HumanTask.due_at >= start, HumanTask.due_at < end)
    overdue = session.scalars(base.where(HumanTask.status == "open", HumanTask.due_at < now)
                              .order_by(HumanTask.due_at.desc(), HumanTask.id))
    late = session.scalars(base.where(HumanTask.status == "done", HumanTask.completed_at > HumanTask.due_at)
                           .order_by(HumanTask.due_at.desc(), HumanTask.id))
    return list(overdue), list(late)


def open_notices(session: Session, actor: Person | None) -> dict[str, int]:
    """Active 督办 notices by colour, as the 督办 list counts them; raises NotAllowed."""
    _may_see(session, actor)
    return colour_counts(session, actor)  # type: ignore[arg-type]  # None (the CLI) sees every notice


def warnings_by_indicator(session: Session, actor: Person | None, period: str = "") -> list[WarningCount]:
    """Latest values at 预警 or 不合格 by indicator (with its level), as the warning centre lists them when
    filtered by status; raises NotAllowed. Counts the few bad values (their partial index) that no newer value of
    the same indicator × subject × period replaces."""
    _may_see(session, actor)
    newer = aliased(IndicatorValue)
    replaced = exists().where(newer.indicator_id == IndicatorValue.indicator_id,
                              newer.subject_id == IndicatorValue.subject_id, newer.period == IndicatorValue.period,
                              newer.id > IndicatorValue.id)
    # grouped in SQL: the plan walks the partial index of the bad values, which holds their status (migration 0017);
    # the statuses are written into the SQL, as the index's own WHERE is, or SQLite cannot match them to it
    bad = IndicatorValue.status.in_([literal_column(f"'{status}'") for status in BAD])
    query = (select(IndicatorValue.indicator_id, IndicatorValue.status, func.count())
             .where(bad, ~replaced)
             .group_by(IndicatorValue.indicator_id, IndicatorValue.status))
    if period:
        query = query.where(IndicatorValue.period == period)
    counted = [(i, status, int(count)) for i, status, count in session.execute(query)]
    found = {i: (level, code, name) for i, level, code, name in session.execute(
        select(Indicator.id, Indicator.level, Indicator.code, Indicator.name)
        .where(Indicator.id.in_({i for i, _, _ in counted})))} if counted else {}
    rows = [WarningCount(*found[i], status, int(count)) for i, status, count in counted if i in found]
    return sorted(rows, key=lambda w: (-w.count, w.indicator, w.status))


def goal_figures(session: Session, actor: Person | None, year: str) -> list[GoalFigure]:
    """The goal chain of an academic year, top down (each goal after its parent), with attainment as the goal
    chain page rolls it up; raises NotAllowed."""
    _may_see(session, actor)
    return [GoalFigure(r.goal_id, r.title, r.subject, r.level, r.depth, r.attainment, r.colour)
            for r in goal_chain(session, year)]


def plan_figures(session: Session, actor: Person | None, now: datetime) -> list[PlanFigure]:
    """Each plan's 具体任务 done and late, of how many, as the plan's page counts them; raises NotAllowed."""
    _may_see(session, actor)
    found = []
    for plan in plans(session, actor):
        counts = overview(session, actor, plan.id, now).tasks
        found.append(PlanFigure(plan.id, plan.name, counts.total, counts.done, counts.late))
    return found


def dashboard(session: Session, actor: Person | None, now: datetime, period: str = "", year: str = "",
              fresh: bool = False) -> Dashboard:
    """Every figure at once, at most MAX_AGE old (`fresh` recounts); raises NotAllowed."""
    _may_see(session, actor)

    def count() -> Dashboard:
        return Dashboard(now, period, year, cycles_by_stage(session, actor, now),
                         on_time_by_department(session, actor, now, period), on_time_trend(session, actor, now),
                         open_notices(session, actor), warnings_by_indicator(session, actor, period),
                         goal_figures(session, actor, year) if year else [], plan_figures(session, actor, now))
    return remembered(session, ("dashboard", period, year), now, count, fresh)


_kept: dict[tuple[Any, ...], tuple[datetime, Any]] = {}
_kept_lock = threading.Lock()
KEEP = 64


def remembered(session: Session, key: tuple[Any, ...], now: datetime, count: Callable[[], T],
               fresh: bool = False) -> T:
    """`count()`, or what it gave for the same key and database (its change token) less than MAX_AGE before
    `now`. Only plain data is kept (never ORM objects), so it may be shared by every session of the process."""
    full = (snapshot(session).token, *key)
    found = _kept.get(full)
    if not fresh and found is not None and timedelta(0) <= now - found[0] < MAX_AGE:
        return found[1]  # type: ignore[no-any-return]
    value = count()
    with _kept_lock:
        _kept[full] = (now, value)
        while len(_kept) > KEEP:
            _kept.pop(next(iter(_kept)))
    return value


def forget() -> None:
    """Drop every kept figure (tests, after changing data within the minute)."""
    with _kept_lock:
        _kept.clear()
        _months_kept.clear()
