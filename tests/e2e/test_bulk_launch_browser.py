"""The quality office launches the course process for every course and watches the progress bar fill."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_bulk_launch_shows_each_course_as_it_starts_and_skips_the_one_already_running(live_server, browser_page):
    page, url = browser_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, url, "zhaohong")
    page.goto(f"{url}/studio/launch")
    page.select_option("#process_id", "course_cycle")
    page.fill("#period", "2025-2026-1")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="批量启动").click()  # the office is asked once, with the numbers, and declines
    page.wait_for_selector("#live-summary:has-text('未启动任何周期')")
    assert asked and "将为 11 个对象启动诊改周期（1 个已启动，将跳过）" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="批量启动").click()
    page.wait_for_selector("#live-summary:has-text('完成')")
    assert "12 / 12：启动 11，跳过 1，失败 0" in page.inner_text("#live-summary")
    assert page.get_attribute("#live-bar", "aria-valuenow") == "12"
    assert page.locator("#live-list li .tag.green").count() == 11
    assert "网店运营" in page.inner_text("#live-list li:has(.tag:text('跳过'))")
    page.get_by_role("button", name="批量启动").click()  # again: nothing new starts
    page.wait_for_selector("#live-summary:has-text('完成')")
    assert "12 / 12：启动 0，跳过 12，失败 0" in page.inner_text("#live-summary")
    assert not errors
