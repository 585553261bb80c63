"""Importing a plan workbook: the plan, its phases, sections and 具体任务, and one tracked cycle per 具体任务 ×
department. All or nothing; the same file twice changes nothing; a later file adds rows and departments and
updates texts and dates of rows it names by 序号 (running cycles keep the deadline they started with)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed
from engine.org.access import is_quality_office
from engine.org.models import Person, Unit
from engine.org.routing import quality_office_ids

from .departments import directory
from .launch import school_subject, start_assignment, waiting_start
from .models import Plan, PlanAssignment, PlanPhase, PlanSection, PlanTask
from .sheet import PlanSheet, TaskRow, read_plan


@dataclass
class PlanReport:
    """What an import did (or, in a dry run, would do)."""

    plan_id: int | None = None
    plan_name: str = ""
    added: list[str] = field(default_factory=list)  # 序号 of 具体任务 added
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    assignments: list[tuple[str, str, str]] = field(default_factory=list)  # (序号, department, lead|assist) added
    started: int = 0
    waiting: int = 0  # cycles that start on their 开始日期
    dry_run: bool = False

    def summary(self) -> str:
        """One sentence: what changed."""
        verb = "将" if self.dry_run else "已"
        return (f"计划“{self.plan_name}”：{verb}新增具体任务 {len(self.added)} 项、更新 {len(self.changed)} 项、"
                f"未变 {self.unchanged} 项；{verb}下达部门任务 {len(self.assignments)} 个"
                f"（立即开始 {self.started}，到开始日期再开始 {self.waiting}）")


def import_plan(session: Session, actor: Person | None, data: bytes, now: datetime, *, name: str,
                office: str = "", dry_run: bool = False) -> PlanReport:
    """Import the sheet 计划任务 into the plan called `name` (made when new; `office` names its office unit,
    default the quality office); commits unless `dry_run`. Raises NotAllowed, InvalidWorkbook (every row
    problem), InvalidInput."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以导入计划")
    name = name.strip()[:200]
    if not name:
        raise InvalidInput("请填写计划名称", {"name": "请填写计划名称"})
    sheet = read_plan(session, data)
    school_subject(session)  # refuse now, not half-way, when the school cannot run plan tasks
    plan = session.scalars(select(Plan).where(Plan.name == name)).first()
    report = PlanReport(plan_name=name, dry_run=dry_run)
    plan = plan or _new_plan(session, actor, name, office, now)
    _extend_period(plan, sheet)
    phases = _phases(session, plan, sheet)
    sections = {s.title: s for s in session.scalars(select(PlanSection).where(PlanSection.plan_id == plan.id))}
    tasks = {t.number: t for t in session.scalars(select(PlanTask).where(PlanTask.plan_id == plan.id))}
    fresh: list[PlanAssignment] = []
    for position, row in enumerate(sheet.tasks):
        section = sections.get(row.section)
        if section is None:
            section = sections[row.section] = PlanSection(plan_id=plan.id, title=row.section, position=len(sections))
            session.add(section)
            session.flush()
        task = tasks.get(row.number)
        values = _task_values(row, section, phases.get(row.phase), position, task.starts_on if task else now.date())
        if task is None:
            task = tasks[row.number] = PlanTask(plan_id=plan.id, **values)
            session.add(task)
            report.added.append(row.number)
        elif any(getattr(task, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(task, key, value)
            report.changed.append(row.number)
        else:
            report.unchanged += 1
        session.flush()
        fresh += _new_assignments(session, task, row, report)
    for assignment in fresh:
        if assignment.task.starts_on <= now.date():
            start_assignment(session, actor, plan, assignment, now)
            report.started += 1
        else:
            assignment.starts_at = waiting_start(assignment.task)
            report.waiting += 1
    if dry_run:
        session.rollback()
        return report
    report.plan_id = plan.id
    if report.added or report.changed or report.assignments:
        audit.record(session, actor, "plan.imported", now, object_type="plan", object_id=plan.id,
                     summary=report.summary(),
                     after={"added": report.added, "changed": report.changed,
                            "assignments": [list(a) for a in report.assignments]})
    session.commit()
    return report


def _new_plan(session: Session, actor: Person | None, name: str, office: str, now: datetime) -> Plan:
    office_unit = _office_unit(session, office)
    plan = Plan(name=name, period="", office_unit_id=office_unit.id, created_at=now,
                created_by_id=actor.id if actor else None)
    session.add(plan)
    session.flush()
    return plan


def _office_unit(session: Session, office: str) -> Unit:
    if office.strip():
        found = directory(session).resolve(office)
        if not found or len(found) != 1:
            raise InvalidInput(f"找不到计划办公室所在的单位“{office.strip()}”", {"office": "请填写一个单位的名称、代码或简称"})
        return found[0]
    holders = quality_office_ids(session)
    person = session.get(Person, holders[0]) if holders else None
    if person is None or person.unit is None:
        raise InvalidInput("请指定计划办公室（领导小组办公室）所在的单位", {"office": "请填写单位"})
    return person.unit


def _extend_period(plan: Plan, sheet: PlanSheet) -> None:
    """The plan's period spans the years of its tasks (2025-2028), the cycles' period for all of them."""
    days = [d for row in sheet.tasks for d in (row.starts_on, row.due_on) if d] + \
        [d for phase in sheet.phases for d in (phase.starts_on, phase.ends_on) if d]
    first, last = min(days).year, max(days).year
    if plan.period:
        first, last = min(first, int(plan.period[:4])), max(last, int(plan.period[5:9]))
    plan.period = f"{first}-{max(last, first + 1)}"


def _phases(session: Session, plan: Plan, sheet: PlanSheet) -> dict[str, PlanPhase]:
    have = {p.name: p for p in session.scalars(select(PlanPhase).where(PlanPhase.plan_id == plan.id))}
    given = {p.name: p for p in sheet.phases}
    for name in list(given) + [row.phase for row in sheet.tasks if row.phase and row.phase not in given]:
        phase = have.get(name)
        if phase is None:
            phase = have[name] = PlanPhase(plan_id=plan.id, name=name, position=len(have))
            session.add(phase)
        if name in given:
            phase.starts_on, phase.ends_on = given[name].starts_on, given[name].ends_on
        else:  # a phase named only by its tasks spans them
            rows = [r for r in sheet.tasks if r.phase == name]
            phase.starts_on = min(r.starts_on or r.due_on for r in rows if r.due_on)
            phase.ends_on = max(r.due_on for r in rows if r.due_on)
    session.flush()
    return have


def _task_values(row: TaskRow, section: PlanSection, phase: PlanPhase | None, position: int,
                 default_start: date) -> dict[str, object]:
    """A row's fields; without a 开始日期 the task starts on the day it was first imported."""
    assert row.due_on is not None  # read_plan refuses a row without 完成时限
    return {"number": row.number, "section_id": section.id, "title": row.title, "target": row.target,
            "starts_on": row.starts_on or min(default_start, row.due_on), "due_on": row.due_on,
            "phase_id": phase.id if phase else None, "position": position}


def _new_assignments(session: Session, task: PlanTask, row: TaskRow, report: PlanReport) -> list[PlanAssignment]:
    have = {a.unit_id: a for a in task.assignments}
    added = []
    for role, units in (("lead", row.leads), ("assist", row.assists)):
        for unit in units:
            if unit.id in have:
                continue  # a department keeps the share it was given (its cycle knows who accepts it)
            assignment = PlanAssignment(task=task, unit=unit, role=role)
            session.add(assignment)
            have[unit.id] = assignment
            added.append(assignment)
            report.assignments.append((task.number, unit.name, role))
    session.flush()
    return added
