"""The quality office draws a process in the modeler, sets its properties, deploys it; the role's holder gets
the task. Real browser, real bpmn-js from node_modules."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from web.extensions import db

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules" / "bpmn-js"
T0 = datetime(2025, 9, 26, 10, 0)
pytestmark = pytest.mark.e2e


def test_quality_office_draws_a_user_task_in_a_lane_deploys_and_the_role_holder_receives_it(
        live_server, browser_page):
    if not NODE_MODULES.is_dir():
        pytest.skip("bpmn-js is not installed (make setup runs npm ci)")
    page, url = browser_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/login")
    page.fill("#username", "zhaohong")
    page.fill("#password", "demo123")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{url}/studio/processes")
    page.get_by_role("link", name="新建流程").click()
    page.select_option("#template", "blank")
    page.fill("#process_id", "lesson_feedback")
    page.fill("#name", "听课反馈")
    page.get_by_role("button", name="在建模器中打开").click()
    page.wait_for_selector('[data-element-id="StartEvent_new"]')

    # append a task to the start event (context pad), make it a user task, name it, set its properties
    page.click('[data-element-id="StartEvent_new"]', force=True)
    page.click('.djs-context-pad .entry[data-action="append.append-task"]')
    page.keyboard.press("Escape")
    page.click("#p-to-user-task")
    page.fill("#p-name", "填写听课反馈")
    page.press("#p-name", "Tab")
    page.select_option("#p-stage", "monitor")
    page.fill("#p-due", "P3D")
    page.press("#p-due", "Tab")
    page.check("#p-working")
    page.select_option("#p-form", "review")
    page.select_option("#p-escalation", "default")  # a ladder the school has, not free text
    task_id = page.evaluate("spiralModeler.get('selection').get()[0].id")
    page.click('.djs-context-pad .entry[data-action="append.end-event"]')

    # the lane's role, picked from the org's roles
    lane = page.locator('[data-element-id="Lane_new"]').bounding_box()
    page.mouse.click(lane["x"] + 12, lane["y"] + lane["height"] / 2)
    page.select_option("#p-role", "教研室主任")

    page.get_by_role("button", name="校验", exact=True).click()
    page.wait_for_selector("#report .flash")
    assert "校验通过" in page.inner_text("#report")
    page.fill("#deploy-comment", "新增听课反馈流程")
    page.get_by_role("button", name="校验并部署").click()
    page.wait_for_selector("#status:has-text('已部署')")
    assert errors == []

    with live_server.app.app_context():
        instance = start_cycle(db.session, None, "lesson_feedback", "C-WDYY", "2025-2026-1", T0)
        task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        assert (task.bpmn_id, task.title, task.stage, task.form_id) == (task_id, "填写听课反馈", "monitor", "review")
        assert task.assignee.username == "hanxue" and task.due_at is not None
        assert instance.definition.comment == "新增听课反馈流程"
        assert 'name="escalation" value="default"' in instance.definition.xml

    page.get_by_role("button", name="退出").click()
    page.fill("#username", "hanxue")
    page.fill("#password", "demo123")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("link", name="填写听课反馈").is_visible()
