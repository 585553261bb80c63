"""Every duration and date the quality office types is bounded: a slip of the keyboard is refused with a
sentence when it is saved, and nothing saved earlier can stop a task from being created."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.calendar.closures import add_closure
from engine.calendar.deadlines import parse_duration
from engine.errors import InvalidInput
from engine.org.people import find_person
from engine.supervision.ladders import SHIPPED_LADDERS, save_ladder
from engine.supervision.models import Ladder
from engine.supervision.notices import all_notices, extend, set_follow_up
from engine.tick import run_tick
from tests.conftest import T0
from tests.engine.test_deploy import process, props, refused
from tests.engine.test_ladder import start_plan
from tests.engine.test_timers import boundary


@pytest.mark.parametrize("text", ["P99999999D", "P3651D", "P600W", "PT99999999H", "P1" + "0" * 60 + "D"])
def test_a_duration_longer_than_ten_years_is_refused_with_a_sentence(text):
    with pytest.raises(ValueError, match="过长|无法识别"):
        parse_duration(text)


def test_ten_years_is_the_longest_duration():
    assert parse_duration("P3650D") == timedelta(days=3650)


def rungs_with(offset: str) -> list[dict]:
    rungs = [dict(r) for r in SHIPPED_LADDERS[0]["rungs"]]
    rungs[-1]["after_due"] = offset
    return rungs


def test_a_ladder_offset_of_99999999_days_is_refused_when_the_ladder_is_saved(session):
    office = find_person(session, "sunli")
    with pytest.raises(InvalidInput) as info:
        save_ladder(session, office, "default", "三色督办", "", rungs_with("P99999999D"), T0)
    assert any("过长" in m for m in info.value.errors["rung4"])


def test_a_huge_offset_saved_before_the_bound_does_not_stop_task_creation(session):
    ladder = session.scalars(select(Ladder).where(Ladder.name == "default")).one()
    ladder.rungs = rungs_with("P99999999D")
    session.commit()
    task = start_plan(session)
    assert task.status == "open" and task.next_rung_at is not None
    run_tick(session, T0 + timedelta(days=30))


@pytest.mark.parametrize("timer,kind", [("P99999999D", "timeDuration"), ("P99999Y", "timeDuration"),
                                        ("R/P99999999Y", "timeCycle"), ("R3/P1D/9999-01-01T00:00", "timeCycle"),
                                        ("9999-12-31T23:59", "timeDate")])
def test_a_timer_beyond_ten_years_is_refused_at_deploy(session, timer, kind):
    problems = refused(session, process(extra=boundary(timer, interrupting=True, kind=kind)))
    assert any("过长" in p.message or "年之间" in p.message for p in problems), problems


def test_a_due_of_ten_thousand_days_is_refused_at_deploy(session):
    problems = refused(session, process(task_props=props(stage="design", due="P10000D")))
    assert any("过长" in p.message for p in problems)


def test_a_closure_in_the_year_9999_is_refused(session):
    with pytest.raises(InvalidInput) as info:
        add_closure(session, None, date(9999, 12, 30), date(9999, 12, 31), "笔误", T0)
    assert "first" in info.value.errors


def test_an_extension_goes_at_most_a_year_past_today(session):
    task = start_plan(session)
    late = T0 + timedelta(days=30)
    run_tick(session, late)
    notice = next(n for n in all_notices(session, "active") if n.task_id == task.id)
    with pytest.raises(InvalidInput) as info:
        extend(session, notice.supervisor, notice.id, date(9999, 12, 31), "等待", late)
    assert "一年" in info.value.errors["due"][0]


def test_a_follow_up_goes_at_most_a_year_ahead(session):
    task = start_plan(session)
    with pytest.raises(InvalidInput, match="一年"):
        set_follow_up(session, task.assignee, task.id, T0 + timedelta(days=400), T0)
