"""The task page is one engine read: what the holder, a fellow candidate and a stranger each see of a task."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.definitions.specs import form_registry
from engine.errors import NotAllowed
from engine.org.people import find_person
from engine.task_page import task_page
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

PERIOD = "2025-2026-1"


def _open_task(session, instance_id: int) -> HumanTask:
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
                           .order_by(HumanTask.id)).first()


def _complete(session, task: HumanTask, choices: dict[str, Any] | None = None) -> dict[str, Any]:
    form = form_registry(session).get(task.form_id)
    answers = sample_answers(form, {"decision": "approve", **(choices or {})})
    complete_task(session, task.assignee or task.candidates[0], task.id, answers, T0 + timedelta(hours=task.id),
                  uploads=sample_uploads(form))
    return answers


def _advance_to(session, instance_id: int, title: str) -> HumanTask:
    for _ in range(20):
        task = _open_task(session, instance_id)
        if task.title == title:
            return task
        _complete(session, task)
    raise AssertionError(f"“{title}” never came")


def test_the_course_lead_may_act_on_the_goal_task_without_claiming(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    task = _open_task(session, instance.id)
    page = task_page(session, find_person(session, "chenxiaoyu"), task.id, T0)
    assert (page.task.id, page.cycle.id) == (task.id, instance.id)
    assert page.may_act and not page.must_claim
    assert page.form is not None and page.answers is None  # a fresh form: its defaults apply
    assert page.previous is None and page.comments == [] and page.evidence == [] and page.notices == []
    assert page.timeline and page.due in ("ok", "soon")


def test_a_candidate_sees_they_must_claim_the_shared_task_first(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    task = _advance_to(session, instance.id, "实施教学并上传佐证")
    assert task.assignee_id is None
    page = task_page(session, find_person(session, "wangfang"), task.id, T0)
    assert page.may_act and page.must_claim
    assert page.previous is not None and page.previous.title == "组织教学团队与资源"


def test_a_stranger_may_not_see_the_task(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    task = _open_task(session, instance.id)
    with pytest.raises(NotAllowed):
        task_page(session, find_person(session, "wangfang"), task.id, T0)


def test_a_school_leader_sees_the_task_but_may_not_act_on_it(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    page = task_page(session, find_person(session, "liming"), _open_task(session, instance.id).id, T0)
    assert not page.may_act and not page.must_claim


def test_a_returned_task_shows_the_answers_it_is_asked_to_revise(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    goal = _open_task(session, instance.id)
    answers = _complete(session, goal)
    review = _open_task(session, instance.id)
    _complete(session, review, {"decision": "return"})
    again = _open_task(session, instance.id)
    assert again.title == goal.title and again.id != goal.id
    page = task_page(session, find_person(session, "chenxiaoyu"), again.id, T0 + timedelta(days=1))
    fields = {f.key for f in page.form.fields} & {key for key, value in answers.items() if value not in ("", None)}
    assert page.answers is not None and fields
    assert {key: page.answers[key] for key in fields} == {key: _given(answers[key]) for key in fields}
    assert page.previous is not None and page.previous.id == review.id


def _given(answer):  # type: ignore[no-untyped-def]
    """An answer as it is kept: a dynamic list's rows without their empty optional fields."""
    if isinstance(answer, list):
        return [{k: v for k, v in row.items() if v not in ("", None)} if isinstance(row, dict) else row
                for row in answer]
    return answer
