"""Versions: the course process gets a review step as version 2; a readable diff says so; a running cycle
moves to it when that is safe (and the new step reaches the right person), and is refused with the reason
when the step it stands on was removed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

import processes
from engine.audit import AuditEvent
from engine.definitions.deploy import deploy, latest_definition
from engine.definitions.specs import form_registry
from engine.definitions.versions import diff_versions, get_version
from engine.errors import NotAllowed
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.migration import migrate_cycles, migration_blockers, versions
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

COURSE = processes.path("course").read_text(encoding="utf-8")
EXPERT = '''<bpmn:userTask id="Task_course_expert" name="专家评审课程标准">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="stage" value="standard"/><spiffworkflow:property name="due" value="P3D"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_course_06</bpmn:incoming><bpmn:outgoing>Flow_course_06b</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_course_06b" sourceRef="Task_course_expert" targetRef="Task_course_design"/>
    '''


def with_review_step() -> str:
    """course.bpmn with 专家评审课程标准 (教研室主任) between the standard and the teaching plan."""
    text = COURSE.replace('<bpmn:sequenceFlow id="Flow_course_06" sourceRef="Task_course_standard" '
                          'targetRef="Task_course_design"/>',
                          EXPERT + '<bpmn:sequenceFlow id="Flow_course_06" sourceRef="Task_course_standard" '
                          'targetRef="Task_course_expert"/>')
    text = text.replace("<bpmn:flowNodeRef>Task_course_goal_review</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>Task_course_goal_review</bpmn:flowNodeRef>"
                        "<bpmn:flowNodeRef>Task_course_expert</bpmn:flowNodeRef>")
    return text.replace('<bpmn:incoming>Flow_course_06</bpmn:incoming>\n      <bpmn:outgoing>Flow_course_07',
                        '<bpmn:incoming>Flow_course_06b</bpmn:incoming>\n      <bpmn:outgoing>Flow_course_07')


def without_goal_step() -> str:
    """A careless version 2: the goal step (where running cycles stand) is gone."""
    return COURSE.replace('targetRef="Task_course_goal"', 'targetRef="Task_course_goal_review"')\
        .replace('<bpmn:flowNodeRef>Task_course_goal</bpmn:flowNodeRef>', '')


def _strip_goal(text: str) -> str:
    start = text.index('<bpmn:userTask id="Task_course_goal" ')
    end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    text = text[:start] + text[end:]
    start = text.index('<bpmn:sequenceFlow id="Flow_course_02"')
    end = text.index("/>", start) + 2
    text = text[:start] + text[end:]
    start = text.index('<bpmndi:BPMNShape id="Task_course_goal_di"')
    end = text.index("</bpmndi:BPMNShape>", start) + len("</bpmndi:BPMNShape>")
    return text[:start] + text[end:]


def _open(session, instance_id):
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.status == "open")))


def _finish(session, task, at):
    form = form_registry(session).get(task.form_id) if task.form_id else None
    answers = sample_answers(form, {"decision": "approve"}) if form else {}
    complete_task(session, task.assignee or task.candidates[0], task.id, answers, at,
                  uploads=sample_uploads(form) if form else [])


def test_version_2_is_listed_with_a_readable_diff(session):
    sunli = find_person(session, "sunli")
    deploy(session, sunli, [("course.bpmn", with_review_step().encode())], T0, comment="增加专家评审")
    listed = versions(session, "course_cycle")
    assert [d.version for d, _ in listed] == [2, 1]
    assert listed[0][0].comment == "增加专家评审" and listed[0][0].deployed_by_id == sunli.id
    diff = diff_versions(get_version(session, "course_cycle", 1), get_version(session, "course_cycle", 2))
    assert [(a.element_id, a.name) for a in diff.added if a.kind == "用户任务"] == \
        [("Task_course_expert", "专家评审课程标准")]
    assert not diff.removed
    changed = {c.element_id: c.details for c in diff.changed}
    assert any("Task_course_expert" in d for d in changed["Flow_course_06"])


def test_a_running_cycle_moves_to_version_2_and_the_new_step_reaches_the_reviewer(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    [goal] = _open(session, instance.id)
    deploy(session, None, [("course.bpmn", with_review_step().encode())], T0)
    v2 = latest_definition(session, "course_cycle")
    assert migration_blockers(session, instance, v2) == []
    result = migrate_cycles(session, find_person(session, "zhaohong"), [instance.id], v2.id, T0)
    assert result.migrated == [instance.id] and not result.refused
    session.refresh(instance)
    assert instance.definition.version == 2
    [still] = _open(session, instance.id)
    assert (still.id, still.assignee.username) == (goal.id, "chenxiaoyu")  # the same task, still hers
    at = T0
    for _ in range(6):
        [task] = _open(session, instance.id)
        if task.title == "专家评审课程标准":
            break
        at += timedelta(hours=1)
        _finish(session, task, at)
    assert (task.title, task.assignee.username, task.stage) == ("专家评审课程标准", "hanxue", "standard")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "instance.migrated")).one()
    assert event.before["version"] == 1 and event.after["version"] == 2


def test_a_cycle_is_refused_with_the_reason_when_its_current_step_was_removed(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    deploy(session, None, [("course.bpmn", _strip_goal(without_goal_step()).encode())], T0)
    v2 = latest_definition(session, "course_cycle")
    result = migrate_cycles(session, None, [instance.id], v2.id, T0)
    assert result.migrated == []
    assert "制定课程建设目标" in result.refused[instance.id] and "删除" in result.refused[instance.id]
    session.refresh(instance)
    assert instance.definition.version == 1
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "instance.migration_refused")).one()


def test_only_the_quality_office_migrates(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    deploy(session, None, [("course.bpmn", with_review_step().encode())], T0)
    with pytest.raises(NotAllowed):
        migrate_cycles(session, find_person(session, "chenxiaoyu"), [instance.id],
                       latest_definition(session, "course_cycle").id, T0)
