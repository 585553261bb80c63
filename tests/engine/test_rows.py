"""The rows an engine step writes with plain statements end as a flush would leave them: written, clean, in the
session, the cycle's version moved on and checked (engine/db/rows.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine.db.rows import insert_now, update_now
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from tests.conftest import T0


def _cycle(session) -> ProcessInstance:
    return start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)


def test_an_updated_cycle_is_written_at_once_with_its_version_moved_and_is_clean_after(session, two_sessions):
    instance = _cycle(session)
    first, _ = two_sessions
    mine = first.get(ProcessInstance, instance.id)
    version = mine.version
    mine.current_stage, mine.incident = "design", "检查"
    assert update_now(first, mine)
    assert mine.version == version + 1 and mine not in first.dirty
    first.commit()
    session.expire_all()
    saved = session.get(ProcessInstance, instance.id)
    assert (saved.current_stage, saved.incident, saved.version) == ("design", "检查", version + 1)
    mine.incident = "检查"  # set to what it holds: nothing to write, and clean after
    assert update_now(first, mine) and mine not in first.dirty and mine.version == version + 1


def test_an_update_of_a_cycle_another_transaction_moved_first_is_refused(session, two_sessions):
    instance = _cycle(session)
    first, second = two_sessions
    mine, theirs = first.get(ProcessInstance, instance.id), second.get(ProcessInstance, instance.id)
    theirs.incident = "他们先改"
    second.commit()
    mine.incident = "我后改"
    with pytest.raises(StaleDataError):
        update_now(first, mine)
    first.rollback()
    session.expire_all()
    assert session.get(ProcessInstance, instance.id).incident == "他们先改"


def test_an_inserted_task_gets_its_id_and_defaults_and_reads_back_without_a_query(session):
    instance = _cycle(session)
    row = HumanTask(instance=instance, spiff_task_id="x", bpmn_id="Task_x", title="补交材料", created_at=T0)
    insert_now(session, row)
    assert row.id and row in session and row not in session.new and row not in session.dirty
    assert (row.instance_id, row.status, row.rung, row.next_rung_index, row.data) == (instance.id, "open", "none", 0, {})
    session.commit()
    session.expire_all()
    saved = session.scalars(select(HumanTask).where(HumanTask.id == row.id)).one()
    assert (saved.title, saved.instance_id, saved.rung) == ("补交材料", instance.id, "none")
