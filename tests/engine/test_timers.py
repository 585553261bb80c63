"""BPMN timers fire on the tick's clock: `spiral tick --now` travels in time, and so do the timers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.definitions.deploy import deploy
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from tests.conftest import T0
from tests.engine.test_deploy import process, props

CHASE = props(stage="improve", due="P1D")


def boundary(timer: str, interrupting: bool, kind: str = "timeDuration") -> str:
    return f'''
  <bpmn:boundaryEvent id="late" attachedToRef="write" cancelActivity="{str(interrupting).lower()}">
    <bpmn:outgoing>f9</bpmn:outgoing>
    <bpmn:timerEventDefinition><bpmn:{kind}>{timer}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:userTask id="chase" name="催交计划" camunda:candidateGroups="教研室主任">{CHASE}
    <bpmn:incoming>f9</bpmn:incoming><bpmn:outgoing>f10</bpmn:outgoing></bpmn:userTask>
  <bpmn:endEvent id="e2"><bpmn:incoming>f10</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="f9" sourceRef="late" targetRef="chase"/>
  <bpmn:sequenceFlow id="f10" sourceRef="chase" targetRef="e2"/>'''


def start_with(session, extra: str) -> ProcessInstance:
    deploy(session, None, [("timed.bpmn", process(extra=extra))], T0)
    return start_cycle(session, None, "my_review", "C-WDYY", "2025-2026-1", T0)


def open_titles(session, instance) -> list[str]:
    return sorted(session.scalars(select(HumanTask.title).where(HumanTask.instance_id == instance.id,
                                                                HumanTask.status == "open")))


def test_an_interrupting_timer_fires_when_the_tick_reaches_it_and_not_before(session):
    instance = start_with(session, boundary("P3D", interrupting=True))
    assert instance.next_timer_at == T0 + timedelta(days=3)
    assert run_tick(session, T0 + timedelta(days=2, hours=23))["timers"] == 0
    assert open_titles(session, instance) == ["写计划"]
    assert run_tick(session, T0 + timedelta(days=3, minutes=1))["timers"] == 1
    assert open_titles(session, instance) == ["催交计划"]  # the plan task was interrupted
    chase = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                    HumanTask.status == "open")).one()
    assert chase.assignee.username == "hanxue"
    assert session.get(ProcessInstance, instance.id).next_timer_at is None


def test_a_cycle_timer_R3_P1D_fires_three_times_beside_the_running_task(session):
    instance = start_with(session, boundary("R3/P1D", interrupting=False, kind="timeCycle"))
    for day in range(1, 6):
        run_tick(session, T0 + timedelta(days=day, minutes=1))
    titles = open_titles(session, instance)
    assert titles.count("催交计划") == 3 and "写计划" in titles


def test_downtime_catches_up_a_timer_in_one_tick(session):
    instance = start_with(session, boundary("P3D", interrupting=False))
    assert run_tick(session, T0 + timedelta(days=30))["timers"] == 1
    assert open_titles(session, instance) == sorted(["写计划", "催交计划"])


def test_a_cycle_timer_that_missed_its_periods_during_downtime_catches_up_in_one_tick(session):
    instance = start_with(session, boundary("R3/P1D", interrupting=False, kind="timeCycle"))
    run_tick(session, T0 + timedelta(days=10))
    assert open_titles(session, instance).count("催交计划") == 3
    run_tick(session, T0 + timedelta(days=11))
    assert open_titles(session, instance).count("催交计划") == 3
