"""Who sees which cycles: a teacher the ones they take part in, a school leader every one, a page at a time,
decided in SQL in a few statements however many cycles the school runs."""
from __future__ import annotations

from sqlalchemy import event, select

from engine.definitions.deploy import latest_definitions
from engine.org.people import find_person
from engine.workflow.cycle_admin import CycleFilter, visible_cycles
from engine.workflow.launch import bulk_launch
from engine.workflow.models import HumanTask, ProcessInstance
from tests.conftest import T0

PERIOD = "2025-2026-1"


def _launch_every_process(session) -> None:
    for definition in latest_definitions(session):
        if definition.level:  # processes without a level (the improvement sheet) are never started in bulk
            bulk_launch(session, None, definition.process_id, PERIOD, T0)


def _involved(session, person) -> set[int]:
    """The cycles `person` takes part in, worked out row by row (the rule the SQL must match)."""
    found = set()
    for instance in session.scalars(select(ProcessInstance)):
        tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))
        if instance.subject.person_id == person.id or any(
                person.id in (t.assignee_id, t.completed_by_id) or person in t.candidates for t in tasks):
            found.add(instance.id)
    return found


def _count_statements(session):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_teacher_sees_exactly_the_cycles_they_take_part_in(session):
    _launch_every_process(session)
    teacher = find_person(session, "chenxiaoyu")
    page = visible_cycles(session, teacher, CycleFilter(), T0, page=1, per_page=1000)
    expected = _involved(session, teacher)
    assert expected and {i.id for i in page.items} == expected and page.total == len(expected)
    total = session.query(ProcessInstance).count()
    assert page.total < total


def test_a_school_leader_sees_every_cycle_newest_first(session):
    _launch_every_process(session)
    page = visible_cycles(session, find_person(session, "liming"), CycleFilter(), T0, page=1, per_page=1000)
    ids = [i.id for i in page.items]
    assert ids == sorted(session.scalars(select(ProcessInstance.id)), reverse=True)
    assert page.total == len(ids) and page.pages == 1


def test_the_list_comes_a_page_at_a_time_and_keeps_its_filters(session):
    _launch_every_process(session)
    leader = find_person(session, "liming")
    courses = visible_cycles(session, leader, CycleFilter(level="course"), T0, page=1, per_page=1000).total
    first = visible_cycles(session, leader, CycleFilter(level="course"), T0, page=1, per_page=3)
    last = visible_cycles(session, leader, CycleFilter(level="course"), T0, page=99, per_page=3)
    assert first.total == courses and first.pages == -(-courses // 3) and len(first.items) == 3
    assert last.page == first.pages and 0 < len(last.items) <= 3  # past the end: the last page
    assert all(i.subject.level == "course" for i in first.items + last.items)
    assert not {i.id for i in first.items} & {i.id for i in last.items}


def test_a_teachers_cycle_list_takes_a_handful_of_statements(session):
    _launch_every_process(session)
    teacher = find_person(session, "chenxiaoyu")
    session.commit()
    seen = _count_statements(session)
    page = visible_cycles(session, teacher, CycleFilter(), T0, page=1)
    [(i.subject.name, i.definition.name) for i in page.items]  # what the list shows, loaded already
    assert page.items and len(seen) <= 10
