"""A completion starts from the workflow this process kept after the cycle's last save, never from a stale one:
the kept workflow is what loading the saved state would give, round after round of revisions."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from engine.definitions.specs import form_registry, loaded_for
from engine.errors import Conflict, InvalidInput
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.runtime import runtime_of
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0


def _open_task(session, instance_id: int) -> HumanTask:
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
                           .order_by(HumanTask.id)).first()


def _complete(session, task: HumanTask, hours: int, choices: dict[str, Any]) -> None:
    form = form_registry(session).get(task.form_id)
    complete_task(session, task.assignee or task.candidates[0], task.id, sample_answers(form, choices),
                  T0 + timedelta(hours=hours), uploads=sample_uploads(form))


def _saved(session, instance_id: int) -> ProcessInstance:
    session.expire_all()
    return session.get(ProcessInstance, instance_id)


def test_the_kept_workflow_is_what_the_saved_state_loads_round_after_round(session):
    instance = start_cycle(session, find_person(session, "zhaohong"), "course_cycle", "C-PY", "2025-2026-1", T0)
    runtime = runtime_of(session)
    for hour in range(1, 25):  # every review sends the work back: the saved history is trimmed each round
        task = _open_task(session, instance.id)
        if task is None:
            break
        _complete(session, task, hour, {"decision": "return", "verdict": "failed"})
        saved = _saved(session, instance.id)
        kept = runtime.kept.take(saved.id, saved.version, saved.definition_id)
        assert kept is not None, "the completion kept the workflow it saved"
        assert runtime.dump(kept) == saved.state
        fresh = runtime.load(loaded_for(session, saved.definition), saved.state)
        assert [t.task_spec.bpmn_id for t in runtime.ready_user_tasks(kept)] == \
            [t.task_spec.bpmn_id for t in runtime.ready_user_tasks(fresh)]
        assert len(kept.tasks) == len(fresh.tasks)
        runtime.kept.keep(saved.id, saved.version, saved.definition_id, kept)


def test_a_cycle_written_elsewhere_is_loaded_from_its_row_not_from_the_kept_workflow(session):
    instance = start_cycle(session, find_person(session, "zhaohong"), "course_cycle", "C-PY", "2025-2026-1", T0)
    _complete(session, _open_task(session, instance.id), 1, {"decision": "approve"})
    runtime = runtime_of(session)
    saved = _saved(session, instance.id)
    # another process (another web worker) completes the next task: the row moves to a version this one never kept
    session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                    .values(version=ProcessInstance.version + 1))
    session.commit()
    assert runtime.kept.take(saved.id, saved.version + 1, saved.definition_id) is None
    task = _open_task(session, instance.id)
    _complete(session, task, 2, {"decision": "approve"})  # loaded from the row: still completes
    assert session.get(HumanTask, task.id).status == "done"


def test_a_refused_completion_leaves_the_kept_workflow_as_it_was(session):
    instance = start_cycle(session, find_person(session, "zhaohong"), "course_cycle", "C-PY", "2025-2026-1", T0)
    _complete(session, _open_task(session, instance.id), 1, {"decision": "approve"})
    runtime = runtime_of(session)
    saved = _saved(session, instance.id)
    task = _open_task(session, instance.id)
    with pytest.raises(InvalidInput):
        complete_task(session, task.assignee or task.candidates[0], task.id, {}, T0 + timedelta(hours=2))
    kept = runtime.kept.take(saved.id, saved.version, saved.definition_id)
    assert kept is not None and runtime.dump(kept) == _saved(session, instance.id).state
    runtime.kept.keep(saved.id, saved.version, saved.definition_id, kept)
    _complete(session, task, 3, {"decision": "approve"})
    with pytest.raises(Conflict):  # done already: refused before the workflow is touched
        _complete(session, task, 4, {"decision": "approve"})
