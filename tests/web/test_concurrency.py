"""Two people completing the same task at once: the first wins, the second is told who did it."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.definitions.specs import form_registry
from engine.errors import Conflict
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.models import Evidence, HumanTask, ProcessInstance
from engine.workflow.sample import SAMPLE_PDF, sample_answers
from engine.workflow.tasks import complete_task
from web.extensions import db

T0 = datetime(2025, 9, 26, 10, 0)  # the clock of tests/conftest.py


def _with_pdf(answers):
    return {**answers, "impl_evidence": (io.BytesIO(SAMPLE_PDF), "教案.pdf", "application/pdf")}


def test_second_teacher_to_submit_is_told_who_completed_the_task(app, spiral, implement_task):
    assert set(implement_task.candidates) == {"chenxiaoyu", "wangfang"}
    lead, teacher = spiral.client_for("chenxiaoyu"), spiral.client_for("wangfang")
    for client in (lead, teacher):  # both have the page open
        assert client.get(f"/tasks/{implement_task.id}").status_code == 200
    answers = spiral.answers("course_implement")

    first = lead.post(f"/tasks/{implement_task.id}/complete", data=_with_pdf(answers),
                      content_type="multipart/form-data")
    second = teacher.post(f"/tasks/{implement_task.id}/complete", data=_with_pdf(answers),
                          content_type="multipart/form-data")

    assert first.status_code == 302
    assert second.status_code == 409
    assert "陈晓雨" in spiral.page(second).xpath('//div[@role="alert"]')[0].text_content()
    assert spiral.task(implement_task.id).completed_by == "chenxiaoyu"
    (next_task,) = spiral.tasks(implement_task.instance_id)
    assert next_task.title == "课程自我诊断"
    with app.app_context():
        assert db.session.get(ProcessInstance, implement_task.instance_id).status == "running"
        assert db.session.scalar(select(func.count(Evidence.id))
                                 .where(Evidence.task_id == implement_task.id)) == 1


def _goal_task(session) -> int:
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    return session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance.id)).one()


def _race(session, two_sessions, *, both_hold_the_cycle: bool) -> int:
    """陈晓雨 submits her goal task from two sessions; the second must be refused."""
    task_id = _goal_task(session)
    first, second = two_sessions
    answers = sample_answers(form_registry(session).get("course_goal"))
    for s in (first, second):  # both requests have read the open task (and maybe its cycle)
        task = s.get(HumanTask, task_id)
        assert task.status == "open"
        if both_hold_the_cycle:
            assert task.instance.state

    complete_task(first, find_person(first, "chenxiaoyu"), task_id, answers, T0)
    with pytest.raises(Conflict):
        complete_task(second, find_person(second, "chenxiaoyu"), task_id, answers, T0 + timedelta(seconds=1))
    return task_id


def _assert_consistent(session, task_id: int) -> None:
    session.expire_all()
    goal = session.get(HumanTask, task_id)
    assert (goal.status, goal.completed_at) == ("done", T0)
    open_tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == goal.instance_id,
                                                         HumanTask.status == "open")).all()
    assert [t.title for t in open_tasks] == ["审核课程建设目标"]
    completions = session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.task_id == task_id, AuditEvent.action == "task.completed"))
    assert completions == 1


def test_engine_refuses_a_second_completion_from_a_stale_task_page(session, two_sessions):
    task_id = _race(session, two_sessions, both_hold_the_cycle=False)

    _assert_consistent(session, task_id)


def test_engine_refuses_the_second_of_two_simultaneous_completions(session, two_sessions):
    task_id = _race(session, two_sessions, both_hold_the_cycle=True)

    _assert_consistent(session, task_id)
