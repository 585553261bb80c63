"""考核: a term of late and timely work in two departments — the on-time rate is the 按时完成率 report's (a year sums
its terms), red notices of the negative list and warnings take points off, the quality office's weights move the
score, bad weights change nothing, and the workbook holds numbers."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.definitions.deploy import deploy
from engine.definitions.specs import form_registry
from engine.errors import InvalidInput, NotAllowed
from engine.org.people import find_person
from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.values import ValueInput, record_values
from engine.reporting.appraisal import Appraisal, AppraisalRow, appraise, period_codes
from engine.reporting.appraisal_sheet import SHEETS, appraisal_workbook
from engine.reporting.appraisal_weights import DEFAULTS, appraisal_weights, set_weights
from engine.reporting.models import AppraisalWeight
from engine.supervision.models import SupervisionNotice
from engine.supervision.reports import on_time_rates
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0
from tests.engine.test_deploy import process, props

YEAR, TERM = "2025-2026", "2025-2026-1"
DUE = datetime(2025, 10, 10, 23, 59, 59)  # five working days from T0, across National Day
NOW = datetime(2025, 10, 13, 9, 0)


def _complete_open(session, instance_id: int, at: datetime, **choices) -> None:  # type: ignore[no-untyped-def]
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
                           .order_by(HumanTask.id)).first()
    form = form_registry(session).get(task.form_id) if task.form_id else None
    answers = sample_answers(form, {"decision": "approve", **choices}) if form else {}
    complete_task(session, task.assignee or task.candidates[0], task.id, answers, at,
                  uploads=sample_uploads(form) if form else None)


@pytest.fixture
def story(session):  # type: ignore[no-untyped-def]
    """网店运营's term task is left overdue (red), its year task done late after a red notice; 基础会计 (same
    department) and Python (信息技术部) are done on time; 网店运营's pass rate is a red warning."""
    deploy(session, None, [("plan.bpmn", process(task_props=props(stage="design", due="P5D",
                                                                   dueCalendar="working")))], T0)
    wdyy_term = start_cycle(session, None, "my_review", "C-WDYY", TERM, T0)
    wdyy_year = start_cycle(session, None, "my_review", "C-WDYY", YEAR, T0)
    for code in ("C-JCKJ", "C-PY"):
        timely = start_cycle(session, None, "my_review", code, TERM, T0)
        _complete_open(session, timely.id, T0 + timedelta(days=2))  # 写计划, on time
        _complete_open(session, timely.id, T0 + timedelta(days=3))  # 审计划, on time
    run_tick(session, DUE + timedelta(seconds=1))  # both of 网店运营's tasks are overdue: red notices
    _complete_open(session, wdyy_year.id, datetime(2025, 10, 12, 10))  # late
    office = find_person(session, "zhaohong")
    save_indicator(session, office, IndicatorFields(
        code="K-HG", name="期末合格率", level="course", direction="higher", aim=96, standard=88, warning=80,
        measure_unit="%", responsible_role="课程负责人"), T0)
    record_values(session, office, [ValueInput("K-HG", "C-WDYY", TERM, 70, date(2025, 10, 13), "教务科")],
                  NOW - timedelta(hours=1))
    session.commit()
    assert session.scalar(select(func.count()).select_from(SupervisionNotice).where(
        SupervisionNotice.negative_list.is_(True), SupervisionNotice.instance_id.in_([wdyy_term.id, wdyy_year.id]))) == 2
    return session


def row(rows: list[AppraisalRow], key: str) -> AppraisalRow:
    (found,) = [r for r in rows if r.key == key]
    return found


def counts(rate) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    return rate.done, rate.on_time, rate.late, rate.overdue_open


def test_a_departments_on_time_rate_is_the_reports_and_a_year_sums_its_terms(story):
    term = appraise(story, TERM, NOW)
    for reported in on_time_rates(story, "department", NOW, TERM):
        assert counts(row(term.departments, reported.key).rate) == counts(reported)
    year = appraise(story, YEAR, NOW)
    summed: dict[str, list[int]] = {}
    for code in (YEAR, f"{YEAR}-1", f"{YEAR}-2"):
        for reported in on_time_rates(story, "department", NOW, code):
            found = summed.setdefault(reported.key, [0, 0, 0, 0])
            for i, n in enumerate(counts(reported)):
                found[i] += n
    for key, figures in summed.items():
        assert list(counts(row(year.departments, key).rate)) == figures
    trade = row(year.departments, "财经商贸部")
    assert counts(trade.rate) == (3, 2, 1, 1) and trade.rate.rate == 0.5  # a late one, an overdue one
    assert counts(row(term.departments, "财经商贸部").rate) == (2, 2, 0, 1)
    assert row(year.departments, "信息技术部").rate.rate == 1.0


def test_red_notices_and_warnings_are_counted_by_department_and_person(story):
    year, term = appraise(story, YEAR, NOW), appraise(story, TERM, NOW)
    trade = row(year.departments, "财经商贸部")
    assert (trade.red_notices, trade.warnings, trade.improvements, trade.improvements_closed) == (2, 1, 1, 0)
    assert row(term.departments, "财经商贸部").red_notices == 1  # the year's own cycle is not the term's
    assert row(year.departments, "信息技术部").red_notices == 0
    lead = row(year.people, "chenxiaoyu")  # 网店运营's course lead
    assert (lead.red_notices, lead.department, counts(lead.rate)) == (2, "财经商贸部", (1, 0, 1, 1))
    assert lead.score == 0.0  # nothing on time, and ten points off: floored at 0


def test_the_score_is_the_weighted_rates_less_the_points_of_each_item_and_weights_move_it(story):
    trade = row(appraise(story, YEAR, NOW).departments, "财经商贸部")
    # on time 0.5 × 40 and improvements 0 × 15 over the 55 points that apply; − 2 red × 5 − 1 warning × 2
    assert trade.score == round(100 * 0.5 * 40 / 55 - 10 - 2, 1) == 24.4
    assert row(appraise(story, YEAR, NOW).departments, "信息技术部").score == 100.0
    office = find_person(story, "zhaohong")
    set_weights(story, office, {"on_time": 60, "goals": 10, "plans": 10, "improvements": 20, "warning": 0,
                                "red_notice": 1}, NOW)
    again = appraise(story, YEAR, NOW)
    assert row(again.departments, "财经商贸部").score == 35.5  # 100 × 0.5 × 60 / 80 − 2 × 1
    assert again.weights.values["on_time"] == 60 and again.weights.updated_by == office.name
    event = story.scalars(select(AuditEvent).where(AuditEvent.action == "appraisal.weights_set")).one()
    assert event.actor_id == office.id and "按时完成率 40→60" in event.summary


@pytest.mark.parametrize("given,field,words", [
    ({"on_time": "abc"}, "on_time", "按时完成率"),
    ({"warning": -1}, "warning", "质量预警"),
    ({"red_notice": float("nan")}, "red_notice", "红色问责单"),
    ({"goals": 30}, "goals", "之和应为 100"),
    ({"on_time": True}, "on_time", "应为数字"),
    ({"bonus": 5}, "bonus", "没有“bonus”"),
])
def test_bad_weights_are_refused_naming_the_field_and_nothing_changes(story, given, field, words):
    with pytest.raises(InvalidInput) as refused:
        set_weights(story, find_person(story, "zhaohong"), given, NOW)
    assert words in refused.value.message and field in refused.value.errors
    story.rollback()
    assert appraisal_weights(story).values == DEFAULTS
    assert story.scalar(select(func.count()).select_from(AppraisalWeight)) == 0
    assert story.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "appraisal.weights_set")) == 0


def test_only_the_quality_office_sets_weights_and_only_leaders_read_the_appraisal(story):
    with pytest.raises(NotAllowed):
        set_weights(story, find_person(story, "wangjianguo"), {"warning": 3}, NOW)  # the principal reads only
    for username in ("chenxiaoyu", "huangwei"):
        with pytest.raises(NotAllowed):
            appraise(story, YEAR, NOW, find_person(story, username))
    assert appraise(story, YEAR, NOW, find_person(story, "wangjianguo")).departments


@pytest.mark.parametrize("period", ["2025-2027", "2025-2026-3", "2025", "", "abc"])
def test_a_period_is_a_school_year_or_one_of_its_terms(story, period):
    with pytest.raises(InvalidInput):
        appraise(story, period, NOW)


def test_a_year_counts_its_terms():
    assert period_codes(YEAR) == (YEAR, f"{YEAR}-1", f"{YEAR}-2") and period_codes(TERM) == (TERM,)


def test_the_workbook_has_its_three_sheets_and_numbers_not_text(story):
    found: Appraisal = appraise(story, YEAR, NOW)
    book = load_workbook(io.BytesIO(appraisal_workbook(found, "示例市职业技术学校")))
    assert book.sheetnames == list(SHEETS) == ["部门考核", "个人考核", "权重"]
    departments = {r[0]: r for r in book["部门考核"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in book["部门考核"][1]]
    trade = dict(zip(header, departments["财经商贸部"], strict=True))
    assert trade["按时完成率(%)"] == 50.0 and trade["红色问责单"] == 2 and trade["得分"] == 24.4
    assert isinstance(trade["质量预警"], int)
    people = {r[0]: r for r in book["个人考核"].iter_rows(min_row=2, values_only=True)}
    assert people["chenxiaoyu"][1] == "陈晓雨" and people["chenxiaoyu"][-1] == 0
    weights = {r[1]: r[2] for r in book["权重"].iter_rows(min_row=2, values_only=True)}
    assert weights == DEFAULTS


def test_goal_attainment_is_the_mean_of_the_departments_goals_and_the_owners(session):
    from engine.quality.goals import GoalInput, review_goal, save_cycle_goal
    from engine.workflow.cycles import find_subject
    office, lead = find_person(session, "zhaohong"), find_person(session, "chenxiaoyu")
    wdyy = find_subject(session, "C-WDYY")
    reached = save_cycle_goal(session, lead, None, wdyy, TERM, GoalInput("网店运营课程合格率达到 90%"), T0)
    missed = save_cycle_goal(session, lead, None, wdyy, YEAR, GoalInput("建成校级精品课程", origin_key="b"), T0)
    save_cycle_goal(session, lead, None, wdyy, "2024-2025", GoalInput("上一学年的目标", origin_key="c"), T0)
    session.commit()
    assert not appraise(session, YEAR, NOW).departments  # nothing reviewed yet: nothing to appraise
    review_goal(session, office, reached.id, True, NOW)
    review_goal(session, office, missed.id, False, NOW)
    session.commit()
    year, term = appraise(session, YEAR, NOW), appraise(session, TERM, NOW)
    trade = row(year.departments, "财经商贸部")
    assert (trade.goals, trade.goal_attainment) == (2, 0.5)
    assert row(term.departments, "财经商贸部").goals == 2  # a term counts its own and its year's goals
    assert row(year.people, "chenxiaoyu").goal_attainment == 0.5
    # goals are the only rate: the score is their attainment
    assert trade.score == 50.0


def test_plan_tasks_count_the_departments_shares_due_in_the_period_done_over_not_cancelled(org_session):
    from engine.calendar.school_year import period_info
    from engine.demo.school import seed_demo
    from engine.planning.plans.models import PlanAssignment
    from engine.workflow.cycle_admin import cancel_cycle
    from engine.workflow.models import ProcessInstance
    seed_demo(org_session, T0)
    session = org_session
    before = {r.key: (r.plans_done, r.plans) for r in appraise(session, YEAR, NOW).departments if r.plans}
    assert before and all(done == 0 for done, _ in before.values())  # the demo's plan has just begun
    shares = [a for a in session.scalars(select(PlanAssignment).order_by(PlanAssignment.id))
              if a.instance is not None and a.instance.status == "running" and a.unit.name in before
              and period_info(session, a.task.due_on).year == YEAR]  # due this school year
    first = shares[0]
    finished = next(a for a in shares if a.unit.name != first.unit.name)
    cancel_cycle(session, find_person(session, "zhaohong"), first.instance_id, "任务调整", NOW)
    for _ in range(12):  # every step of the other share's cycle, with sample answers
        if session.get(ProcessInstance, finished.instance_id).status != "running":
            break
        _complete_open(session, finished.instance_id, NOW, percent=100)
    assert session.get(ProcessInstance, finished.instance_id).status == "completed"
    after = {r.key: (r.plans_done, r.plans) for r in appraise(session, YEAR, NOW).departments if r.plans}
    assert after[first.unit.name][1] == before[first.unit.name][1] - 1  # a cancelled share is not counted
    assert after[finished.unit.name] == (1, before[finished.unit.name][1])
