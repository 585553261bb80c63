"""The three-colour ladder: a late task turns yellow, orange and red on the working days the ladder says."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.assembly import session_factory
from engine.audit import AuditEvent
from engine.calendar.closures import add_closure, load_calendar
from engine.db.session import make_engine
from engine.definitions.deploy import deploy
from engine.errors import InvalidProcess
from engine.parts import engine_of
from engine.supervision.models import NoticeAction, SupervisionNotice
from engine.tick import acquire_lock, run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.tasks import complete_task
from tests.conftest import T0
from tests.engine.test_deploy import process, props

FIVE_WORKING_DAYS = props(stage="design", due="P5D", dueCalendar="working")


def start_plan(session, at: datetime = T0, task_props: str = FIVE_WORKING_DAYS) -> HumanTask:
    deploy(session, None, [("plan.bpmn", process(task_props=task_props))], at)
    instance = start_cycle(session, None, "my_review", "C-WDYY", "2025-2026-1", at)
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()


def notices(session, task: HumanTask) -> list[SupervisionNotice]:
    return list(session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == task.id)
                                .order_by(SupervisionNotice.id)))


def colour_at(session, task: HumanTask, when: datetime) -> str:
    run_tick(session, when)
    session.refresh(task)
    return task.rung


def test_a_five_working_day_task_created_before_national_day_climbs_the_ladder_on_working_days(session):
    task = start_plan(session)  # Friday 26 September 2025, 10:00
    # 28 Sep (Sunday) is worked, 1–8 October are off, so five working days end on Friday 10 October.
    assert task.due_at == datetime(2025, 10, 10, 23, 59, 59)
    assert colour_at(session, task, datetime(2025, 10, 8, 23, 0)) == "none"    # the holiday counts for nothing
    assert colour_at(session, task, datetime(2025, 10, 9, 7, 47)) == "none"
    assert colour_at(session, task, datetime(2025, 10, 9, 7, 49)) == "yellow"   # 70 % of 134 working hours
    assert colour_at(session, task, datetime(2025, 10, 10, 3, 53)) == "yellow"
    assert colour_at(session, task, datetime(2025, 10, 10, 3, 55)) == "orange"  # 85 %
    assert colour_at(session, task, datetime(2025, 10, 10, 23, 59, 58)) == "orange"
    assert colour_at(session, task, datetime(2025, 10, 11, 0, 0)) == "red"      # overdue
    for later in range(3):  # further ticks change nothing
        run_tick(session, datetime(2025, 10, 12 + later, 9))
    yellow, orange, red = notices(session, task)
    assert [(n.colour, n.kind) for n in (yellow, orange, red)] == [
        ("yellow", "黄色预警通知单"), ("orange", "橙色督办单"), ("red", "红色问责单")]
    assert [n.status for n in (yellow, orange, red)] == ["escalated", "escalated", "open"]
    assert yellow.supervisor.username == "hanxue"        # the 教研室主任 above the course lead
    assert orange.supervisor.username == "liming"        # 分管教学副校长
    assert red.supervisor.username == "wangjianguo" and red.negative_list
    assert red.issuing_unit.name == "督导室" and red.responsible_person.username == "chenxiaoyu"
    assert red.department.name == "财经商贸部" and red.level == "course"
    escalations = session.scalars(select(AuditEvent.summary).where(AuditEvent.task_id == task.id,
                                                                   AuditEvent.action == "task.escalated")).all()
    assert len(escalations) == 4  # the reminder on the due day, then yellow, orange and red


def test_ten_days_of_downtime_then_one_tick_fires_each_rung_once_in_order(session):
    task = start_plan(session)
    result = run_tick(session, datetime(2025, 10, 20, 9))  # the server was off since before the holiday
    assert result["rungs"] == 4
    assert [n.colour for n in notices(session, task)] == ["yellow", "orange", "red"]
    assert run_tick(session, datetime(2025, 10, 20, 9, 1))["rungs"] == 0
    assert len(notices(session, task)) == 3


def test_completing_the_task_ends_its_notices_and_stops_the_ladder(session):
    task = start_plan(session)
    run_tick(session, datetime(2025, 10, 9, 12))
    complete_task(session, task.assignee, task.id, {}, datetime(2025, 10, 9, 13))
    [yellow] = notices(session, task)
    assert yellow.status == "completed" and task.next_rung_at is None
    run_tick(session, datetime(2025, 10, 20))
    assert len(notices(session, task)) == 1


def test_a_school_closure_moves_the_deadline_and_the_rungs(session):
    add_closure(session, None, date(2025, 9, 29), date(2025, 9, 30), "校运动会", T0)
    assert not load_calendar(session).is_working_day(date(2025, 9, 29))
    task = start_plan(session)
    assert task.due_at == datetime(2025, 10, 13, 23, 59, 59)  # 28 Sep, 9, 10, 11 (调休 Saturday), 13 Oct


def test_a_calendar_day_ladder_counts_plain_time(session):
    task = start_plan(session, task_props=props(stage="design", due="P10D"))
    assert task.due_at == T0 + timedelta(days=10)
    assert colour_at(session, task, T0 + timedelta(days=6, hours=23)) == "none"
    assert colour_at(session, task, T0 + timedelta(days=7, minutes=1)) == "yellow"


def test_two_tick_processes_at_once_issue_each_notice_once(session, tmp_path):
    start_plan(session)
    url = session.get_bind().url
    sessions = [session_factory(make_engine(str(url)), engine_of(session))() for _ in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def tick(s):
        barrier.wait()
        results.append(run_tick(s, datetime(2025, 10, 20, 9)))

    threads = [threading.Thread(target=tick, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for s in sessions:
        s.close()
    assert sorted(r["rungs"] for r in results) == [0, 4]  # one fired everything, the other found nothing
    assert session.scalar(select(func.count()).select_from(SupervisionNotice)) == 3
    assert session.scalar(select(func.count()).select_from(NoticeAction).where(NoticeAction.kind == "issue")) == 3


def test_a_live_lease_keeps_a_second_ticker_out(session):
    assert acquire_lock(session, "first")
    assert run_tick(session, T0, holder="second")["skipped"] == 1
    assert acquire_lock(session, "first")  # the holder may renew its own lease


def test_a_task_names_its_ladder_and_an_unknown_ladder_is_refused_at_deploy(session):
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, None, [("plan.bpmn", process(task_props=props(stage="design", due="P5D",
                                                                     escalation="no_such_ladder")))], T0)
    session.rollback()
    assert any("no_such_ladder" in p.message and p.element_id == "write" for p in refused.value.problems)
    task = start_plan(session, task_props=props(stage="design", due="P5D", dueCalendar="working",
                                                escalation="takeover"))
    assert task.ladder == "takeover"
    run_tick(session, datetime(2025, 10, 14, 9))  # a working day after due: the unit head has taken over
    session.refresh(task)
    assert task.assignee.username == "hanxue" and task.rung == "orange"
