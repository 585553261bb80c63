"""The cockpit: every cycle filterable, its diagram marked, cancel with a reason, bulk launch that skips what
already runs (and can be run again), and a dry run that creates nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.errors import InvalidInput, NotAllowed
from engine.org.models import Subject
from engine.org.people import find_person
from engine.supervision.notices import all_notices
from engine.tick import run_tick
from engine.workflow.cycle_admin import CycleFilter, cancel_cycle, element_states, find_cycles
from engine.workflow.cycles import start_cycle
from engine.workflow.dryrun import dry_run
from engine.workflow.launch import bulk_launch
from engine.workflow.models import HumanTask, ProcessInstance
from tests.conftest import T0

PERIOD = "2025-2026-1"


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_bulk_launch_starts_every_course_once_and_a_second_run_skips_them_all(session):
    start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    courses = session.scalar(select(func.count()).select_from(Subject).where(Subject.level == "course"))
    seen = []
    first = bulk_launch(session, find_person(session, "sunli"), "course_cycle", PERIOD, T0,
                        progress=lambda done, total: seen.append((done, total)))
    assert len(first.started) == courses - 1 and [name for name, _ in first.skipped] == ["网店运营"]
    assert seen[-1] == (courses, courses)
    again = bulk_launch(session, None, "course_cycle", PERIOD, T0)
    assert again.started == [] and len(again.skipped) == courses
    assert _count(session, ProcessInstance) == courses


def test_a_bulk_launch_can_be_narrowed_to_one_department(session):
    started = bulk_launch(session, None, "course_cycle", PERIOD, T0, within="B-CJ")  # 财经商贸部's courses only
    names = {name for name, _ in started.started}
    assert names and "基础会计" in names and "网店运营" in names and "机械制图" not in names
    with pytest.raises(InvalidInput):
        bulk_launch(session, None, "course_cycle", PERIOD, T0, within="NOPE")


def test_cycles_filter_by_level_process_subject_status_and_lateness(session):
    wdyy = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    start_cycle(session, None, "major_cycle", "MAJ-660301", "2025-2026", T0)
    later = T0 + timedelta(days=60)
    assert [i.id for i in find_cycles(session, CycleFilter(level="course"), T0)] == [wdyy.id]
    assert [i.id for i in find_cycles(session, CycleFilter(subject="网店"), T0)] == [wdyy.id]
    assert len(find_cycles(session, CycleFilter(period="2025-2026"), T0)) == 2
    assert find_cycles(session, CycleFilter(lateness="late"), T0) == []
    assert len(find_cycles(session, CycleFilter(lateness="late"), later)) == 2
    assert [i.id for i in find_cycles(session, CycleFilter(stage="goal", process_id="course_cycle",
                                                           version=1, status="running"), T0)] == [wdyy.id]


def test_the_diagram_marks_the_start_done_and_the_goal_task_active(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    states = element_states(session, instance)
    assert "StartEvent_course" in states["done"] and states["active"] == ["Task_course_goal"]


def test_cancelling_needs_a_reason_and_closes_the_open_tasks(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    with pytest.raises(InvalidInput):
        cancel_cycle(session, None, instance.id, "  ", T0)
    with pytest.raises(NotAllowed):
        cancel_cycle(session, find_person(session, "chenxiaoyu"), instance.id, "重复启动", T0)
    cancel_cycle(session, find_person(session, "zhaohong"), instance.id, "重复启动", T0)
    assert instance.status == "cancelled"
    assert session.scalars(select(HumanTask.status).where(HumanTask.instance_id == instance.id)).all() == \
        ["cancelled"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "instance.cancelled")).one()
    assert event.after["reason"] == "重复启动"
    start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)  # the subject may be started again


def test_a_dry_run_shows_who_gets_each_task_and_creates_nothing(session):
    before = (_count(session, ProcessInstance), _count(session, HumanTask), _count(session, AuditEvent))
    walk = dry_run(session, None, "course_cycle", "C-WDYY", PERIOD,
                   {"Task_course_goal_review": {"decision": "return"}}, T0)
    assert (_count(session, ProcessInstance), _count(session, HumanTask), _count(session, AuditEvent)) == before
    titles = [s.title for s in walk.steps]
    assert titles[:4] == ["制定课程建设目标", "审核课程建设目标", "制定课程建设目标", "审核课程建设目标"]
    assert walk.steps[0].assignee == "陈晓雨" and walk.steps[1].assignee == "韩雪"
    assert walk.steps[0].due is not None and walk.finished


def test_a_cancelled_cycle_leaves_no_active_notice_and_its_counts_settle(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    run_tick(session, task.due_at + timedelta(days=2))  # overdue: the ladder issued its notices up to red
    session.refresh(task)
    assert task.rung == "red"
    assert [n for n in all_notices(session, "active") if n.task_id == task.id]
    assert instance.due_tasks_open == 1
    cancel_cycle(session, find_person(session, "zhaohong"), instance.id, "重复启动", task.due_at + timedelta(days=2))
    assert [n for n in all_notices(session, "active") if n.instance_id == instance.id] == []
    notes = [a.note for n in all_notices(session) if n.task_id == task.id for a in n.actions if a.kind == "complete"]
    assert notes and all("周期已取消：重复启动" in note for note in notes)
    session.refresh(task)
    assert task.next_rung_at is None and task.status == "cancelled"
    assert (instance.due_tasks_open, instance.due_tasks_done) == (0, 0)


def test_the_improvement_process_can_be_dry_run_with_its_start_form_answered(session):
    from engine.workflow.dryrun import START, choice_fields
    offered = [(task_id, c.key) for task_id, _name, c in choice_fields("improvement", session)]
    assert (START, "responsible_role") in offered  # the start form's 整改责任角色 is a choice of the walk

    walk = dry_run(session, None, "improvement", "C-WDYY", PERIOD, {START: {"responsible_role": "课程负责人"}}, T0)

    first = walk.steps[0]
    assert first.title == "填写整改措施" and not first.unroutable
    assert first.assignee == "陈晓雨" or "陈晓雨" in first.candidates
    assert walk.finished and first.due is not None
    assert _count(session, ProcessInstance) == 0
