"""Bulk launch of chosen subjects: only the ticked codes start, and a code outside the level or scope is refused
before anything starts."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidInput
from engine.org.models import Subject
from engine.workflow.launch import bulk_launch, launch_one, launch_plan
from engine.workflow.models import ProcessInstance
from tests.conftest import T0

PERIOD = "2025-2026-1"


def code_of(session, name: str) -> str:
    return session.scalars(select(Subject.code).where(Subject.name == name)).one()


def test_only_the_chosen_courses_of_a_department_are_started(session):
    chosen = [code_of(session, "基础会计"), code_of(session, "网店运营")]
    plan = launch_plan(session, None, "course_cycle", PERIOD, within="B-CJ", chosen=chosen)
    assert sorted(s.code for s, _running in plan) == sorted(chosen)
    result = bulk_launch(session, None, "course_cycle", PERIOD, T0, within="B-CJ", chosen=chosen)
    assert sorted(name for name, _id in result.started) == ["基础会计", "网店运营"]
    assert session.scalar(select(func.count(ProcessInstance.id))) == 2


def test_a_course_of_another_department_is_refused_and_nothing_starts(session):
    other = code_of(session, "机械制图")
    with pytest.raises(InvalidInput) as refused:
        bulk_launch(session, None, "course_cycle", PERIOD, T0, within="B-CJ",
                    chosen=[code_of(session, "基础会计"), other])
    assert f"{other}不是所选范围内的对象，不能在这里启动" in refused.value.message
    assert session.scalar(select(func.count(ProcessInstance.id))) == 0


def test_a_subject_of_another_level_is_refused(session):
    major = session.scalars(select(Subject.code).where(Subject.level == "major")).first()
    with pytest.raises(InvalidInput) as refused:
        launch_plan(session, None, "course_cycle", PERIOD, chosen=[major])
    assert f"{major}不是“" in refused.value.message and "层面的对象" in refused.value.message


def test_an_empty_choice_is_refused_and_one_step_outside_the_scope_too(session):
    with pytest.raises(InvalidInput, match="请至少勾选一个"):
        bulk_launch(session, None, "course_cycle", PERIOD, T0, chosen=[])
    with pytest.raises(InvalidInput, match="不是所选范围内的对象"):
        launch_one(session, None, "course_cycle", code_of(session, "机械制图"), PERIOD, T0, within="B-CJ")
    assert session.scalar(select(func.count(ProcessInstance.id))) == 0
