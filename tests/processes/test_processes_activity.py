"""活动总结 (processes/activity.bpmn): one task, to the organiser the engine names, with a deadline; it may run many
times for the school in one year (one per event), and without an organiser it reaches the quality office."""
from __future__ import annotations

from datetime import timedelta

from engine.definitions.specs import form_registry
from engine.org.people import find_person
from engine.workflow.cycles import open_cycle
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0
from tests.processes.conftest import Cycle

FACTS = {"organiser": "chenjing", "event_id": 1, "event_title": "如何与青春期孩子有效沟通",
         "event_when": "2025-09-20 09:00", "event_place": "学校报告厅", "event_sign_ins": 21}


def _start(cycles, facts):  # type: ignore[no-untyped-def]
    with cycles.sessions() as session:
        instance_id = open_cycle(session, None, "activity_summary", "SCH", "2025-2026", T0, facts=facts).id
        session.commit()
    return Cycle(cycles.session, cycles.sessions, instance_id, T0)


def test_the_summary_goes_to_the_organiser_and_ends_the_cycle(cycles) -> None:
    run = _start(cycles, FACTS)
    task = run.expect("活动总结", "implement", "chenjing")
    assert task.due_at is not None and task.form_id == "activity_summary"
    with cycles.sessions() as session:  # a fresh session: the workflow is rebuilt from its saved state
        form = form_registry(session).get("activity_summary")
        complete_task(session, find_person(session, "chenjing"), task.id, sample_answers(form),
                      T0 + timedelta(days=1), uploads=sample_uploads(form))
    assert run.open_task() is None and run.instance().status == "completed"


def test_one_summary_per_event_in_the_same_year(cycles) -> None:
    first, second = _start(cycles, FACTS), _start(cycles, {**FACTS, "event_id": 2})
    assert first.instance_id != second.instance_id
    second.expect("活动总结", "implement", "chenjing")


def test_a_summary_whose_organiser_is_unknown_reaches_the_quality_office(cycles) -> None:
    run = _start(cycles, {**FACTS, "organiser": "nobody"})
    task = run.open_task()
    assert task is not None and task.unroutable
