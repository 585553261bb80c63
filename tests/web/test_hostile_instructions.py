"""A task whose instructions loop for ever or divide by zero still shows its page, the instructions marked."""
from __future__ import annotations

import time
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.definitions.budget import ScriptLimits
from engine.definitions.deploy import deploy
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from tests.engine.test_deploy import process
from web.extensions import db


def task_with_instructions(app, template: str) -> int:
    props = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="stage" '
             'value="design"/><spiffworkflow:property name="due" value="P3D"/></spiffworkflow:properties>'
             f'<spiffworkflow:instructionsForEndUser>{escape(template)}</spiffworkflow:instructionsForEndUser>'
             '</bpmn:extensionElements>')
    with app.app_context():
        now = app.extensions["spiral"].clock()
        deploy(db.session, None, [("mine.bpmn", process(task_props=props))], now)
        cycle = start_cycle(db.session, None, "my_review", "C-WDYY", "2025-2026-1", now)
        return db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == cycle.id)).one()


@pytest.mark.parametrize("template", [
    "{% for a in range(100000) %}{% for b in range(100000) %}…{% endfor %}{% endfor %}",
    "{{ 1/0 }}",
])
def test_the_task_page_shows_the_task_and_marks_broken_instructions(app, spiral, template):
    app.extensions["spiral"].runtime.limits = ScriptLimits(seconds=0.5)  # what the page renders under
    task_id = task_with_instructions(app, template)
    client = spiral.client_for("chenxiaoyu")
    started = time.monotonic()
    response = client.get(f"/tasks/{task_id}")
    assert time.monotonic() - started < 3
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "写计划" in page and "办理说明无法显示" in page


def test_broken_instructions_raise_one_incident_on_the_cycle_however_often_the_page_is_seen(app, spiral):
    task_id = task_with_instructions(app, "请先阅读：{{ 1/0 }}")
    client = spiral.client_for("chenxiaoyu")
    for _view in range(3):
        assert client.get(f"/tasks/{task_id}").status_code == 200
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert "办理说明无法显示" in task.instance.incident and "ZeroDivisionError" in task.instance.incident
        raised = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == task.instance_id,
                                                             AuditEvent.action == "instance.incident")).all()
        assert len(raised) == 1 and raised[0].task_id == task_id


def test_sound_instructions_raise_no_incident(app, spiral):
    task_id = task_with_instructions(app, "请为{{ subject_name }}写计划")
    assert spiral.client_for("chenxiaoyu").get(f"/tasks/{task_id}").status_code == 200
    with app.app_context():
        assert db.session.get(HumanTask, task_id).instance.incident == ""
