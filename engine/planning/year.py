"""The year view: what the schedules will start in an academic year and when those cycles' first tasks fall
due, and the whole year's dry run (every scheduled cycle's tasks, people and deadlines before the year begins).

Both reuse the one simulator (engine/workflow/dryrun.py): the view walks one sample subject of each run to
its first task; the dry run walks whole cycles for a page of subjects per run, at most MAX_WALKS per call,
so a page stays responsive however many courses the school has.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar.official_days import unknown_years
from engine.calendar.school_year import year_for
from engine.definitions.deploy import latest_definition
from engine.definitions.models import ProcessDefinition
from engine.errors import NotAllowed
from engine.org.access import is_quality_office
from engine.org.models import Person, Subject
from engine.workflow.dryrun import DryRun, dry_run
from engine.workflow.models import ProcessInstance

from .models import Schedule
from .runs import Run, runs_between
from .schedules import describe, schedules

MAX_WALKS = 12
PER_PAGE = 3


@dataclass
class PlannedRun:
    """One run of a schedule in the year: how many subjects it would start, and its first task."""

    schedule_id: int
    process_id: str
    process_name: str
    rule: str
    active: bool
    run: Run
    subjects: int
    started: int
    first_task: str = ""
    first_role: str = ""
    first_due: datetime | None = None
    problem: str = ""


@dataclass
class YearPlan:
    """The runs of every schedule in a span, by day; `entered` False when the span is not an entered year."""

    label: str
    first: date
    last: date
    entered: bool
    runs: list[PlannedRun] = field(default_factory=list)
    unknown_years: list[int] = field(default_factory=list)


@dataclass
class SubjectWalk:
    """One subject's whole simulated cycle."""

    subject_code: str
    subject_name: str
    walk: DryRun


@dataclass
class RunWalks:
    """A page of subjects walked for one run."""

    planned: PlannedRun
    page: int
    pages: int
    walks: list[SubjectWalk] = field(default_factory=list)


def _office(session: Session, actor: Person | None) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以查看学年计划")


def _subjects(session: Session, level: str) -> list[Subject]:
    return list(session.scalars(select(Subject).where(Subject.level == level).order_by(Subject.code)))


def _started(session: Session, process_id: str, period: str) -> int:
    return int(session.scalar(select(func.count()).select_from(ProcessInstance).join(ProcessDefinition).where(
        ProcessDefinition.process_id == process_id, ProcessInstance.period == period,
        ProcessInstance.status != "cancelled")) or 0)


def year_plan(session: Session, actor: Person | None, year_text: str, now: datetime,
              schedule_id: int | None = None) -> YearPlan:
    """Every schedule's runs in the year `year_text` names (2026-2027, or 2026), with the first task of a
    sample subject. Writes nothing. Raises NotAllowed, InvalidInput (an unreadable year)."""
    _office(session, actor)
    span, first, last = year_for(session, year_text)
    plan = YearPlan(span.code if span else year_text.strip(), first, last, span is not None)
    chosen = [s for s in schedules(session) if schedule_id is None or s.id == schedule_id]
    rows = [(s.id, s.process_id, s.level, s.rule, s.active, run, describe(s))
            for s in chosen for run in runs_between(session, s, first, last)]
    for sid, process_id, level, rule, active, run, _words in rows:
        definition = latest_definition(session, process_id, required=False)
        subjects = _subjects(session, level)
        planned = PlannedRun(sid, process_id, definition.name if definition else process_id, rule, active, run,
                             len(subjects), _started(session, process_id, run.period))
        if definition is None:
            planned.problem = "流程已不存在，请重新部署或删除这个定期启动"
        elif subjects:
            walk = dry_run(session, actor, process_id, subjects[0].code, run.period, {}, run.at, max_steps=1)
            if walk.steps:
                step = walk.steps[0]
                planned.first_task, planned.first_due = step.title, step.due
                planned.first_role = step.role
            planned.problem = walk.error
        plan.runs.append(planned)
    plan.runs.sort(key=lambda p: (p.run.day, p.process_id))
    plan.unknown_years = unknown_years(session, [p.first_due for p in plan.runs] + [p.run.day for p in plan.runs])
    return plan


def year_dry_run(session: Session, actor: Person | None, year_text: str, now: datetime,
                 schedule_id: int | None = None, page: int = 1, per_page: int = PER_PAGE) -> list[RunWalks]:
    """The whole year's dry run: each run's cycles walked for a page of its subjects (at most MAX_WALKS walks
    in all; ask for one schedule and later pages for the rest). Writes nothing. Raises NotAllowed,
    InvalidInput."""
    plan = year_plan(session, actor, year_text, now, schedule_id)
    per_page = max(1, min(per_page, MAX_WALKS))
    found: list[RunWalks] = []
    walks = 0
    for planned in plan.runs:
        schedule = session.get(Schedule, planned.schedule_id)
        if schedule is None or planned.problem and not planned.first_task:
            found.append(RunWalks(planned, 1, 1))
            continue
        subjects = _subjects(session, schedule.level)
        pages = max(1, -(-len(subjects) // per_page))
        number = max(1, min(page, pages))
        group = RunWalks(planned, number, pages)
        for subject in subjects[(number - 1) * per_page:number * per_page]:
            if walks >= MAX_WALKS:
                break
            walk = dry_run(session, actor, planned.process_id, subject.code, planned.run.period, {},
                           planned.run.at)
            group.walks.append(SubjectWalk(subject.code, subject.name, walk))
            walks += 1
        found.append(group)
    return found
