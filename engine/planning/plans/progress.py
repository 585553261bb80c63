"""Where a plan stands: each department's share of each 具体任务 (its holder, deadline, colour, reported
progress, late or not) and the counts by section, department and phase ("完成 12/25，逾期 3")."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.errors import NotAllowed, NotFound
from engine.org.access import is_student
from engine.org.models import Person
from engine.workflow.models import HumanTask

from .models import ROLES, Plan, PlanAssignment, PlanTask

STATUS_LABELS = {"waiting": "未开始", "running": "进行中", "done": "已完成", "cancelled": "已取消"}


@dataclass
class Share:
    """One department's share of a 具体任务, as it stands."""

    assignment_id: int
    task_id: int
    number: str
    section: str
    title: str
    target: str
    department: str
    role: str  # 牵头 | 协同
    phase: str
    due_on: date
    status: str  # waiting | running | done | cancelled
    percent: int
    summary: str
    reported_at: datetime | None
    instance_id: int | None
    step: str = ""  # the open task's title
    step_id: int | None = None
    holders: list[str] = field(default_factory=list)
    rung: str = "none"
    late_days: int = 0  # days past the deadline (open), or by which it was finished late

    @property
    def late(self) -> bool:
        """Open past its 完成时限."""
        return self.status in ("running", "waiting") and self.late_days > 0

    @property
    def status_label(self) -> str:
        """The status in words."""
        return STATUS_LABELS[self.status]


@dataclass
class Counts:
    """How many of a group are done and late, of how many."""

    name: str
    total: int = 0
    done: int = 0
    late: int = 0

    def text(self) -> str:
        """完成 12/25，逾期 3."""
        return f"完成 {self.done}/{self.total}" + (f"，逾期 {self.late}" if self.late else "")


@dataclass
class Overview:
    """A plan's shares and its counts (具体任务 by section and phase, shares by department)."""

    plan: Plan
    shares: list[Share]
    tasks: Counts
    by_section: list[Counts]
    by_department: list[Counts]
    by_phase: list[Counts]

    def late_by_department(self) -> dict[str, list[Share]]:
        """The late shares, by department, the latest first."""
        found: dict[str, list[Share]] = {}
        for share in sorted(self.shares, key=lambda s: -s.late_days):
            if share.late:
                found.setdefault(share.department, []).append(share)
        return dict(sorted(found.items(), key=lambda item: -len(item[1])))


def plans(session: Session, actor: Person | None) -> list[Plan]:
    """Every plan, the newest first; raises NotAllowed for students."""
    _may_read(session, actor)
    return list(session.scalars(select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc())))


def get_plan(session: Session, actor: Person | None, plan_id: int) -> Plan:
    """One plan; raises NotFound, NotAllowed (students)."""
    _may_read(session, actor)
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("这个计划不存在或已被删除")
    return plan


def overview(session: Session, actor: Person | None, plan_id: int, now: datetime) -> Overview:
    """Where plan `plan_id` stands as of `now`; raises NotFound, NotAllowed."""
    plan = get_plan(session, actor, plan_id)
    tasks = list(session.scalars(select(PlanTask).where(PlanTask.plan_id == plan.id)
                                 .options(selectinload(PlanTask.assignments).selectinload(PlanAssignment.unit),
                                          selectinload(PlanTask.assignments).selectinload(PlanAssignment.instance),
                                          selectinload(PlanTask.section), selectinload(PlanTask.phase))
                                 .order_by(PlanTask.position, PlanTask.id)))
    instance_ids = [a.instance_id for t in tasks for a in t.assignments if a.instance_id]
    open_steps = {row.instance_id: row for row in session.scalars(
        select(HumanTask).where(HumanTask.instance_id.in_(instance_ids), HumanTask.status == "open")
        .options(selectinload(HumanTask.assignee), selectinload(HumanTask.candidates))
        .order_by(HumanTask.id))} if instance_ids else {}
    shares = [_share(task, a, open_steps.get(a.instance_id or 0), now) for task in tasks for a in task.assignments]
    by_task: dict[int, list[Share]] = {}
    for share in shares:
        by_task.setdefault(share.task_id, []).append(share)
    task_rows = [(task, by_task.get(task.id, [])) for task in tasks]
    return Overview(plan, shares, _count("全部", task_rows),
                    _grouped(task_rows, lambda t: t.section.title),
                    _grouped_shares(shares),
                    _grouped(task_rows, lambda t: t.phase.name if t.phase else "（未分阶段）"))


def _share(task: PlanTask, assignment: PlanAssignment, step: HumanTask | None, now: datetime) -> Share:
    instance = assignment.instance
    if instance is None:
        status = "waiting"
    else:
        status = {"completed": "done", "cancelled": "cancelled"}.get(instance.status, "running")
    finished = instance.completed_at if instance is not None and status == "done" else None
    reference = (finished or now).date()
    share = Share(assignment.id, task.id, task.number, task.section.title, task.title, task.target,
                  assignment.unit.name, ROLES[assignment.role], task.phase.name if task.phase else "", task.due_on,
                  status, 100 if status == "done" else assignment.percent, assignment.summary,
                  assignment.reported_at, assignment.instance_id,
                  late_days=max(0, (reference - task.due_on).days))
    if step is not None:
        share.step, share.step_id, share.rung = step.title, step.id, step.rung
        share.holders = [step.assignee.name] if step.assignee else [p.name for p in step.candidates]
    return share


def _count(name: str, rows: Iterable[tuple[PlanTask, list[Share]]]) -> Counts:
    counts = Counts(name)
    for _task, shares in rows:
        live = [s for s in shares if s.status != "cancelled"]
        counts.total += 1
        counts.done += bool(live) and all(s.status == "done" for s in live)
        counts.late += any(s.late for s in live)
    return counts


def _grouped(rows: list[tuple[PlanTask, list[Share]]], key: Callable[[PlanTask], str]) -> list[Counts]:
    groups: dict[str, list[tuple[PlanTask, list[Share]]]] = {}
    for row in rows:
        groups.setdefault(key(row[0]), []).append(row)
    return [_count(name, members) for name, members in groups.items()]


def _grouped_shares(shares: list[Share]) -> list[Counts]:
    groups: dict[str, Counts] = {}
    for share in shares:
        if share.status == "cancelled":
            continue
        counts = groups.setdefault(share.department, Counts(share.department))
        counts.total += 1
        counts.done += share.status == "done"
        counts.late += share.late
    return sorted(groups.values(), key=lambda c: (-c.late, c.name))


def _may_read(session: Session, actor: Person | None) -> None:
    if actor is not None and is_student(session, actor):
        raise NotAllowed("学生不能查看学校的行动计划")


def share_of_cycle(session: Session, instance_id: int) -> PlanAssignment | None:
    """The department's share of a 具体任务 that a plan task's cycle tracks, or None for any other cycle."""
    return session.scalars(select(PlanAssignment).where(PlanAssignment.instance_id == instance_id)).first()
