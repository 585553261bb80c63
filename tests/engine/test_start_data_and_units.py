"""Start data without a start form, tasks naming their unit, titles from the data, and one task per unit of a
list (multi-instance): general engine features any process may use (plan tasks are one)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.definitions.deploy import deploy
from engine.errors import InvalidInput
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.tasks import complete_task
from tests.conftest import T0
from tests.engine.test_deploy import HEAD, props


def per_unit_process(pid: str = "collect_all", multi: bool = True, unit: str = "${unit}") -> bytes:
    loop = ('<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>units</bpmn:loopDataInputRef>'
            '<bpmn:inputDataItem id="unit" name="unit"/></bpmn:multiInstanceLoopCharacteristics>') if multi else ""
    return (HEAD + f'''<bpmn:process id="{pid}" name="材料收集" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="单位负责人"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>collect</bpmn:flowNodeRef></bpmn:lane>
    <bpmn:lane id="l2" name="质量专员"><bpmn:flowNodeRef>merge</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="collect" name="提交材料：${{topic}}" camunda:dueDate="${{deadline}}">{props(stage="implement", unit=unit, dueCalendar="working")}
    <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>{loop}</bpmn:userTask>
  <bpmn:userTask id="merge" name="汇总材料">{props(stage="diagnose", due="P2D")}
    <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
  <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="collect"/>
  <bpmn:sequenceFlow id="f2" sourceRef="collect" targetRef="merge"/>
  <bpmn:sequenceFlow id="f3" sourceRef="merge" targetRef="e"/>
</bpmn:process></bpmn:definitions>''').encode()


def open_tasks(session, instance_id: int) -> list[HumanTask]:
    session.expire_all()
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.status == "open").order_by(HumanTask.id)))


def test_a_task_over_a_list_of_units_gives_each_units_head_one_and_the_cycle_waits_for_all(session):
    deploy(session, None, [("collect.bpmn", per_unit_process())], T0)
    instance = start_cycle(session, None, "collect_all", "SCH", "2025-2026", T0,
                           data={"units": ["D-JWK", "B-IT", "学工部"], "topic": "年报素材", "deadline": "2025-10-31"})
    tasks = open_tasks(session, instance.id)
    assert [(t.title, t.assignee.username, t.scope_unit.name) for t in tasks] == [
        ("提交材料：年报素材", "qianjun", "教务科"), ("提交材料：年报素材", "liuyang", "信息技术部"),
        ("提交材料：年报素材", "chenjing", "学生科")]
    assert {t.due_at for t in tasks} == {datetime(2025, 10, 31, 23, 59, 59)}  # dueDate from the start data
    for index, task in enumerate(tasks):
        complete_task(session, task.assignee, task.id, {}, T0 + timedelta(hours=index + 1))
        left = open_tasks(session, instance.id)
        if index < 2:
            assert [t.title for t in left] == ["提交材料：年报素材"] * (2 - index)
    assert [t.title for t in open_tasks(session, instance.id)] == ["汇总材料"]


def test_start_data_reaches_a_process_without_a_start_form(session):
    deploy(session, None, [("collect.bpmn", per_unit_process(multi=False))], T0)
    instance = start_cycle(session, None, "collect_all", "SCH", "2025-2026", T0,
                           data={"unit": "招就办", "topic": "就业质量报告", "deadline": "2025-10-15"})
    task = open_tasks(session, instance.id)[0]
    assert (task.title, task.assignee.username) == ("提交材料：就业质量报告", "hejun")


@pytest.mark.parametrize("data", [{"__class__": 1}, {"9lives": 1}, {"big": "x" * 70_000}])
def test_start_data_with_odd_keys_or_too_large_is_refused_and_nothing_starts(session, data):
    deploy(session, None, [("collect.bpmn", per_unit_process(multi=False))], T0)
    with pytest.raises(InvalidInput):
        start_cycle(session, None, "collect_all", "SCH", "2025-2026", T0, data=data)
    assert session.scalars(select(HumanTask)).first() is None


def test_a_task_naming_a_unit_the_school_lacks_goes_to_the_quality_office_saying_so(session):
    deploy(session, None, [("collect.bpmn", per_unit_process(multi=False))], T0)
    instance = start_cycle(session, None, "collect_all", "SCH", "2025-2026", T0,
                           data={"unit": "图书馆", "topic": "x", "deadline": "2025-10-15"})
    task = open_tasks(session, instance.id)[0]
    assert task.unroutable and {p.username for p in task.candidates} == {"zhaohong", "sunli"}


def test_a_fixed_unit_routes_there_whatever_the_subject(session):
    deploy(session, None, [("collect.bpmn", per_unit_process(multi=False, unit="D-CWK"))], T0)
    instance = start_cycle(session, None, "collect_all", "C-WDYY", "2025-2026", T0,
                           data={"topic": "经费", "deadline": "2025-10-15"})
    assert open_tasks(session, instance.id)[0].assignee.username == "dengmin"


def test_a_task_over_a_list_the_start_data_lacks_is_refused_saying_which_list(session):
    from engine.errors import ScriptError
    from engine.workflow.models import ProcessInstance
    deploy(session, None, [("collect.bpmn", per_unit_process())], T0)
    with pytest.raises(ScriptError) as refused:
        start_cycle(session, None, "collect_all", "SCH", "2025-2026", T0, data={"topic": "年报素材"})
    assert "units" in refused.value.message
    assert session.scalars(select(ProcessInstance)).first() is None
