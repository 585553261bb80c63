"""Deploying BPMN: bad files are refused with file, line and element, and nothing is deployed."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.definitions.deploy import deploy
from engine.definitions.models import ProcessDefinition
from engine.errors import InvalidProcess, NotAllowed
from engine.org.models import Person
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from tests.conftest import T0

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://x">\n')


def props(**values: str) -> str:
    items = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in values.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{items}</spiffworkflow:properties>" \
           f"</bpmn:extensionElements>"


def process(lane: str = "课程负责人", task_props: str = "", extra: str = "", pid: str = "my_review",
            task_attrs: str = "", lane2: str = "教研室主任") -> bytes:
    """A two-task process: 写计划 (lane) → 审计划 (lane2); my own file, as the quality office writes one."""
    return (HEAD + f'''<bpmn:process id="{pid}" name="我的流程" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="{lane}"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>write</bpmn:flowNodeRef></bpmn:lane>
    <bpmn:lane id="l2" name="{lane2}"><bpmn:flowNodeRef>check</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="write" name="写计划" {task_attrs}>{task_props or props(stage="design", due="P3D")}
    <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
  <bpmn:userTask id="check" name="审计划">{props(stage="design", due="P2D", dueCalendar="working")}
    <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
  <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="write"/>
  <bpmn:sequenceFlow id="f2" sourceRef="write" targetRef="check"/>
  <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="e"/>
  {extra}
</bpmn:process></bpmn:definitions>''').encode()


def definitions_count(session) -> int:
    return session.scalar(select(func.count()).select_from(ProcessDefinition))


def refused(session, data: bytes, filename: str = "mine.bpmn") -> list:
    before = definitions_count(session)
    with pytest.raises(InvalidProcess) as info:
        deploy(session, None, [(filename, data)], T0)
    session.rollback()
    assert definitions_count(session) == before
    return info.value.problems


def test_my_own_bpmn_with_lanes_named_after_demo_roles_deploys_and_routes(session):
    [definition] = deploy(session, None, [("mine.bpmn", process())], T0)
    assert (definition.process_id, definition.version) == ("my_review", 1)
    instance = start_cycle(session, None, "my_review", "C-WDYY", "2025-2026-1", T0)
    [task] = [t for t in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))]
    assert task.assignee.username == "chenxiaoyu"
    from engine.workflow.tasks import complete_task
    complete_task(session, task.assignee, task.id, {}, T0)
    review = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                     HumanTask.status == "open")).one()
    assert review.assignee.username == "hanxue"


def test_redeploying_the_same_file_keeps_the_version_and_a_change_makes_version_2(session):
    deploy(session, None, [("mine.bpmn", process())], T0)
    [same] = deploy(session, None, [("mine.bpmn", process())], T0)
    assert same.version == 1
    [changed] = deploy(session, None, [("mine.bpmn", process(task_props=props(stage="design", due="P4D")))], T0)
    assert changed.version == 2


def test_malformed_xml_names_the_file_and_line(session):
    [problem] = refused(session, b"<bpmn:definitions><oops></bpmn:definitions>", "broken.bpmn")
    assert problem.file == "broken.bpmn" and problem.line == 1
    assert "XML" in problem.message


def test_an_xxe_payload_is_refused_before_parsing(session, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    payload = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
               f'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
               f'</bpmn:definitions>').encode()
    [problem] = refused(session, payload)
    assert "DOCTYPE" in problem.message
    assert "TOP-SECRET" not in str(problem)


def test_an_unknown_role_in_a_lane_names_the_task_and_the_lane(session):
    problems = refused(session, process(lane="火星探险队"))
    assert any(p.element_id == "write" and "火星探险队" in p.message and p.line for p in problems)


def test_a_form_that_does_not_exist_is_refused_but_no_form_at_all_is_fine(session):
    problems = refused(session, process(task_props=props(stage="design", due="P3D", form="no_such_form")))
    assert any("no_such_form" in p.message and p.element_id == "write" for p in problems)
    assert deploy(session, None, [("mine.bpmn", process())], T0)[0].meta["tasks"]["write"]["form"] == ""


def test_every_problem_is_listed_at_once(session):
    problems = refused(session, process(lane="火星探险队", task_props=props(stage="dream", due="soon",
                                                                       form="nope")))
    messages = " | ".join(p.message for p in problems)
    for expected in ("火星探险队", "dream", "soon", "nope"):
        assert expected in messages


@pytest.mark.parametrize("script", ["import os", "open('/etc/passwd')", "().__class__.__base__.__subclasses__()"])
def test_a_script_the_sandbox_rejects_is_refused_at_deploy(session, script):
    extra = f'<bpmn:scriptTask id="calc" name="计算"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
    problems = refused(session, process(extra=extra))
    assert any(p.element_id == "calc" for p in problems)


def test_a_file_that_is_not_bpmn_is_refused(session):
    [problem] = refused(session, b"<html><body>hello</body></html>")
    assert "BPMN" in problem.message


def test_only_the_quality_office_may_deploy(session):
    teacher: Person = find_person(session, "chenxiaoyu")
    with pytest.raises(NotAllowed):
        deploy(session, teacher, [("mine.bpmn", process())], T0)
    assert deploy(session, find_person(session, "sunli"), [("mine.bpmn", process())], T0)


def test_camunda_candidate_groups_and_bare_timer_literals_are_understood(session):
    timer = ('<bpmn:boundaryEvent id="late" attachedToRef="check" cancelActivity="false">'
             '<bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition>'
             '</bpmn:boundaryEvent>')
    data = process(task_attrs='camunda:candidateGroups="任课教师"', extra=timer)
    [definition] = deploy(session, None, [("mine.bpmn", data)], T0)
    assert definition.meta["timers"] == 1
    instance = start_cycle(session, None, "my_review", "C-WDYY", "2025-2026-1", T0)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert {p.username for p in task.candidates} == {"chenxiaoyu", "wangfang"}
