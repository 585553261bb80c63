"""Starting a department's tracked task: a cycle of the plan's process (plan_task) for the school, routed by
the data it starts with to that department's head; the ones whose 开始日期 lies ahead start on the tick."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db.session import rowcount
from engine.errors import InvalidInput, SpiralError
from engine.org.models import Person, Subject
from engine.workflow.cycles import open_cycle

from .models import ROLES, Plan, PlanAssignment, PlanTask

START_OF_DAY = time(8, 0)
RETRY = timedelta(days=1)


def school_subject(session: Session) -> Subject:
    """The school-level subject plan tasks run for; raises InvalidInput when the school has none."""
    subject = session.scalars(select(Subject).where(Subject.level == "school").order_by(Subject.id)).first()
    if subject is None:
        raise InvalidInput("学校还没有“学校”层面的诊改对象，计划任务无法下达：请先在“诊改对象”中添加学校")
    return subject


def start_facts(plan: Plan, task: PlanTask, assignment: PlanAssignment) -> dict[str, Any]:
    """What a plan task's cycle starts knowing: the plan, the 具体任务, the department, its deadline, and who
    accepts it (the leading department, or the plan's office when the department leads)."""
    leads = [a.unit for a in task.assignments if a.role == "lead" and a.unit_id != assignment.unit_id]
    acceptor = leads[0] if assignment.role == "assist" and leads else plan.office_unit
    return {"plan_id": plan.id, "plan_name": plan.name, "plan_task_id": task.id, "task_number": task.number,
            "section": task.section.title, "task_title": task.title, "target": task.target,
            "unit": assignment.unit.code, "unit_name": assignment.unit.name, "unit_role": assignment.role,
            "unit_role_label": ROLES[assignment.role], "starts_on": task.starts_on.isoformat(),
            "deadline": task.due_on.isoformat(), "phase": task.phase.name if task.phase else "",
            "acceptor_unit": acceptor.code, "acceptor_name": acceptor.name}


def start_assignment(session: Session, actor: Person | None, plan: Plan, assignment: PlanAssignment,
                     now: datetime) -> None:
    """Open the department's cycle in the caller's transaction (not committed); raises SpiralError."""
    task = assignment.task
    instance = open_cycle(session, actor, plan.process_id, school_subject(session).code, plan.period, now,
                          facts=start_facts(plan, task, assignment), unit_id=assignment.unit_id)
    assignment.instance_id, assignment.starts_at = instance.id, None


def waiting_start(task: PlanTask) -> datetime:
    """When a department's cycle of `task` starts: 08:00 on its 开始日期."""
    return datetime.combine(task.starts_on, START_OF_DAY)


def start_due_assignments(session: Session, now: datetime) -> int:
    """Start every department's cycle whose 开始日期 has come (the tick); each claimed by a conditional UPDATE
    and committed on its own, so two ticks never start one twice. Returns how many started."""
    started = 0
    due = list(session.scalars(select(PlanAssignment.id).where(PlanAssignment.starts_at <= now)
                               .order_by(PlanAssignment.starts_at).limit(500)))
    for assignment_id in due:
        claimed = session.execute(update(PlanAssignment).where(PlanAssignment.id == assignment_id,
                                                               PlanAssignment.starts_at <= now)
                                  .values(starts_at=None).execution_options(synchronize_session=False))
        if rowcount(claimed) != 1:
            session.rollback()
            continue
        assignment = session.get(PlanAssignment, assignment_id)
        assert assignment is not None
        plan = session.get(Plan, assignment.task.plan_id)
        assert plan is not None
        try:
            start_assignment(session, None, plan, assignment, now)
            session.commit()
            started += 1
        except SpiralError as exc:
            session.rollback()  # the claim too; tried again tomorrow, and the office reads why in the log
            session.execute(update(PlanAssignment).where(PlanAssignment.id == assignment_id)
                            .values(starts_at=now + RETRY).execution_options(synchronize_session=False))
            audit.record(session, None, "plan.start_failed", now, object_type="plan_assignment",
                         object_id=assignment_id, summary=f"计划任务未能下达：{exc.message}（明天重试）")
            session.commit()
    return started
