"""The demo school of DOMAIN.md: org tree, people, roles, subjects, processes and cycles in flight."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

import processes
from engine.calendar.deadlines import OFFICIAL, compute_due
from engine.calendar.school_year import period_at
from engine.definitions.deploy import deploy
from engine.definitions.specs import form_registry
from engine.org.catalogue import seed_roles
from engine.org.imports import import_org
from engine.org.models import Person, Subject, Unit
from engine.org.workbook import read_org_workbook
from engine.reporting.months import refresh_month_counts
from engine.supervision.ladders import seed_ladders
from engine.supervision.notices import all_notices, close, extend, record_talk, remind
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task

from .activities import seed_activities
from .calendar import seed_schedules, seed_years
from .plans import seed_plans
from .quality import seed_quality

DEMO_PASSWORD = "demo123"

WORKBOOK = Path(__file__).with_name("school.xlsx")  # its units, people, holdings and subjects (the org sheets)
LATE_ON_PURPOSE = [("teacher_cycle", "T-wuting", "P10D", 0.76), ("teacher_cycle", "T-sunwei", "P10D", 0.9)]


def is_seeded(session: Session) -> bool:
    """True once the demo (or any organisation) exists."""
    return session.scalars(select(Unit.id).limit(1)).first() is not None


def seed_org(session: Session, now: datetime | None = None) -> None:
    """The demo school's org, read from its workbook through the importer, on the default role catalogue and
    ladders (no processes, no cycles); every demo account gets the demo password, `admin` is the administrator;
    commits."""
    now = now or datetime.now()
    seed_roles(session)
    seed_ladders(session, now)
    import_org(session, None, read_org_workbook(WORKBOOK.read_bytes()), now, dry_run=False, passwords=False)
    password = generate_password_hash(DEMO_PASSWORD)
    for person in session.scalars(select(Person)):
        person.password_hash, person.must_change_password = password, False
        person.is_admin = person.username == "admin"
    session.commit()


def deploy_shipped(session: Session, now: datetime) -> None:
    """Deploy every BPMN file under processes/."""
    files = [(p.name, p.read_bytes()) for p in processes.files()]
    deploy(session, None, files, now, comment="随系统提供的流程")


def _advance(session: Session, instance_id: int, steps: int, start: datetime, step_days: int,
             choices: dict[str, str] | None = None) -> datetime:
    """Complete `steps` tasks of a cycle, each `step_days` after the previous, as their holders would."""
    at = start
    forms = form_registry(session)
    for _ in range(steps):
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                       HumanTask.status == "open").order_by(HumanTask.id)).first()
        if task is None:
            break
        actor = task.assignee or task.candidates[0]
        at += timedelta(days=step_days)
        form = forms.get(task.form_id) if task.form_id else None
        data = sample_answers(form, choices) if form else {}
        complete_task(session, actor, task.id, data, at, uploads=sample_uploads(form) if form else [])
    return at


def _started_at_fraction(now: datetime, due: str, fraction: float) -> datetime:
    """When a task due in `due` working days must have been created to have used `fraction` of its time now."""
    cal = OFFICIAL
    started = now
    while started > now - timedelta(days=120):
        started -= timedelta(hours=1)
        total = cal.working_seconds(started, compute_due(started, due, "working", cal))
        if total and cal.working_seconds(started, now) / total >= fraction:
            return started
    return started


def _supervise(session: Session, now: datetime) -> None:
    """A supervisor's first morning: notices in every state (open, escalated, extended, completed, closed)."""
    supervisor = session.scalars(select(Person).where(Person.username == "zhouqiang")).one()
    reds = [n for n in all_notices(session, "active") if n.colour == "red"]
    story = [n for n in reds if n.instance.subject.code == "MAJ-660301"]  # 机电: dual-qualified ratio 38 %
    for notice in story:
        remind(session, supervisor, [notice.id], "请本周内提交专业诊断报告，逾期将列入年度考核负面清单。", now)
        record_talk(session, supervisor, notice.id, now.date(), "", "已约谈，承诺三个工作日内完成诊断报告。", now)
    others = [n for n in reds if n not in story]
    if others:
        extend(session, supervisor, others[-1].id, (now + timedelta(days=10)).date(),
               "负责人参加省级培训，经分管校领导同意延期。", now)
    for notice, close_it in zip(others[:-1][:2], (True, False)):
        task = notice.task
        actor = task.assignee or task.candidates[0]
        form = form_registry(session).get(task.form_id) if task.form_id else None
        complete_task(session, actor, task.id, sample_answers(form, {"decision": "approve"}) if form else {},
                      now, uploads=sample_uploads(form) if form else [])
        if close_it:
            close(session, supervisor, [notice.id], "已按要求完成，准予销号。", now)


def seed_demo(session: Session, now: datetime) -> dict[str, int]:
    """Seed the whole demo school with cycles in flight relative to `now`; returns counts."""
    seed_org(session, now)
    seed_years(session, now)
    deploy_shipped(session, now)
    year, term = period_at(session, now.date())
    approve = {"decision": "approve"}
    plans = [  # process, subject, period, started days ago, tasks to complete, days per step
        ("course_cycle", "C-WDYY", term, 2, 0, 1),
        ("course_cycle", "C-ZBDS", term, 40, 2, 5),
        ("course_cycle", "C-PY", term, 45, 5, 6),
        ("course_cycle", "C-JCKJ", term, 20, 1, 3),
        ("major_cycle", "MAJ-660301", year, 75, 6, 8),
        ("major_cycle", "MAJ-710201", year, 10, 1, 4),
        ("school_cycle", "SCH", year, 30, 2, 6),
        ("teacher_cycle", "T-chenxiaoyu", year, 5, 0, 1),
        ("teacher_cycle", "T-lijun", year, 25, 2, 5),
        ("student_cycle", "S-liuxin", term, 4, 0, 1),
        ("student_cycle", "S-wangyu", term, 14, 1, 3),
    ]
    for process_id, subject, period, days_ago, steps, step_days in plans:
        started = now - timedelta(days=days_ago)
        instance = start_cycle(session, None, process_id, subject, period, started)
        _advance(session, instance.id, steps, started, step_days, approve)
    for process_id, subject, first_due, fraction in LATE_ON_PURPOSE:  # one yellow, one orange right now
        start_cycle(session, None, process_id, subject, year, _started_at_fraction(now, first_due, fraction))
    seed_quality(session, now)  # 网店运营's 82 % pass rate starts its improvement through the small loop
    seed_plans(session, now)  # the 提质培优 plan: one tracked task per 具体任务 × department
    tick_at = now - timedelta(days=80)
    while tick_at < now:  # the scheduler ran every morning while these cycles were under way
        run_tick(session, tick_at, holder="demo")
        tick_at += timedelta(days=1)
    run_tick(session, now, holder="demo")
    seed_schedules(session, now)  # from now on: the ticks above stood for days before it was set
    _supervise(session, now)
    seed_activities(session, now)  # 家长学校: lectures with parents' sign-ins, feedback and summaries
    refresh_month_counts(session, now, force=True)  # the months as of the history written after the ticks
    return {"units": session.query(Unit).count(), "people": session.query(Person).count(),
            "subjects": session.query(Subject).count(), "open_tasks":
                session.query(HumanTask).filter(HumanTask.status == "open").count()}
