"""An hour of writing is not lost: what a course lead typed into her task is saved as a draft when she closes the
page, and it is there when she opens the task again."""
from __future__ import annotations

import time

from sqlalchemy import select

from engine.workflow.models import TaskDraft
from tests.e2e.conftest import login
from web.extensions import db

TEXT = "先写一半：建成校级精品在线课程，课程合格率达到95%以上。"


def _draft(app) -> dict | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        found = db.session.scalars(select(TaskDraft)).first()
        return dict(found.data) if found else None


def test_a_draft_survives_closing_the_page(live_server, browser_page):
    browser = browser_page.context.browser
    context = browser.new_context(locale="zh-CN")  # a page of its own context: closing it keeps the context
    page = context.new_page()
    login(page, live_server.url, "chenxiaoyu")
    page.get_by_role("link", name="制定课程建设目标").click()
    page.wait_for_url("**/tasks/*")
    task_url = page.url
    page.locator("#field-goal_text").press_sequentially(TEXT)

    page.close(run_before_unload=True)  # the tab is closed without saving or submitting

    deadline = time.monotonic() + 10
    while _draft(live_server.app) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (_draft(live_server.app) or {}).get("goal_text") == TEXT
    again = context.new_page()
    again.goto(task_url)
    assert again.input_value("#field-goal_text") == TEXT
    assert "草稿保存于" in again.content()
    assert again.locator(".flash").count() == 0  # the closing page's save flashed nothing
    context.close()
