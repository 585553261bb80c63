"""A morning after a long holiday: 120 late tasks across the school climb their ladders in one tick, and each
rung still happens exactly once — one notice, one timeline line, one audit event, one message per person —
also when two tickers run at the same moment."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from itertools import product

from sqlalchemy import select

from engine.assembly import session_factory
from engine.audit import AuditEvent
from engine.calendar.closures import load_calendar
from engine.definitions.deploy import deploy
from engine.notify.models import Notification
from engine.org.models import Subject
from engine.parts import engine_of
from engine.supervision import climb as escalation
from engine.supervision.climb import fire_due_rungs
from engine.supervision.ladders import COLOUR_RANK, SHIPPED_LADDERS
from engine.supervision.models import NoticeAction, SupervisionNotice
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from tests.conftest import T0
from tests.engine.test_deploy import process, props

PROCESSES = {  # process id → its write task's properties
    "plan_working": props(stage="design", due="P5D", dueCalendar="working"),
    "plan_days": props(stage="design", due="P10D"),
    "plan_takeover": props(stage="design", due="P5D", dueCalendar="working", escalation="takeover"),
}
PERIODS = ("2025-2026-1", "2025-2026-2", "2026-2027-1", "2026-2027-2", "2025-2026")
RUNGS = {ladder["name"]: ladder["rungs"] for ladder in SHIPPED_LADDERS}
HALFWAY = datetime(2025, 10, 9, 12)  # yellow for the working-day tasks; the calendar-day ones are overdue
AFTER_ALL = datetime(2025, 10, 20, 9)  # every rung of every task is due


def start_late_tasks(session) -> list[HumanTask]:
    """120 cycles over every subject of the demo school, on the default ladder (working or calendar days) and
    the takeover ladder; some tasks are assigned, the unroutable ones offered to the quality office."""
    for process_id, task_props in PROCESSES.items():
        deploy(session, None, [(f"{process_id}.bpmn", process(pid=process_id, task_props=task_props))], T0)
    subjects = session.scalars(select(Subject.code).order_by(Subject.id)).all()
    for k, (period, subject) in enumerate(product(PERIODS, subjects)):
        start_cycle(session, None, list(PROCESSES)[k % len(PROCESSES)], subject, period, T0)
    tasks = session.scalars(select(HumanTask).where(HumanTask.bpmn_id == "write").order_by(HumanTask.id)).all()
    assert len(tasks) == 120 and any(t.assignee_id is None for t in tasks) and any(t.assignee_id for t in tasks)
    return list(tasks)


def assert_each_rung_happened_once(session, tasks: list[HumanTask]) -> None:
    """Every rung of every ladder fired once: its audit event, its notice and timeline, its messages."""
    session.expire_all()
    for task in tasks:
        rungs = RUNGS[task.ladder]
        events = session.scalars(select(AuditEvent).where(AuditEvent.task_id == task.id,
                                                          AuditEvent.action == "task.escalated")).all()
        assert sorted(e.after["rung_key"] for e in events) == sorted(r["key"] for r in rungs)
        notices = session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == task.id)
                                  .order_by(SupervisionNotice.id)).all()
        assert [n.colour for n in notices] == [r["colour"] for r in rungs if r["notice"]]
        assert [n.status for n in notices] == ["escalated"] * (len(notices) - 1) + ["open"]
        for notice in notices:
            kinds = sorted(a.kind for a in notice.actions)
            assert kinds == (["escalate", "issue"] if notice.status == "escalated" else ["issue"])
        assert task.next_rung_at is None and task.next_rung_index == len(rungs)
        assert task.rung == max((r["colour"] for r in rungs if r["colour"]), key=COLOUR_RANK.__getitem__)
    told = Counter((n.link, n.kind, n.person_id) for n in session.scalars(
        select(Notification).where(Notification.kind.like("rung.%"))))
    expected = Counter((f"/tasks/{e.task_id}", f"rung.{RUNG_COLOUR[e.after['rung_key']] or 'remind'}", person_id)
                       for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "task.escalated"))
                       for person_id in dict.fromkeys(e.after["notified"]))
    assert told == expected and all(count == 1 for count in told.values())


RUNG_COLOUR = {r["key"]: r["colour"] for ladder in SHIPPED_LADDERS for r in ladder["rungs"]}


def test_a_hundred_and_twenty_late_tasks_climb_in_one_morning_each_rung_once(session, monkeypatch):
    monkeypatch.setattr(escalation, "BATCH", 25)  # several batches, each claimed and committed on its own
    tasks = start_late_tasks(session)
    halfway = run_tick(session, HALFWAY)["rungs"]
    assert 0 < halfway < sum(len(RUNGS[t.ladder]) for t in tasks)
    assert session.scalar(select(SupervisionNotice.id).where(SupervisionNotice.status == "open")) is not None
    rest = run_tick(session, AFTER_ALL)["rungs"]  # the older yellow notices are escalated to orange, then red
    assert halfway + rest == sum(len(RUNGS[t.ladder]) for t in tasks)
    assert run_tick(session, AFTER_ALL.replace(hour=10))["rungs"] == 0
    assert_each_rung_happened_once(session, tasks)
    taken = session.scalars(select(AuditEvent).where(AuditEvent.action == "task.reassigned")).all()
    assert taken and {e.task_id for e in taken} <= {t.id for t in tasks if t.ladder == "takeover"}
    assert len(taken) == len({e.task_id for e in taken})
    for event in taken:
        task = session.get(HumanTask, event.task_id)
        assert task.assignee_id == event.after["assignee_id"] and task.candidates == []
        orange = session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == task.id,
                                                                 SupervisionNotice.colour == "orange")).one()
        assert orange.status == "open" and orange.kind == "橙色督办单"


def test_two_tickers_at_the_same_moment_fire_each_rung_once(session, monkeypatch):
    monkeypatch.setattr(escalation, "BATCH", 25)
    tasks = start_late_tasks(session)
    halfway = run_tick(session, HALFWAY)["rungs"]
    factory = session_factory(session.get_bind(), engine_of(session))  # two more connections, no tick lock
    tickers = [factory() for _ in range(2)]
    barrier = threading.Barrier(2)
    fired: list[int] = []

    def tick(own) -> None:
        barrier.wait()
        fired.append(fire_due_rungs(own, AFTER_ALL, load_calendar(own)))
        own.close()

    threads = [threading.Thread(target=tick, args=(own,)) for own in tickers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fired) == 2 and sum(fired) == sum(len(RUNGS[t.ladder]) for t in tasks) - halfway
    assert_each_rung_happened_once(session, tasks)
    assert session.scalar(select(NoticeAction.id).where(NoticeAction.kind == "escalate")) is not None
