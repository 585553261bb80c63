"""Validation before deploy on a corpus of files from the quality office's desk: broken ones are refused with
every problem at once (element id, name, line), and files made in Camunda Modeler run with their meaning."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.definitions.deploy import deploy, validate_files
from engine.definitions.models import ProcessDefinition
from engine.errors import InvalidProcess
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.tasks import complete_task
from tests.conftest import T0

CORPUS = Path(__file__).parent / "corpus"

# file → every (element id, words of the message) the validator must name, all in one answer
BROKEN = {
    "many_problems.bpmn": [
        ("", "bpmn:bogus"), ("T1", "火星探险队"), ("T1", "dream"), ("T1", "no_such_form"), ("T1", "soon"),
        ("T1", "lunar"), ("X1", "导入模块"), ("B1", "3 days"),
    ],
    "camunda_unsupported.bpmn": [
        ("T1", "${lead.getName()}"), ("T1", "监听器"), ("T1", "formData"), ("T2", "服务任务"),
        ("f4", "javascript"), ("f5", "execution"),
    ],
    "bad_timers.bpmn": [("T1", "next friday"), ("B1", "P3X"), ("B2", "every week"), ("B3", "2025-13-45")],
    "no_lane.bpmn": [("T2", "外星委员会")],  # T1 (no lane, no assignee) is only a warning
    "not_well_formed.bpmn": [("", "XML 格式错误")],
    "reserved_ids.bpmn": [("Start", "保留"), ("End", "保留")],
}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(ProcessDefinition))


@pytest.mark.parametrize("filename", sorted(BROKEN))
def test_a_broken_file_is_refused_with_every_problem_named_and_nothing_deployed(session, filename):
    before = _count(session)
    with pytest.raises(InvalidProcess) as info:
        deploy(session, None, [(filename, (CORPUS / filename).read_bytes())], T0)
    session.rollback()
    assert _count(session) == before
    problems = info.value.problems
    for element_id, words in BROKEN[filename]:
        assert any(p.element_id == element_id and words in p.message and p.line for p in problems), \
            f"{filename}: nothing about {element_id} {words!r} in {[str(p) for p in problems]}"
    assert all(p.file == filename for p in problems)


def test_a_task_without_a_deadline_is_a_warning_shown_beside_the_problems(session):
    report = validate_files(session, [("many_problems.bpmn", (CORPUS / "many_problems.bpmn").read_bytes())])
    assert any(w.element_id == "T2" and "期限" in w.message for w in report.warnings)
    assert not report.ok


def test_a_task_in_no_lane_and_with_no_assignee_is_a_warning_not_a_problem(session):
    report = validate_files(session, [("no_lane.bpmn", (CORPUS / "no_lane.bpmn").read_bytes())])
    assert any(w.element_id == "T1" and "质量办" in w.message for w in report.warnings)
    assert not any(p.element_id == "T1" for p in report.problems)


def test_the_validator_answers_ok_with_warnings_for_a_deployable_file(session):
    data = (CORPUS / "camunda7_review.bpmn").read_bytes()
    report = validate_files(session, [("camunda7_review.bpmn", data)])
    assert report.ok and report.problems == []


def _open(session, instance_id: int) -> HumanTask:
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.status == "open")).one()


def test_a_camunda_7_modeler_file_runs_with_its_meaning(session):
    deploy(session, None, [("camunda7_review.bpmn", (CORPUS / "camunda7_review.bpmn").read_bytes())], T0)
    instance = start_cycle(session, None, "camunda_review", "C-WDYY", "2025-2026-1", T0)
    propose = _open(session, instance.id)
    # candidateGroups=课程负责人 within 网店运营; formKey camunda-forms:bpmn:review; due P5D in working days,
    # counted across the National Day holiday (9-26 is a Friday; 9-28 and 10-11 are make-up working days)
    assert (propose.assignee.username, propose.form_id, propose.stage) == ("chenxiaoyu", "review", "design")
    assert propose.due_at.date() > datetime(2025, 10, 3).date()
    complete_task(session, propose.assignee, propose.id, {"decision": "approve", "comment": "方案"}, T0)
    check = _open(session, instance.id)
    assert check.assignee.username == "hanxue"                       # candidateGroups by role code tro_head
    assert check.due_at == datetime(2025, 10, 31, 17, 0)             # camunda:dueDate
    complete_task(session, check.assignee, check.id, {}, T0)
    # `${decision ne "approve"}` is JUEL for "not approved": the proposal was approved, so the cycle ends
    session.refresh(instance)
    assert instance.status == "completed"


def test_a_camunda_8_zeebe_file_runs_with_its_meaning(session):
    deploy(session, None, [("zeebe_review.bpmn", (CORPUS / "zeebe_review.bpmn").read_bytes())], T0)
    instance = start_cycle(session, None, "zeebe_review", "C-WDYY", "2025-2026-1", T0)
    record = _open(session, instance.id)
    assert {p.username for p in record.candidates} == {"zhouqiang", "wuping"}
    assert record.form_id == "review"
    complete_task(session, record.candidates[0], record.id, {"decision": "return", "comment": "需整改"}, T0)
    follow = _open(session, instance.id)                              # FEEL `= decision = "return"`
    assert (follow.title, follow.assignee.username) == ("跟进整改", "chenxiaoyu")
