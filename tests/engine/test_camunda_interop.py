"""Camunda Modeler files run with the meaning Camunda gives them: `camunda:dueDate` may be a duration counted
from the task's creation, and a user task with no lane and no assignee deploys (with a warning) and reaches the
quality office as unroutable, where Camunda would leave it unassigned."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.audit import AuditEvent
from engine.definitions.deploy import deploy, validate_files
from engine.workflow.cycles import start_cycle
from engine.workflow.dryrun import dry_run
from engine.workflow.models import HumanTask
from tests.conftest import T0

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
         '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
         'xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" '
         'targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.28.0">\n')


def _file(process_id: str, task: str) -> bytes:
    """A one-task course-level process as Camunda Modeler writes it."""
    return (_HEAD + f"""  <bpmn:process id="{process_id}" name="{process_id}" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="level" value="course" />
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    {task}
    <bpmn:endEvent id="End_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>
""").encode("utf-8")


def _user_task(attrs: str = "", extensions: str = "") -> str:
    return (f'<bpmn:userTask id="Task_1" name="提交整改报告" {attrs}><bpmn:extensionElements>{extensions}'
            '</bpmn:extensionElements><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>'
            '</bpmn:userTask>')


def _deploy_and_open(session, process_id: str, data: bytes) -> HumanTask:
    deploy(session, None, [(f"{process_id}.bpmn", data)], T0)
    instance = start_cycle(session, None, process_id, "C-WDYY", "2025-2026-1", T0)
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.status == "open")).one()


def test_a_camunda_due_date_duration_falls_due_that_long_after_the_task_is_created(session):
    data = _file("c7_due_duration", _user_task('camunda:candidateGroups="课程负责人" camunda:dueDate="P7D"'))
    report = validate_files(session, [("c7_due_duration.bpmn", data)])
    assert report.ok, [str(p) for p in report.problems]
    assert not any("期限" in w.message for w in report.warnings)     # a duration is a deadline
    task = _deploy_and_open(session, "c7_due_duration", data)
    assert task.due_at == datetime(2025, 10, 3, 10, 0)               # T0 + 7 calendar days
    assert not task.working_days


def test_a_camunda_due_date_duration_counts_working_days_when_the_task_asks_for_them(session):
    working = '<camunda:properties><camunda:property name="dueCalendar" value="working" /></camunda:properties>'
    data = _file("c7_due_working", _user_task('camunda:candidateGroups="课程负责人" camunda:dueDate="P7D"', working))
    task = _deploy_and_open(session, "c7_due_working", data)
    # from Friday 9-26: 9-28 (make-up Sunday), 9-29, 9-30, then the National Day holiday, then 10-9, 10-10,
    # 10-11 (make-up Saturday) and 10-13; a working-day deadline ends at the close of the day
    assert task.due_at == datetime(2025, 10, 13, 23, 59, 59)
    assert task.working_days


def test_a_zeebe_task_schedule_due_date_duration_is_counted_the_same_way(session):
    zeebe = '<zeebe:assignmentDefinition candidateGroups="课程负责人" /><zeebe:taskSchedule dueDate="PT36H" />'
    task = _deploy_and_open(session, "c8_due_duration", _file("c8_due_duration", _user_task("", zeebe)))
    assert task.due_at == datetime(2025, 9, 27, 22, 0)


def test_a_due_date_that_is_neither_a_date_nor_a_duration_is_still_refused(session):
    data = _file("c7_due_bad", _user_task('camunda:candidateGroups="课程负责人" camunda:dueDate="next friday"'))
    report = validate_files(session, [("c7_due_bad.bpmn", data)])
    # the reason names both forms Camunda accepts
    assert any(p.element_id == "Task_1" and "next friday" in p.message and "日期" in p.message
               and "时长" in p.message for p in report.problems)


def test_a_dry_run_shows_a_due_date_duration_and_a_lane_less_task_going_to_the_quality_office(session):
    data = _file("c7_dry", _user_task('camunda:dueDate="P7D"'))
    deploy(session, None, [("c7_dry.bpmn", data)], T0)
    walk = dry_run(session, None, "c7_dry", "C-WDYY", "2025-2026-1", {}, T0)
    assert not walk.error and walk.finished
    step = walk.steps[0]
    assert step.due == datetime(2025, 10, 3, 10, 0)
    assert step.unroutable == "该任务未指定泳道或办理人"
    assert set(step.candidates) == {"孙丽", "赵红"}


def test_a_task_without_lane_or_assignee_deploys_with_a_warning_and_goes_to_the_quality_office(session):
    due = '<camunda:properties><camunda:property name="due" value="P7D" /></camunda:properties>'
    data = _file("c7_no_lane", _user_task("", due))
    report = validate_files(session, [("c7_no_lane.bpmn", data)])
    assert report.ok, [str(p) for p in report.problems]
    assert any(w.element_id == "Task_1" and "泳道" in w.message for w in report.warnings)
    task = _deploy_and_open(session, "c7_no_lane", data)
    assert task.unroutable and task.assignee_id is None
    assert {p.username for p in task.candidates} == {"sunli", "zhaohong"}
    created = session.scalars(select(AuditEvent).where(AuditEvent.task_id == task.id,
                                                       AuditEvent.action == "task.created")).one()
    assert "该任务未指定泳道或办理人" in created.summary
