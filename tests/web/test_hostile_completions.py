"""Each hostile script a completion can reach — an endless loop, a memory bomb, SystemExit, KeyboardInterrupt,
GeneratorExit — and a pattern that backtracks for ever: the person completing gets an answer within seconds,
the task stays open, the cycle shows an incident (for a script), and nothing else in the school changed."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.definitions.budget import ScriptLimits
from engine.definitions.deploy import deploy
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from tests.engine.test_deploy import process, props
from tests.engine.test_hostile_scripts import script_after_write
from web.extensions import db

SCRIPTS = {
    "endless loop": "while True:\n    pass",
    "memory bomb": "x = [0] * (10 ** 9)",
    "growing list": "x = []\nwhile True:\n    x.append('x' * 100000)",
    "SystemExit": "raise SystemExit",
    "KeyboardInterrupt": "raise KeyboardInterrupt",
    "GeneratorExit": "raise GeneratorExit",
    "exception": "x = 1 / 0",
}


def _everything_else(app, but: int) -> tuple:
    """What the rest of the school holds: every other cycle's state and tasks, and the audit outside `but`."""
    with app.app_context():
        cycles = tuple(db.session.execute(select(ProcessInstance.id, ProcessInstance.state, ProcessInstance.version)
                                          .where(ProcessInstance.id != but).order_by(ProcessInstance.id)))
        tasks = tuple(db.session.execute(select(HumanTask.id, HumanTask.status, HumanTask.assignee_id)
                                         .where(HumanTask.instance_id != but).order_by(HumanTask.id)))
        audit = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.instance_id.is_not(None),
                                                                         AuditEvent.instance_id != but))
    return cycles, tasks, audit


@pytest.mark.parametrize("kind", sorted(SCRIPTS))
def test_a_hostile_script_reached_by_a_completion_is_answered_within_seconds_and_changes_nothing_else(
        app, spiral, kind):
    app.extensions["spiral"].runtime.limits = ScriptLimits(seconds=1.0)
    with app.app_context():
        now = app.extensions["spiral"].clock()
        deploy(db.session, None, [("hostile.bpmn", script_after_write(SCRIPTS[kind]))], now)
        cycle = start_cycle(db.session, None, "loop_review", "C-WDYY", "2025-2026-1", now).id
        task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == cycle)).one()
    spiral.start("C-ZBDS")  # another course's cycle, under way
    before = _everything_else(app, cycle)
    client = spiral.client_for("chenxiaoyu")

    started = time.monotonic()
    answer = client.post(f"/tasks/{task_id}/complete", data={})
    took = time.monotonic() - started

    assert took < 5 and answer.status_code in (409, 422), (took, answer.status_code)
    assert "计算" in answer.get_data(as_text=True)  # the page names the step that failed
    with app.app_context():
        assert db.session.get(HumanTask, task_id).status == "open"
        assert "计算" in db.session.get(ProcessInstance, cycle).incident
    assert _everything_else(app, cycle) == before
    assert client.get("/inbox").status_code == 200  # and the school goes on


def test_a_pattern_that_backtracks_for_ever_is_matched_in_linear_time_on_the_task_page(app, spiral, tmp_path):
    form = {"id": "hostile_pattern", "type": "default", "components": [
        {"type": "textfield", "key": "code", "label": "代码", "validate": {"required": True, "pattern": "^(a+)+$"}}]}
    forms_dir = app.config["FORMS_DIR"]
    import pathlib
    pathlib.Path(forms_dir).mkdir(parents=True, exist_ok=True)
    (pathlib.Path(forms_dir) / "hostile_pattern.form").write_text(json.dumps(form), encoding="utf-8")
    with app.app_context():
        now = app.extensions["spiral"].clock()
        deploy(db.session, None, [("p.bpmn", process(pid="pattern_review",
                                                     task_props=props(stage="design", due="P3D",
                                                                      form="hostile_pattern")))], now)
        cycle = start_cycle(db.session, None, "pattern_review", "C-WDYY", "2025-2026-1", now).id
        task_id = db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == cycle)).one()
    client = spiral.client_for("chenxiaoyu")
    started = time.monotonic()
    answer = client.post(f"/tasks/{task_id}/complete", data={"code": "a" * 5000 + "!"})
    assert time.monotonic() - started < 2
    assert answer.status_code == 422 and "格式不正确" in answer.get_data(as_text=True)
