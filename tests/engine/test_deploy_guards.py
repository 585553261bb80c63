"""新建流程 never overwrites a process, an empty process is not deployed, and a version that drops every task
of a process with running cycles is deployed only with an explicit yes."""
from __future__ import annotations

import pytest

from engine.definitions.deploy import deploy, latest_definition
from engine.definitions.drafts import create_process, get_draft, save_draft
from engine.errors import Conflict, NeedsConfirmation
from engine.workflow.cycles import start_cycle
from tests.conftest import T0
from tests.engine.test_deploy import HEAD, process, props, refused


def one_task(task_id: str = "other", pid: str = "my_review") -> bytes:
    return (HEAD + f'''<bpmn:process id="{pid}" name="我的流程" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="{task_id}" name="别的事" camunda:candidateGroups="课程负责人">{props(stage="design", due="P3D")}
    <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
  <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="{task_id}"/>
  <bpmn:sequenceFlow id="f2" sourceRef="{task_id}" targetRef="e"/>
</bpmn:process></bpmn:definitions>''').encode()


def test_a_new_process_with_the_id_of_a_deployed_one_is_refused_and_changes_nothing(session):
    deploy(session, None, [("plan.bpmn", process())], T0)
    with pytest.raises(Conflict, match="已被使用"):
        create_process(session, None, "blank", "my_review", "空白", T0)
    session.rollback()
    assert get_draft(session, "my_review") is None
    assert latest_definition(session, "my_review").version == 1


def test_a_new_process_with_the_id_of_a_draft_is_refused_and_keeps_the_draft(session):
    first = create_process(session, None, "course", "fresh_one", "新的课程流程", T0)
    kept = first.xml
    with pytest.raises(Conflict):
        create_process(session, None, "blank", "fresh_one", "空白", T0)
    session.rollback()
    assert get_draft(session, "fresh_one").xml == kept


def test_the_modeler_saving_a_diagram_renamed_to_another_process_is_refused(session):
    deploy(session, None, [("plan.bpmn", process())], T0)
    create_process(session, None, "blank", "fresh_one", "空白", T0)
    with pytest.raises(Conflict):
        save_draft(session, None, process().decode(), T0, editing="fresh_one")
    session.rollback()
    assert save_draft(session, None, process().decode(), T0, editing="my_review").process_id == "my_review"


def test_a_process_with_no_task_and_no_end_event_is_refused(session):
    blank = create_process(session, None, "blank", "empty_one", "空流程", T0).xml
    problems = refused(session, blank.encode())
    assert any("既没有用户任务也没有结束事件" in p.message for p in problems)


def test_a_version_dropping_every_task_of_a_running_process_needs_a_yes(session):
    deploy(session, None, [("plan.bpmn", process())], T0)
    start_cycle(session, None, "my_review", "C-WDYY", "2025-2026-1", T0)
    with pytest.raises(NeedsConfirmation, match="全部任务"):
        deploy(session, None, [("plan.bpmn", one_task())], T0)
    session.rollback()
    assert latest_definition(session, "my_review").version == 1
    [definition] = deploy(session, None, [("plan.bpmn", one_task())], T0, confirm_removal=True)
    assert definition.version == 2


def test_a_version_keeping_a_task_or_without_running_cycles_needs_no_yes(session):
    deploy(session, None, [("plan.bpmn", process())], T0)
    assert deploy(session, None, [("plan.bpmn", one_task())], T0)[0].version == 2  # nothing running
    start_cycle(session, None, "my_review", "C-WDYY", "2025-2026-1", T0)
    assert deploy(session, None, [("plan.bpmn", one_task("other", "my_review").replace(b"P3D", b"P4D"))],
                  T0)[0].version == 3  # "other" is kept
