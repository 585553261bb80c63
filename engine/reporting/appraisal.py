"""考核 (appraisal): per department and per person for a period, the figures the yearly 绩效 reads, and a score.

A period is a school year (2025-2026, counting its terms 2025-2026-1 and -2 too) or a term. Every figure reuses
the rule of the list it comes from:
- 按时完成率: the 按时完成率 report's counts (engine/supervision/reports.py), summed over the year and its terms,
  by the report's department (the cycle's own unit, else its subject's); per person, the tasks with a deadline
  they completed (on time or late) and the open ones assigned to them past their deadline.
- 红色问责: notices marked for the negative list (the ladder's `negative_list`) of tasks of the period's cycles,
  whatever their status, by the responsible unit's department (else the cycle's) and the responsible person.
- 预警: latest values at 预警 or 不合格 of the period (the warning centre's rule), by the subject's department and
  the subject's own person (a teacher, a student).
- 整改完成: improvements warnings started in the period (the small loop), completed over not cancelled.
- 目标达成度: the mean attainment, rolled up as the goal chain shows it, of the goals of the period's year (a
  term: that term's and the year's own goals) of the department's subjects, or owned by the person.
- 计划任务完成: plan shares (PlanAssignment) of the department whose 完成时限 falls in the period (the school
  calendar's rule for a day), done over not cancelled. People have none.

Score = 100 × Σ(rate × weight) ÷ Σ(weights of the rates that apply) − Σ(items × points per item), floored at 0,
to one decimal. A rate with nothing to count (no task due, no goal…) does not apply and its weight goes to the
others in proportion; with no rate at all the score is None. Weights: engine/reporting/appraisal_weights.py.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, aliased

from engine.calendar.school_year import period_info
from engine.errors import InvalidInput, NotAllowed
from engine.org.access import can_supervise
from engine.org.departments import department_names, subject_departments
from engine.org.models import Person, Subject
from engine.planning.plans.models import PlanAssignment, PlanTask
from engine.quality.goals import GoalNode, goal_tree
from engine.quality.models import ImprovementLoop, IndicatorValue
from engine.quality.status import BAD
from engine.supervision.models import SupervisionNotice
from engine.supervision.reports import RateRow, on_time_rates
from engine.workflow.cycles import PERIOD
from engine.workflow.models import HumanTask, ProcessInstance

from .appraisal_weights import PENALTIES, RATES, Weights, appraisal_weights


def sees_appraisal(session: Session, actor: Person | None) -> bool:
    """考核 is read by school leaders (校长, 分管校领导, 督导) and the quality office (the CLI: None)."""
    return can_supervise(session, actor)


@dataclass
class AppraisalRow:
    """One department's or person's figures and score (key: the department's name, or the person's username)."""

    key: str
    name: str
    department: str
    rate: RateRow
    red_notices: int = 0
    warnings: int = 0
    improvements_closed: int = 0
    improvements: int = 0
    goal_total: float = 0.0
    goals: int = 0
    plans_done: int = 0
    plans: int = 0
    score: float | None = None

    @property
    def goal_attainment(self) -> float | None:
        """Mean attainment (0–1) of the goals counted, None without any."""
        return self.goal_total / self.goals if self.goals else None

    def rates(self) -> dict[str, float | None]:
        """Each rate (0–1), None where it does not apply."""
        return {"on_time": self.rate.rate, "goals": self.goal_attainment,
                "plans": self.plans_done / self.plans if self.plans else None,
                "improvements": self.improvements_closed / self.improvements if self.improvements else None}


@dataclass
class Appraisal:
    """考核 of one period as of `at`: rows by department and by person, best score first, and the weights."""

    period: str
    at: datetime
    weights: Weights
    departments: list[AppraisalRow] = field(default_factory=list)
    people: list[AppraisalRow] = field(default_factory=list)


def period_codes(period: str) -> tuple[str, ...]:
    """The cycles' periods a period counts: a year and its two terms, or a term; raises InvalidInput."""
    period = period.strip()
    first, second = (period[:4], period[5:9]) if len(period) >= 9 else ("", "")
    if not PERIOD.match(period) or int(second) != int(first) + 1:
        raise InvalidInput(f"周期“{period[:30]}”有误：应为学年（2025-2026）或学期（2025-2026-1）",
                           {"period": "应为学年或学期"})
    return (period, f"{period}-1", f"{period}-2") if len(period) == 9 else (period,)


def score_of(rates: dict[str, float | None], items: dict[str, int], weights: Weights) -> float | None:
    """The weighted score of the module docstring; None when no rate applies."""
    applying = {key: rate for key, rate in rates.items() if key in RATES and rate is not None}
    total = sum(weights.values[key] for key in applying)
    if not applying or total <= 0:
        return None
    base = 100 * sum(rate * weights.values[key] for key, rate in applying.items()) / total
    penalty = sum(items.get(key, 0) * weights.values[key] for key in PENALTIES)
    return round(max(0.0, base - penalty), 1)


def appraise(session: Session, period: str, now: datetime, actor: Person | None = None) -> Appraisal:
    """考核 of `period` as of `now`; raises InvalidInput (a period that is neither a year nor a term),
    NotAllowed (someone other than leaders and the quality office)."""
    if not sees_appraisal(session, actor):
        raise NotAllowed("考核结果只对校领导和质量管理办公室开放")
    codes = period_codes(period)
    found = Appraisal(period.strip(), now, appraisal_weights(session))
    _Count(session, codes, now).into(found)
    for row in found.departments + found.people:
        row.score = score_of(row.rates(), {"warning": row.warnings, "red_notice": row.red_notices}, found.weights)
    return found


def _order(rows: Iterable[AppraisalRow]) -> list[AppraisalRow]:
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.department, r.key))


class _Count:
    """The counting of one appraisal: each component read once, put under its department and person rows."""

    def __init__(self, session: Session, codes: tuple[str, ...], now: datetime) -> None:
        self.session, self.codes, self.now = session, codes, now
        self.units = department_names(session)
        self.subjects = subject_departments(session)
        self.owners: dict[int, int] = {s: p for s, p in session.execute(  # subject → its own person
            select(Subject.id, Subject.person_id).where(Subject.person_id.is_not(None))) if p is not None}
        self.departments: dict[str, AppraisalRow] = {}
        self.people: dict[int, AppraisalRow] = {}

    def department(self, name: str) -> AppraisalRow:
        """The row of a department, made on first use."""
        return self.departments.setdefault(name, AppraisalRow(name, name, name, RateRow(name)))

    def person(self, person_id: int) -> AppraisalRow:
        """The row of a person, made on first use (named once every figure is in)."""
        return self.people.setdefault(person_id, AppraisalRow("", "", "", RateRow("")))

    def cycle_department(self, unit_id: int | None, subject_id: int) -> str:
        """The report's department of a cycle: its own unit's, else its subject's."""
        return self.units.get(unit_id, "") if unit_id is not None else self.subjects.get(subject_id, "")

    def into(self, found: Appraisal) -> None:
        """Count every component and put the rows, ordered, into `found`."""
        self.on_time()
        self.red_notices()
        self.warnings()
        self.improvements()
        self.goals(found.period[:9])
        self.plans()
        self.name_people()
        found.departments = _order(self.departments.values())
        found.people = _order(self.people.values())

    def on_time(self) -> None:
        for code in self.codes:
            for counted in on_time_rates(self.session, "department", self.now, code):
                _add(self.department(counted.key).rate, counted.done, counted.on_time, counted.overdue_open)
        scoped = (select(func.count()).select_from(HumanTask)
                  .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                  .where(HumanTask.due_at.is_not(None), ProcessInstance.period.in_(self.codes)))
        timely = func.sum(case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0))
        done = (scoped.add_columns(HumanTask.completed_by_id, timely)
                .where(HumanTask.status == "done", HumanTask.completed_by_id.is_not(None))
                .group_by(HumanTask.completed_by_id))
        for count, person_id, on_time in self.session.execute(done):
            _add(self.person(person_id).rate, int(count), int(on_time or 0), 0)
        overdue = (scoped.add_columns(HumanTask.assignee_id)
                   .where(HumanTask.status == "open", HumanTask.due_at < self.now, HumanTask.assignee_id.is_not(None))
                   .group_by(HumanTask.assignee_id))
        for count, person_id in self.session.execute(overdue):
            _add(self.person(person_id).rate, 0, 0, int(count))

    def red_notices(self) -> None:
        query = (select(SupervisionNotice.responsible_unit_id, SupervisionNotice.responsible_person_id,
                        ProcessInstance.unit_id, ProcessInstance.subject_id)
                 .join(ProcessInstance, ProcessInstance.id == SupervisionNotice.instance_id)
                 .where(SupervisionNotice.negative_list.is_(True), ProcessInstance.period.in_(self.codes)))
        for unit_id, person_id, cycle_unit_id, subject_id in self.session.execute(query):
            name = self.units.get(unit_id, "") if unit_id is not None else ""
            self.department(name or self.cycle_department(cycle_unit_id, subject_id)).red_notices += 1
            if person_id is not None:
                self.person(person_id).red_notices += 1

    def warnings(self) -> None:
        newer = aliased(IndicatorValue)
        replaced = exists().where(newer.indicator_id == IndicatorValue.indicator_id,
                                  newer.subject_id == IndicatorValue.subject_id, newer.period == IndicatorValue.period,
                                  newer.id > IndicatorValue.id)
        query = select(IndicatorValue.subject_id).where(IndicatorValue.status.in_(BAD), ~replaced,
                                                        IndicatorValue.period.in_(self.codes))
        for (subject_id,) in self.session.execute(query):
            self.department(self.subjects.get(subject_id, "")).warnings += 1
            if subject_id in self.owners:
                self.person(self.owners[subject_id]).warnings += 1

    def improvements(self) -> None:
        query = (select(ImprovementLoop.subject_id, ProcessInstance.status)
                 .join(ProcessInstance, ProcessInstance.id == ImprovementLoop.instance_id)
                 .where(ImprovementLoop.period.in_(self.codes), ProcessInstance.status != "cancelled"))
        for subject_id, status in self.session.execute(query):
            rows = [self.department(self.subjects.get(subject_id, ""))]
            if subject_id in self.owners:
                rows.append(self.person(self.owners[subject_id]))
            for row in rows:
                row.improvements += 1
                row.improvements_closed += status == "completed"

    def goals(self, year: str) -> None:
        wanted = {*self.codes, year}

        def walk(node: GoalNode) -> None:
            goal = node.goal
            if goal.period in wanted and node.attainment is not None:
                rows = [self.department(self.subjects.get(goal.subject_id, ""))]
                if goal.owner_id is not None:
                    rows.append(self.person(goal.owner_id))
                for row in rows:
                    row.goals += 1
                    row.goal_total += node.attainment
            for child in node.children:
                walk(child)
        for root in goal_tree(self.session, year):
            walk(root)

    def plans(self) -> None:
        query = (select(PlanAssignment.unit_id, PlanTask.due_on, ProcessInstance.status)
                 .join(PlanTask, PlanTask.id == PlanAssignment.task_id)
                 .outerjoin(ProcessInstance, ProcessInstance.id == PlanAssignment.instance_id))
        periods: dict[date, tuple[str, str]] = {}
        for unit_id, due_on, status in self.session.execute(query):
            if status == "cancelled":
                continue
            if due_on not in periods:
                info = period_info(self.session, due_on)
                periods[due_on] = (info.year, info.term)
            if not set(periods[due_on]) & set(self.codes):
                continue
            row = self.department(self.units.get(unit_id, ""))
            row.plans += 1
            row.plans_done += status == "completed"

    def name_people(self) -> None:
        if not self.people:
            return
        for person_id, username, name, unit_id in self.session.execute(
                select(Person.id, Person.username, Person.name, Person.unit_id)
                .where(Person.id.in_(list(self.people)))):
            row = self.people[person_id]
            row.key, row.name = username, name
            row.department = row.rate.key = self.units.get(unit_id, "") if unit_id is not None else ""


def _add(rate: RateRow, done: int, on_time: int, overdue_open: int) -> None:
    rate.done += done
    rate.on_time += on_time
    rate.late += done - on_time
    rate.overdue_open += overdue_open
