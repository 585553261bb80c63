"""What every shipped cycle shows while it runs: its stage, its saved versions and its audit trail."""
import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.org.models import Person
from engine.workflow.models import HumanTask

PROBLEM = {"responsible_role": "课程负责人", "problem": "合格率低于预警值。"}
EVERY_PROCESS = [
    pytest.param(("course_cycle", "C-WDYY", "2025-2026-1"), id="course"),
    pytest.param(("major_cycle", "MAJ-660301", "2025-2026"), id="major"),
    pytest.param(("school_cycle", "SCH", "2025-2026"), id="school"),
    pytest.param(("teacher_cycle", "T-chenxiaoyu", "2025-2026"), id="teacher"),
    pytest.param(("student_cycle", "S-liuxin", "2025-2026-1"), id="student"),
    pytest.param(("improvement", "C-WDYY", "2025-2026-1", PROBLEM), id="improvement"),
]


def completions(session, instance_id: int) -> list[tuple[str, str, object]]:
    """(task title, who, when) of every task.completed event of the cycle, oldest first."""
    return [tuple(row) for row in session.execute(
        select(HumanTask.title, Person.username, AuditEvent.at)
        .join(AuditEvent, AuditEvent.task_id == HumanTask.id).join(Person, AuditEvent.actor_id == Person.id)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.action == "task.completed")
        .order_by(AuditEvent.id))]


@pytest.mark.parametrize("cycle", EVERY_PROCESS)
def test_the_cycle_shows_the_stage_of_its_open_task_after_every_step(cycles, cycle):
    run = cycles.start(*cycle)
    assert run.instance().current_stage == run.open_task().stage
    steps = run.approve_all()
    assert run.stages_after == [step.stage for step in steps[1:]] + [""]


@pytest.mark.parametrize("cycle", EVERY_PROCESS)
def test_every_step_is_saved_as_a_newer_version_of_the_cycle(cycles, cycle):
    run = cycles.start(*cycle)
    first = run.instance().version
    run.approve_all()
    assert [first, *run.versions] == sorted({first, *run.versions})


@pytest.mark.parametrize("cycle", EVERY_PROCESS)
def test_every_completed_task_leaves_an_audit_event_naming_who_did_it_and_when(cycles, session, cycle):
    run = cycles.start(*cycle)
    steps = run.approve_all()
    events = completions(session, run.instance_id)
    assert [(title, who) for title, who, _ in events] == list(zip([s.title for s in steps], run.done_by))
    assert [at for *_, at in events] == sorted({at for *_, at in events}) and events[-1][2] == run.now


def test_a_returned_review_is_audited_once_per_round(cycles, session):
    run = cycles.start("course_cycle", "C-WDYY")
    run.until("审核课程建设目标")
    run.send_back()
    run.until("制定课程标准与监测指标")
    assert [title for title, *_ in completions(session, run.instance_id)] == \
        ["制定课程建设目标", "审核课程建设目标"] * 2
