"""A completion writes its audit events together before its commit, in the order they happened, and tells the page
who has the next steps from its own transaction (engine/workflow/tasks.py, engine/audit.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import engine.audit as audit
from engine.audit import AuditEvent
from engine.definitions.specs import form_registry
from engine.errors import Conflict
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.inbox import next_steps
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task, submit_task
from tests.conftest import T0


def _goal(session) -> tuple[HumanTask, object]:
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    goal = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    return goal, form_registry(session).get(goal.form_id)


def _actions(session, instance_id: int) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.id)))


def test_a_completions_events_are_written_in_the_order_they_happened(session):
    goal, form = _goal(session)
    before = _actions(session, goal.instance_id)
    uploads = sample_uploads(form)
    complete_task(session, find_person(session, "chenxiaoyu"), goal.id, sample_answers(form), T0, uploads=uploads)
    new = _actions(session, goal.instance_id)[len(before):]
    assert new == ["evidence.uploaded"] * len(uploads) + ["task.completed", "task.created"]
    audit.record(session, None, "test.after", T0, instance=goal.instance)  # written at once again after it
    assert _actions(session, goal.instance_id)[-1] == "test.after"


def test_a_completion_refused_midway_writes_no_event_and_leaves_nothing_held(session, two_sessions):
    goal, form = _goal(session)
    session.commit()
    first, second = two_sessions
    mine = first.get(HumanTask, goal.id)
    assert mine.instance.definition and mine.instance.subject  # held by the session, as a page would have read it
    second.get(ProcessInstance, goal.instance_id).incident = "另一个人先改了这个周期"
    second.commit()
    before = _actions(second, goal.instance_id)
    with pytest.raises(Conflict):  # the cycle moved on meanwhile: found when the step writes the cycle row
        complete_task(first, find_person(first, "chenxiaoyu"), goal.id, sample_answers(form), T0,
                      uploads=sample_uploads(form))
    assert _actions(second, goal.instance_id) == before
    audit.record(first, None, "test.after", T0, instance=mine.instance)  # written at once: nothing is held
    first.commit()
    assert _actions(second, goal.instance_id) == [*before, "test.after"]


def test_the_page_hears_the_next_steps_the_cycle_has_after_the_commit(session):
    goal, form = _goal(session)
    uploads = sample_uploads(form)
    submitted = submit_task(session, find_person(session, "chenxiaoyu"), goal.id, sample_answers(form), T0,
                            uploads=uploads)
    assert submitted.task.status == "done"
    assert submitted.next_steps == next_steps(session, goal.instance_id) and submitted.next_steps
