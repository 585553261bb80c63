"""Scheduled cycles: every course's cycle starts 10 working days after each term ends, once, however often
and whenever the tick runs; subjects already started are skipped."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from engine.assembly import session_factory
from engine.audit import AuditEvent
from engine.calendar.models import Term
from engine.calendar.years_admin import save_term
from engine.demo.calendar import COURSE_SCHEDULE, seed_years
from engine.errors import InvalidInput, NotAllowed
from engine.org.models import Person, Subject
from engine.planning.launching import _claim
from engine.planning.schedules import ScheduleFields, save_schedule, set_active
from engine.planning.year import MAX_WALKS, year_dry_run, year_plan
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import ProcessInstance

NOW = datetime(2025, 12, 1, 9, 0)
RUN_DAY = date(2026, 2, 6)  # term 1 ends Friday 23 January 2026; ten working days later


def course_cycles(session, period: str) -> int:
    return int(session.scalar(select(func.count()).select_from(ProcessInstance)
                              .where(ProcessInstance.period == period)) or 0)


def courses(session) -> int:
    return int(session.scalar(select(func.count()).select_from(Subject).where(Subject.level == "course")) or 0)


@pytest.fixture
def scheduled(session):
    seed_years(session, NOW)
    return save_schedule(session, None, COURSE_SCHEDULE, NOW)


def test_the_course_schedule_runs_ten_working_days_after_term_one_ends(scheduled):
    assert scheduled.next_run_at == datetime(2026, 2, 6, 0, 0)


def test_a_term_s_course_cycles_start_once_however_often_the_tick_runs(session, scheduled):
    assert run_tick(session, datetime(2026, 2, 5, 23, 59))["scheduled"] == 0
    assert course_cycles(session, "2025-2026-1") == 0
    first = run_tick(session, datetime(2026, 2, 6, 8, 0))
    assert first["scheduled"] == courses(session) == 12
    for again in (datetime(2026, 2, 6, 8, 1), datetime(2026, 2, 6, 17), datetime(2026, 2, 9, 8),
                  datetime(2026, 3, 1, 8), datetime(2026, 2, 6, 8, 0)):
        assert run_tick(session, again)["scheduled"] == 0
    assert course_cycles(session, "2025-2026-1") == 12
    session.refresh(scheduled)
    assert scheduled.last_period == "2025-2026-1"
    assert scheduled.next_run_at == datetime(2026, 7, 24, 0, 0)  # term 2 ends 10 July; ten working days on
    ran = session.scalars(select(AuditEvent).where(AuditEvent.action == "schedule.ran")).all()
    assert len(ran) == 1 and "启动 12" in ran[0].summary


def test_a_tick_after_downtime_launches_both_terms_once_each(session, scheduled):
    run_tick(session, datetime(2026, 8, 1, 8))
    assert course_cycles(session, "2025-2026-1") == 12 and course_cycles(session, "2025-2026-2") == 12
    run_tick(session, datetime(2026, 8, 2, 8))
    assert course_cycles(session, "2025-2026-2") == 12


def test_the_schedule_skips_subjects_already_started(session, scheduled):
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", datetime(2026, 1, 30, 9))
    assert run_tick(session, datetime(2026, 2, 6, 8))["scheduled"] == 11
    assert course_cycles(session, "2025-2026-1") == 12
    ran = session.scalars(select(AuditEvent).where(AuditEvent.action == "schedule.ran")).one()
    assert "跳过 1" in ran.summary


def test_two_ticks_that_race_for_a_run_claim_it_once(session, scheduled, spiral_engine):
    other = session_factory(session.get_bind(), spiral_engine)()
    stale = other.get(type(scheduled), scheduled.id)
    assert _claim(session, scheduled) == ("2025-2026-1", datetime(2026, 2, 6))
    assert _claim(other, stale) is None
    other.close()


def test_a_paused_schedule_does_not_run_and_resumes_from_today(session, scheduled):
    set_active(session, None, scheduled.id, False, NOW)
    assert scheduled.next_run_at is None
    assert run_tick(session, datetime(2026, 2, 6, 8))["scheduled"] == 0
    set_active(session, None, scheduled.id, True, datetime(2026, 3, 1, 9))
    assert scheduled.next_run_at == datetime(2026, 7, 24)  # term 1's day has passed


def test_moving_a_term_moves_the_schedule(session, scheduled):
    term = session.scalars(select(Term).where(Term.code == "2025-2026-1")).one()
    save_term(session, None, term.year_id, 1, term.starts_on, date(2026, 1, 16), NOW)
    session.refresh(scheduled)
    assert scheduled.next_run_at == datetime(2026, 1, 30)


def test_a_schedule_needs_a_deployed_process_with_a_level(session):
    with pytest.raises(InvalidInput) as missing:
        save_schedule(session, None, ScheduleFields("no_such_process", "after_term_end", 10), NOW)
    assert missing.value.errors["process_id"] == ["请选择一个已部署的流程"]
    with pytest.raises(InvalidInput) as no_level:
        save_schedule(session, None, ScheduleFields("improvement", "after_term_end", 10), NOW)
    assert "没有声明层面" in no_level.value.errors["process_id"][0]
    with pytest.raises(InvalidInput) as bad_day:
        save_schedule(session, None, ScheduleFields("school_cycle", "yearly", month_day="02-29"), NOW)
    assert "不是每年都有" in bad_day.value.errors["month_day"][0]
    student = session.scalars(select(Person).where(Person.username == "liuxin")).one()
    with pytest.raises(NotAllowed):
        save_schedule(session, student, COURSE_SCHEDULE, NOW)


def test_a_yearly_schedule_launches_the_academic_year_holding_its_day(session):
    seed_years(session, NOW)
    schedule = save_schedule(session, None, ScheduleFields("school_cycle", "yearly", month_day="07-01"), NOW)
    assert schedule.next_run_at == datetime(2026, 7, 1)
    run_tick(session, datetime(2026, 7, 1, 8))
    assert course_cycles(session, "2025-2026") == 1
    session.refresh(schedule)
    assert schedule.next_run_at == datetime(2027, 7, 1)


def test_the_year_view_shows_what_starts_and_when_its_first_tasks_fall_due(session, scheduled):
    plan = year_plan(session, None, "2025-2026", NOW)
    assert [(p.run.day, p.run.period, p.subjects) for p in plan.runs] == [
        (RUN_DAY, "2025-2026-1", 12), (date(2026, 7, 24), "2025-2026-2", 12)]
    assert plan.runs[0].first_task and plan.runs[0].first_due is not None
    assert plan.runs[0].first_due.date() > RUN_DAY
    assert course_cycles(session, "2025-2026-1") == 0  # nothing was started
    walks = year_dry_run(session, None, "2025-2026", NOW)
    assert [len(w.walks) for w in walks] == [3, 3] and walks[0].pages == 4
    assert all(step.due is not None for step in walks[0].walks[0].walk.steps[:1])
    page4 = year_dry_run(session, None, "2025-2026", NOW, page=4, per_page=3)
    assert sum(len(w.walks) for w in page4) <= MAX_WALKS
    plan_2027 = year_plan(session, None, "2026-2027", NOW)
    assert 2027 in plan_2027.unknown_years  # term 1 of 2026-2027 ends in January 2027: counted Monday–Friday
