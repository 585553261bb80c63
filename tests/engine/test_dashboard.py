"""The 驾驶舱's figures on the demo school: each equals the list it drills into (the cycle list, the 按时完成率
report, the 督办 list, the warning centre, a department's late tasks), they are at most a minute old, and only
leaders and the quality office read them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import NotAllowed
from engine.org.people import find_person
from engine.quality.centre import warning_list
from engine.reporting import dashboard as board
from engine.reporting.portrait import portrait
from engine.supervision.notices import NoticeFilter, count_notices
from engine.supervision.reports import on_time_rates
from engine.workflow.cycle_admin import CycleFilter, visible_cycles
from engine.workflow.models import HumanTask
from tests.conftest import T0


@pytest.fixture
def demo(org_session):
    """The demo school seeded at T0 (cycles in flight, notices, a warning, a plan)."""
    from engine.demo.school import seed_demo
    seed_demo(org_session, T0)
    board.forget()
    return org_session


NOW = T0


def test_principal_sees_cycles_by_level_and_stage_as_the_cycle_list_counts_them(demo):
    principal = find_person(demo, "wangjianguo")
    stages = board.cycles_by_stage(demo, principal, NOW)
    assert stages, "the demo has cycles in flight"
    assert {s.level for s in stages} >= {"course", "major", "teacher"}
    for s in stages:
        listed = visible_cycles(demo, principal, CycleFilter(level=s.level, stage=s.stage, status="running"), NOW)
        assert listed.total == s.count, (s.level, s.stage)
    # labels are the process's own words, from its stage vocabulary
    assert any(s.label == "目标" for s in stages if s.stage == "goal")


def test_on_time_rate_by_department_is_the_report_and_its_late_tasks_add_up(demo):
    office = find_person(demo, "zhaohong")
    rows = board.on_time_by_department(demo, office, NOW)
    assert [(r.key, r.done, r.on_time, r.overdue_open) for r in rows] == \
        [(r.key, r.done, r.on_time, r.overdue_open) for r in on_time_rates(demo, "department", NOW)]
    behind = [r for r in rows if r.late or r.overdue_open]
    assert behind, "the demo has late work"
    for row in behind:
        overdue, late = board.late_tasks(demo, office, row.key, NOW)
        assert (len(overdue), len(late)) == (row.overdue_open, row.late), row.key
        assert all(t.status == "open" and t.due_at < NOW for t in overdue)


def test_the_monthly_trend_counts_what_falls_due_and_its_months_list_the_same_tasks(demo):
    office = find_person(demo, "zhaohong")
    trend = board.on_time_trend(demo, office, NOW)
    assert len(trend) == 12 and trend[-1].month == f"{NOW:%Y-%m}"
    months = [m for m in trend if m.rate.done or m.rate.overdue_open]
    assert months
    school = on_time_rates(demo, "period", NOW)
    assert sum(m.rate.overdue_open for m in trend) == sum(r.overdue_open for r in school)
    for m in months:
        overdue, late = board.late_tasks(demo, office, "", NOW, month=m.month)
        assert (len(overdue), len(late)) == (m.rate.overdue_open, m.rate.late), m.month


def test_open_notices_by_colour_match_the_supervision_list(demo):
    principal = find_person(demo, "wangjianguo")
    counts = board.open_notices(demo, principal)
    assert sum(counts.values()) > 0
    for colour, count in counts.items():
        assert count == count_notices(demo, principal, NoticeFilter(colour=colour), NOW)


def test_warnings_by_indicator_match_the_warning_centre_filtered_the_same_way(demo):
    office = find_person(demo, "zhaohong")
    warnings = board.warnings_by_indicator(demo, office)
    assert warnings, "网店运营's 82 % pass rate is a warning"
    for w in warnings:
        assert w.count == len(warning_list(demo, NOW, indicator=w.indicator, status=w.status))
    for level in {w.level for w in warnings}:
        for status in ("warning", "fail"):
            assert sum(w.count for w in warnings if w.level == level and w.status == status) == \
                len(warning_list(demo, NOW, level=level, status=status))


def test_plan_progress_and_goals_come_from_their_own_pages_rules(demo):
    from engine.planning.plans.progress import overview, plans
    office = find_person(demo, "zhaohong")
    figures = board.plan_figures(demo, office, NOW)
    assert figures
    for plan, figure in zip(plans(demo, office), figures, strict=True):
        counts = overview(demo, office, plan.id, NOW).tasks
        assert (figure.total, figure.done, figure.late) == (counts.total, counts.done, counts.late)
    goals = board.goal_figures(demo, office, "2025-2026")
    assert all(g.depth >= 0 and g.colour in ("green", "yellow", "red", "grey") for g in goals)


def test_the_dashboard_is_at_most_a_minute_old(demo):
    office = find_person(demo, "zhaohong")
    first = board.dashboard(demo, office, NOW)
    task = demo.query(HumanTask).filter(HumanTask.status == "open", HumanTask.due_at < NOW).first()
    task.due_at = NOW + timedelta(days=5)  # extended behind the dashboard's back
    demo.commit()
    assert board.dashboard(demo, office, NOW + timedelta(seconds=30)) is first  # kept
    later = board.dashboard(demo, office, NOW + timedelta(seconds=61))
    assert later is not first
    assert sum(r.overdue_open for r in later.departments) == sum(r.overdue_open for r in first.departments) - 1


def test_leaders_and_the_quality_office_read_the_whole_school_and_others_are_refused(demo):
    for username in ("wangjianguo", "liming", "zhaohong", "sunli", "admin"):  # 校长, 分管教学副校长, 质量办, admin
        person = find_person(demo, username)
        assert board.sees_dashboard(demo, person), username
        assert board.dashboard(demo, person, NOW).departments
    for username in ("huangwei", "hanxue", "chenxiaoyu", "liuxin"):  # unit heads, a teacher, a student
        person = find_person(demo, username)
        assert not board.sees_dashboard(demo, person), username
        with pytest.raises(NotAllowed):
            board.dashboard(demo, person, NOW)
        with pytest.raises(NotAllowed):
            board.late_tasks(demo, person, "教务科", NOW)


def test_a_course_portrait_holds_its_cycles_values_and_improvement(demo):
    office = find_person(demo, "zhaohong")
    found = portrait(demo, office, "C-WDYY", NOW)
    assert found.name == "网店运营" and found.level == "course"
    assert any(c.process == "课程诊改螺旋" for c in found.cycles)
    rate = next(s for s in found.series if s.code == "K-HGL")
    assert [p.value for p in rate.points] == [82.0] and rate.points[0].status == "fail"
    assert [i.indicator for i in found.improvements] == ["K-HGL"]


def test_a_teacher_reads_their_own_portrait_but_not_a_colleagues(demo):
    chen = find_person(demo, "chenxiaoyu")
    assert portrait(demo, chen, "T-chenxiaoyu", NOW).name
    with pytest.raises(NotAllowed):
        portrait(demo, chen, "T-lijun", NOW)
    assert portrait(demo, chen, "C-WDYY", NOW).cycles  # 网店运营's 课程负责人
    with pytest.raises(NotAllowed):
        portrait(demo, chen, "C-PY", NOW)
    head = find_person(demo, "hanxue")  # 电子商务教研室主任: the courses of her 教研室
    assert portrait(demo, head, "C-WDYY", NOW).cycles


def test_an_ended_month_of_the_trend_moves_when_its_late_task_is_done(demo):
    office = find_person(demo, "zhaohong")
    month_start = NOW.replace(day=1, hour=0, minute=0)
    task = demo.query(HumanTask).filter(HumanTask.status == "open", HumanTask.due_at < month_start) \
        .order_by(HumanTask.due_at).first()
    if task is None:  # every overdue task of the demo falls due this month: make one due last month
        task = demo.query(HumanTask).filter(HumanTask.status == "open", HumanTask.due_at < NOW).first()
        task.due_at = month_start - timedelta(days=3)
        demo.commit()
    month = f"{task.due_at:%Y-%m}"
    before = {m.month: m.rate for m in board.on_time_trend(demo, office, NOW)}[month]
    task.status, task.completed_at = "done", NOW + timedelta(minutes=2)  # done, late, after the count
    demo.commit()
    after = {m.month: m.rate for m in board.on_time_trend(demo, office, NOW + timedelta(minutes=3))}[month]
    assert (after.done, after.late, after.overdue_open) == (before.done + 1, before.late + 1, before.overdue_open - 1)
    assert after.on_time == before.on_time


def test_a_task_due_later_this_month_and_done_early_counts_on_time_in_this_month(demo):
    office = find_person(demo, "zhaohong")
    month = f"{NOW:%Y-%m}"
    before = {m.month: m.rate for m in board.on_time_trend(demo, office, NOW)}[month]
    task = demo.query(HumanTask).filter(HumanTask.status == "open").order_by(HumanTask.id).first()
    task.due_at = NOW + timedelta(days=2)  # still this month (the demo's NOW is the 26th)
    task.status, task.completed_at = "done", NOW + timedelta(minutes=1)
    demo.commit()
    assert f"{task.due_at:%Y-%m}" == month
    after = {m.month: m.rate for m in board.on_time_trend(demo, office, NOW + timedelta(minutes=2))}[month]
    assert (after.done, after.on_time, after.late) == (before.done + 1, before.on_time + 1, before.late)


def test_the_trend_reads_the_months_the_tick_kept_and_moves_them_by_later_completions(demo):
    from sqlalchemy import update

    from engine.reporting.models import TaskMonthCount
    from engine.reporting.months import SETTLE, refresh_month_counts
    office = find_person(demo, "zhaohong")
    counted = board.on_time_trend(demo, office, NOW)
    board.forget()
    later = NOW + timedelta(minutes=10)
    assert refresh_month_counts(demo, later, force=True)
    assert not refresh_month_counts(demo, later + timedelta(minutes=30)), "kept for an hour"
    kept = demo.query(TaskMonthCount).all()
    assert kept and {k.counted_at for k in kept} == {later - SETTLE}
    assert [m.rate for m in board.on_time_trend(demo, office, later)][:-1] == [m.rate for m in counted][:-1]
    # the page reads the kept rows, not the tasks: a kept count changed by hand shows
    month = next(m.month for m in counted if m.rate.done and m.month != f"{NOW:%Y-%m}")
    demo.execute(update(TaskMonthCount).where(TaskMonthCount.month == month).values(done=TaskMonthCount.done + 100))
    board.forget()
    shown = {m.month: m.rate for m in board.on_time_trend(demo, office, later)}
    assert shown[month].done == {m.month: m.rate for m in counted}[month].done + 100
    # travelling back before the count: the kept rows (counted later) are not used
    board.forget()
    assert [m.rate.done for m in board.on_time_trend(demo, office, NOW)] == [m.rate.done for m in counted]
    # a task due in an ended month and completed after the count is moved in (late)
    board.forget()
    shown = {m.month: m.rate for m in board.on_time_trend(demo, office, later)}
    task = next(t for t in demo.query(HumanTask).filter(HumanTask.status == "done", HumanTask.due_at.is_not(None),
                                                        HumanTask.completed_at < later - SETTLE)
                if f"{t.due_at:%Y-%m}" in shown and f"{t.due_at:%Y-%m}" != f"{later:%Y-%m}")
    before = shown[f"{task.due_at:%Y-%m}"]
    task.completed_at = later  # as if done only now
    demo.flush()
    board.forget()
    after = {m.month: m.rate for m in board.on_time_trend(demo, office, later + timedelta(minutes=1))}
    assert after[f"{task.due_at:%Y-%m}"].done == before.done + 1
