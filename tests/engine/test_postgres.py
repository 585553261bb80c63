"""The same story on PostgreSQL, when one is available (`.ci/run` starts one and sets the URL)."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from engine.assembly import build_engine, session_factory
from engine.db.session import make_engine
from engine.definitions.specs import form_registry
from engine.demo.school import deploy_shipped, seed_org
from engine.org.people import find_person
from engine.parts import engine_of
from engine.tables import create_schema, drop_schema
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers
from engine.workflow.tasks import complete_task
from tests.conftest import T0

URL = os.environ.get("SPIRAL_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="PostgreSQL is not installed here (or set SPIRAL_TEST_POSTGRES_URL)")


@pytest.fixture
def pg_empty(upload_dir):
    db_engine = make_engine(URL)
    drop_schema(db_engine)
    create_schema(db_engine)
    session = session_factory(db_engine, build_engine(upload_dir=upload_dir))()
    yield session
    session.close()
    drop_schema(db_engine)
    db_engine.dispose()


@pytest.fixture
def pg_session(pg_empty):
    seed_org(pg_empty)
    deploy_shipped(pg_empty, T0)
    return pg_empty


def test_a_course_goal_reaches_its_reviewer_on_postgresql(pg_session):
    instance = start_cycle(pg_session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    goal = pg_session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    lead = find_person(pg_session, "chenxiaoyu")
    assert goal.assignee_id == lead.id
    form = form_registry(pg_session).get(goal.form_id)
    complete_task(pg_session, lead, goal.id, sample_answers(form), T0)
    review = pg_session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                        HumanTask.status == "open")).one()
    assert review.assignee.username == "hanxue"


def test_the_demo_school_with_its_ladder_and_notices_seeds_on_postgresql(pg_empty):
    from datetime import datetime

    from engine.demo.school import seed_demo
    from engine.supervision.notices import all_notices
    from engine.supervision.reports import on_time_rates
    from engine.tick import run_tick
    from tests.engine.test_on_time_rates import assert_recount_agrees, assert_same_as_counting_every_task
    now = datetime(2026, 11, 23, 10)
    seed_demo(pg_empty, now)
    statuses = {n.status for n in all_notices(pg_empty)}
    assert statuses == {"open", "escalated", "extended", "completed", "closed"}
    assert {n.colour for n in all_notices(pg_empty, "active")} == {"yellow", "orange", "red"}
    assert run_tick(pg_empty, now)["rungs"] == 0  # nothing fires twice
    assert on_time_rates(pg_empty, "department", now)
    assert_same_as_counting_every_task(pg_empty, now)
    assert_recount_agrees(pg_empty)


def test_on_time_rates_are_exact_on_postgresql(pg_session):
    from tests.engine.test_on_time_rates import test_figures_are_exact_for_every_kind_of_task_and_every_grouping
    test_figures_are_exact_for_every_kind_of_task_and_every_grouping(pg_session)


def test_many_late_tasks_and_two_tickers_fire_each_rung_once_on_postgresql(pg_session, monkeypatch):
    import threading

    from engine.calendar.closures import load_calendar
    from engine.supervision import climb as escalation
    from engine.supervision.climb import fire_due_rungs
    from engine.tick import run_tick
    from tests.engine.test_many_rungs import AFTER_ALL, HALFWAY, RUNGS, assert_each_rung_happened_once, start_late_tasks
    monkeypatch.setattr(escalation, "BATCH", 25)
    tasks = start_late_tasks(pg_session)
    halfway = run_tick(pg_session, HALFWAY)["rungs"]
    pg_session.commit()
    factory = session_factory(pg_session.get_bind(), engine_of(pg_session))
    barrier = threading.Barrier(2)
    fired: list[int] = []

    def tick() -> None:
        with factory() as own:
            barrier.wait()
            fired.append(fire_due_rungs(own, AFTER_ALL, load_calendar(own)))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(fired) == sum(len(RUNGS[t.ladder]) for t in tasks) - halfway
    assert_each_rung_happened_once(pg_session, tasks)


def test_two_first_saves_of_notification_settings_at_once_both_succeed_on_postgresql(pg_session):
    from tests.engine.test_notifications import two_first_saves_at_once
    two_first_saves_at_once(pg_session)


def test_a_draft_saved_twice_is_one_draft_on_postgresql(pg_session):
    from datetime import timedelta

    from engine.workflow.drafts import save_task_draft, task_draft
    instance = start_cycle(pg_session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    goal = pg_session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    lead = find_person(pg_session, "chenxiaoyu")
    save_task_draft(pg_session, lead, goal.id, {"goal_text": "第一稿"}, T0)
    save_task_draft(pg_session, lead, goal.id, {"goal_text": "第二稿"}, T0 + timedelta(minutes=1))
    pg_session.expire_all()
    assert task_draft(pg_session, lead, goal).data == {"goal_text": "第二稿"}
