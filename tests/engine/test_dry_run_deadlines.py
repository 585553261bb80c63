"""The dry run's deadlines are computed as a real run's: from the chosen start, each next task coming when the
previous one falls due, by the school's calendar."""
from __future__ import annotations

from datetime import datetime

from engine.calendar.closures import load_calendar
from engine.calendar.deadlines import task_due
from engine.definitions.deploy import latest_definition
from engine.workflow.dryrun import dry_run

START = datetime(2025, 9, 5, 9)  # a Friday


def test_each_task_comes_when_the_previous_falls_due_and_its_deadline_is_the_real_one(session):
    walk = dry_run(session, None, "course_cycle", "C-WDYY", "2025-2026-1", {}, datetime(2026, 1, 1), start=START)
    assert walk.finished and walk.steps[0].created == START
    meta = latest_definition(session, "course_cycle").meta["tasks"]
    cal = load_calendar(session)
    for before, step in zip(walk.steps, walk.steps[1:]):
        assert step.created == max(before.due, before.created)  # never earlier than the task before it
    for step in walk.steps:
        assert step.due == task_due(meta[step.bpmn_id], step.created, {}, cal) or step.due is None
    dues = [s.due for s in walk.steps]
    assert dues == sorted(dues)  # deadlines no longer run backwards down the table
