"""A supervisor reassigns a red item in a real browser; the new owner finds it in her inbox, flagged red."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.tick import run_tick
from engine.workflow.models import HumanTask
from tests.e2e.conftest import login, serve
from web.extensions import db

LATE = datetime(2025, 10, 30, 9)


@pytest.fixture
def late_server(tmp_path):
    """网店运营's goal task was never written; the ladder has climbed to red."""
    with serve(tmp_path, LATE, prepare=lambda session: run_tick(session, LATE)) as server:
        yield server


@pytest.mark.e2e
def test_supervisor_reassigns_an_escalated_item_and_the_new_owner_sees_it(late_server, browser_page, tmp_path):
    page = browser_page
    login(page, late_server.url, "zhouqiang")
    page.get_by_role("link", name="督办").first.click()
    page.wait_for_url("**/supervision")
    row = page.locator("tr.notice-row.red")
    assert "制定课程建设目标" in row.inner_text() and "陈晓雨" in row.inner_text()

    row.locator("a", has_text="DB2025-").click()
    page.wait_for_url("**/supervision/notices/*")
    page.select_option("#person", label="王芳（电子商务教研室）")
    page.fill("#reason", "陈晓雨病假，由王芳代办")
    page.get_by_role("button", name="改派").click()
    page.wait_for_url("**/supervision/notices/*")
    assert "已改派" in page.locator(".flash").inner_text()
    assert "陈晓雨病假，由王芳代办" in page.locator("ul.timeline").inner_text()
    page.screenshot(path=str(tmp_path / "reassigned.png"), full_page=True)

    with late_server.app.app_context():
        task = db.session.scalars(select(HumanTask).where(HumanTask.title == "制定课程建设目标")).one()
        assert task.assignee.username == "wangfang"

    page.get_by_role("button", name="退出").click()
    login(page, late_server.url, "wangfang")
    mine = page.locator("tr", has_text="制定课程建设目标")
    assert "红色督办" in mine.inner_text()
