"""Hostile BPMN scripts: nothing a script raises or loops on can end a tick, a request or the scheduler."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.definitions.deploy import deploy
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from tests.conftest import T0
from tests.engine.test_deploy import process, props

CHASE = props(stage="improve", due="P1D")


def timer_then_script(script: str) -> str:
    """A P1D boundary timer on 写计划 leading to a script and then 催交计划."""
    return f'''
  <bpmn:boundaryEvent id="late" attachedToRef="write" cancelActivity="false">
    <bpmn:outgoing>f9</bpmn:outgoing>
    <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:scriptTask id="calc" name="计算"><bpmn:incoming>f9</bpmn:incoming><bpmn:outgoing>f11</bpmn:outgoing>
    <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
  <bpmn:userTask id="chase" name="催交计划" camunda:candidateGroups="教研室主任">{CHASE}
    <bpmn:incoming>f11</bpmn:incoming><bpmn:outgoing>f10</bpmn:outgoing></bpmn:userTask>
  <bpmn:endEvent id="e2"><bpmn:incoming>f10</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="f9" sourceRef="late" targetRef="calc"/>
  <bpmn:sequenceFlow id="f11" sourceRef="calc" targetRef="chase"/>
  <bpmn:sequenceFlow id="f10" sourceRef="chase" targetRef="e2"/>'''


def open_titles(session, instance) -> list[str]:
    return sorted(session.scalars(select(HumanTask.title).where(HumanTask.instance_id == instance.id,
                                                                HumanTask.status == "open")))


@pytest.mark.parametrize("raised", ["raise SystemExit", "raise KeyboardInterrupt", "raise GeneratorExit",
                                    "raise SystemExit(0)"])
def test_a_timer_script_that_raises_systemexit_is_an_incident_and_the_tick_goes_on(session, raised):
    deploy(session, None, [("bad.bpmn", process(pid="bad_review", extra=timer_then_script(raised))),
                           ("good.bpmn", process(pid="good_review", extra=timer_then_script("x = 1")))], T0)
    bad = start_cycle(session, None, "bad_review", "C-WDYY", "2025-2026-1", T0)
    good = start_cycle(session, None, "good_review", "C-WDYY", "2025-2026-1", T0)
    result = run_tick(session, T0 + timedelta(days=1, minutes=1))
    assert result["timers"] == 1
    bad = session.get(ProcessInstance, bad.id)
    assert bad.incident and "计算" in bad.incident
    assert open_titles(session, bad) == ["写计划"]  # rolled back: no chase task appeared
    assert open_titles(session, good) == sorted(["写计划", "催交计划"])


def script_after_write(script: str) -> bytes:
    """写计划 → a script → 审计划."""
    xml = process(pid="loop_review").decode()
    xml = xml.replace('<bpmn:sequenceFlow id="f2" sourceRef="write" targetRef="check"/>',
                      '<bpmn:sequenceFlow id="f2" sourceRef="write" targetRef="calc"/>'
                      f'<bpmn:scriptTask id="calc" name="计算"><bpmn:incoming>f2</bpmn:incoming>'
                      f'<bpmn:outgoing>f2b</bpmn:outgoing><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
                      '<bpmn:sequenceFlow id="f2b" sourceRef="calc" targetRef="check"/>')
    return xml.replace('<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>',
                       '<bpmn:incoming>f2b</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>').encode()


def test_completing_a_task_that_reaches_an_endless_loop_is_an_incident_within_the_budget(session):
    import time

    from engine.errors import ScriptError
    from engine.workflow.tasks import complete_task
    deploy(session, None, [("loop.bpmn", script_after_write("while True:\n    pass"))], T0)
    instance = start_cycle(session, None, "loop_review", "C-WDYY", "2025-2026-1", T0)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    started = time.monotonic()
    with pytest.raises(ScriptError, match="秒"):
        complete_task(session, task.assignee, task.id, {}, T0 + timedelta(hours=1))
    assert time.monotonic() - started < 3.5  # the default budget is 2 s
    session.expire_all()
    assert "计算" in session.get(ProcessInstance, instance.id).incident
    assert open_titles(session, instance) == ["写计划"]  # rolled back: the task is still open


def test_a_script_that_bloats_the_saved_state_is_an_incident_and_nothing_is_saved(session):
    from engine.errors import ScriptError
    from engine.workflow.tasks import complete_task
    deploy(session, None, [("big.bpmn", script_after_write("big = ['x' * 1000] * 6000"))], T0)
    instance = start_cycle(session, None, "loop_review", "C-WDYY", "2025-2026-1", T0)
    state_before = session.get(ProcessInstance, instance.id).state
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    with pytest.raises(ScriptError, match="big"):
        complete_task(session, task.assignee, task.id, {}, T0 + timedelta(hours=1))
    session.expire_all()
    cycle = session.get(ProcessInstance, instance.id)
    assert "超过上限 5 MB" in cycle.incident and cycle.state == state_before
    assert open_titles(session, instance) == ["写计划"]
