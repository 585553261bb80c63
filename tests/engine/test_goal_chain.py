"""The goal chain: a course goal supports its major's goal, both measured by indicators of the library; their
attainment rolls up; a goal measured by review counts once reviewed; an unattained goal carries into the next
cycle's goal; the goal form writes the chain and refuses a parent from outside it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.definitions.specs import form_registry
from engine.errors import InvalidInput
from engine.org.people import find_person
from engine.quality.goals import (
    GoalInput,
    goal_chain,
    goal_tree,
    previous_goals,
    review_goal,
    save_cycle_goal,
    subject_goals,
)
from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.values import ValueInput, record_values
from engine.task_page import task_page
from engine.workflow.cycles import find_subject, start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

YEAR, TERM = "2025-2026", "2025-2026-1"


def _library(session) -> None:  # type: ignore[no-untyped-def]
    office = find_person(session, "zhaohong")
    for code, level, role in (("G-HG", "course", "课程负责人"), ("G-PJ", "course", "课程负责人"),
                              ("G-SSX", "major", "专业带头人")):
        save_indicator(session, office, IndicatorFields(code=code, name=code, level=level, direction="higher", aim=95,
                                                        standard=90, warning=85, responsible_role=role), T0)
    session.commit()


def _value(session, code: str, subject: str, period: str, value: float) -> None:  # type: ignore[no-untyped-def]
    record_values(session, None, [ValueInput(code, subject, period, value, date(2025, 12, 1))], T0)
    session.commit()


def test_a_course_goal_supports_its_majors_goal_and_attainment_rolls_up(session):
    _library(session)
    major, course = find_subject(session, "MAJ-730701"), find_subject(session, "C-WDYY")
    top = save_cycle_goal(session, None, None, major, YEAR, GoalInput("电商专业建设达到省级示范", indicators=[("G-SSX", None)],
                                                                    origin_key="goal_text"), T0)
    mine = save_cycle_goal(session, None, None, course, TERM,
                           GoalInput("网店运营课程达标", parent=f"G{top.id}", indicators=[("G-HG", None), ("G-PJ", 92)],
                                     origin_key="goal_text"), T0)
    session.commit()
    _value(session, "G-HG", "C-WDYY", TERM, 91)   # 达标: counts
    _value(session, "G-PJ", "C-WDYY", TERM, 90)   # 达标 but below the goal's own target 92: does not
    _value(session, "G-SSX", "MAJ-730701", YEAR, 96)
    (root,) = [n for n in goal_tree(session, YEAR) if n.goal.id == top.id]
    (child,) = root.children
    assert (child.goal.id, child.attainment) == (mine.id, 0.5)
    assert root.own == 1.0 and root.attainment == pytest.approx(0.75)
    assert child.colour == "red" and root.colour == "yellow"


def test_the_dashboards_plain_goal_chain_rolls_up_as_the_tree_does(session):
    _library(session)
    major, course, other = (find_subject(session, c) for c in ("MAJ-730701", "C-WDYY", "C-PY"))
    top = save_cycle_goal(session, None, None, major, YEAR, GoalInput("专业目标", indicators=[("G-SSX", None)],
                                                                    origin_key="goal_text"), T0)
    save_cycle_goal(session, None, None, course, TERM, GoalInput("课程目标", parent=f"G{top.id}",
                    indicators=[("G-HG", None), ("G-PJ", 92)], origin_key="goal_text"), T0)
    reviewed = save_cycle_goal(session, None, None, other, TERM, GoalInput("修订课程标准", parent=f"G{top.id}"), T0)
    save_cycle_goal(session, None, None, other, TERM, GoalInput("无人评价的目标"), T0)
    session.commit()
    review_goal(session, find_person(session, "zhaohong"), reviewed.id, False, T0)
    _value(session, "G-HG", "C-WDYY", TERM, 80)
    _value(session, "G-HG", "C-WDYY", TERM, 91)   # the correction is the latest value: it counts
    _value(session, "G-PJ", "C-WDYY", TERM, 93)   # above the goal's own target
    _value(session, "G-SSX", "MAJ-730701", YEAR, 70)

    def flat(nodes, depth=0):  # type: ignore[no-untyped-def]
        for node in nodes:
            yield node.goal.id, depth, node.attainment
            yield from flat(node.children, depth + 1)
    chain = goal_chain(session, YEAR)
    assert len(chain) == 4
    assert sorted((r.goal_id, r.depth, r.attainment) for r in chain) == sorted(flat(goal_tree(session, YEAR)))
    (root,) = [r for r in chain if r.goal_id == top.id]
    assert root.attainment == pytest.approx((0 + 1 + 0) / 3)  # its own 0, the course 1 (latest values), review 0


def test_a_parent_from_outside_the_chain_is_refused(session):
    _library(session)
    course = find_subject(session, "C-WDYY")
    other = save_cycle_goal(session, None, None, find_subject(session, "C-PY"), TERM, GoalInput("同级目标"), T0)
    with pytest.raises(InvalidInput, match="不是专业在本学年的目标"):
        save_cycle_goal(session, None, None, course, TERM, GoalInput("x", parent=f"G{other.id}"), T0)


def test_a_goal_measured_by_review_counts_once_reviewed(session):
    course = find_subject(session, "C-WDYY")
    goal = save_cycle_goal(session, None, None, course, TERM, GoalInput("完成课程标准修订"), T0)
    assert subject_goals(session, course.id, TERM)[0].attainment is None
    review_goal(session, find_person(session, "zhaohong"), goal.id, True, T0)
    assert subject_goals(session, course.id, TERM)[0].attainment == 1.0


def _open(session, instance_id: int) -> HumanTask:  # type: ignore[no-untyped-def]
    return session.query(HumanTask).filter_by(instance_id=instance_id, status="open").one()


def test_the_goal_form_writes_the_chain_and_an_unattained_goal_carries_into_the_next_term(session):
    _library(session)
    major = find_subject(session, "MAJ-730701")
    top = save_cycle_goal(session, None, None, major, YEAR, GoalInput("电商专业建设", origin_key="goal_text"), T0)
    session.commit()
    first = start_cycle(session, None, "course_cycle", "C-WDYY", TERM, T0)
    task = _open(session, first.id)
    page = task_page(session, find_person(session, "chenxiaoyu"), task.id, T0)
    assert [ref for ref, _ in page.suggestions["goals"]] == [f"G{top.id}"]
    form = form_registry(session).get(task.form_id)
    lead = find_person(session, "chenxiaoyu")
    bad = {**sample_answers(form), "goal_major_link": "G99999"}
    with pytest.raises(InvalidInput) as refused:
        complete_task(session, lead, task.id, bad, T0 + timedelta(hours=1), uploads=sample_uploads(form))
    assert "goal_major_link" in refused.value.errors
    session.rollback()
    answers = {**sample_answers(form), "goal_major_link": f"G{top.id}",
               "goal_indicators": [{"indicator_code": "G-HG", "target_value": 93}]}
    complete_task(session, lead, task.id, answers, T0 + timedelta(hours=1), uploads=sample_uploads(form))
    (goal,) = subject_goals(session, first.subject_id, TERM)
    assert goal.goal.parent_id == top.id and [m.indicator.code for m in goal.goal.measures] == ["G-HG"]
    _value(session, "G-HG", "C-WDYY", TERM, 91)  # below the goal's 93: not attained

    second = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-2", T0 + timedelta(days=150))
    task = _open(session, second.id)
    complete_task(session, lead, task.id, {**sample_answers(form), "goal_major_link": ""},
                  T0 + timedelta(days=151), uploads=sample_uploads(form))
    (carried,) = subject_goals(session, second.subject_id, "2025-2026-2")
    assert carried.goal.carried_from_id == goal.goal.id
    assert [n.goal.id for n in previous_goals(session, second.subject_id, "2025-2026-2")] == [goal.goal.id]


def test_the_next_cycles_goal_task_shows_what_the_last_cycle_decided_to_improve(session):
    first = start_cycle(session, None, "course_cycle", "C-WDYY", TERM, T0)
    for day in range(1, 40):  # the whole first cycle, approving every review
        task = session.query(HumanTask).filter_by(instance_id=first.id, status="open").first()
        if task is None:
            break
        form = form_registry(session).get(task.form_id)
        complete_task(session, task.assignee or task.candidates[0], task.id,
                      sample_answers(form, {"decision": "approve"}), T0 + timedelta(days=day),
                      uploads=sample_uploads(form))
    second = start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-2", T0 + timedelta(days=150))
    page = task_page(session, find_person(session, "chenxiaoyu"), _open(session, second.id).id, T0)
    assert page.carried and {t.stage for t, _ in page.carried} == {"improve"}
    assert all(t.instance_id == first.id for t, _ in page.carried)
    first_page = task_page(session, find_person(session, "chenxiaoyu"),
                           session.query(HumanTask).filter_by(instance_id=first.id).first().id, T0)
    assert first_page.carried == []
