"""The principal signs in, lands on the 驾驶舱, sees its charts drawn, and a click on a chart segment opens the
list behind it; the charts follow the window's width."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine.tick import run_tick
from tests.e2e.conftest import login, serve

LATE = datetime(2025, 10, 30, 9)


@pytest.fixture
def late_server(tmp_path):
    """网店运营's goal task was never written; the ladder has climbed to red."""
    with serve(tmp_path, LATE, prepare=lambda session: run_tick(session, LATE)) as server:
        yield server


@pytest.mark.e2e
def test_principal_lands_on_the_dashboard_and_a_segment_opens_its_list(late_server, browser_page):
    page = browser_page
    login(page, late_server.url, "wangjianguo")
    assert page.url.endswith("/dashboard")
    assert page.locator("h1").inner_text() == "驾驶舱"
    page.wait_for_selector("#dashboard[data-ready='1']")
    for chart in ("stages", "notices", "departments", "trend"):
        assert page.locator(f"[data-chart='{chart}'][data-drawn='1'] canvas").count() >= 1, chart

    before = page.locator("[data-chart='departments'] canvas").first.bounding_box()
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(400)
    after = page.locator("[data-chart='departments'] canvas").first.bounding_box()
    assert after["width"] < before["width"] and after["width"] <= 360  # the chart follows the window

    page.set_viewport_size({"width": 1280, "height": 1000})
    page.wait_for_timeout(400)
    pie = page.locator("[data-chart='notices'] canvas").first
    pie.scroll_into_view_if_needed()
    box = pie.bounding_box()
    # the only notice is red: the whole ring is its segment; click on the ring, left of the centre
    page.mouse.click(box["x"] + box["width"] * 0.5 - box["height"] * 0.27, box["y"] + box["height"] * 0.45)
    page.wait_for_url("**/supervision?colour=red")
    assert "制定课程建设目标" in page.locator("table.list").inner_text()


@pytest.mark.e2e
def test_a_table_number_leads_to_the_late_tasks_and_on_to_the_task(late_server, browser_page):
    page = browser_page
    login(page, late_server.url, "wangjianguo")
    page.locator("section[aria-labelledby='h-rates'] table a").first.click()
    page.wait_for_url("**/dashboard/late?department=*")
    page.locator("a[href^='/tasks/']").first.click()
    page.wait_for_url("**/tasks/*")
    assert "制定课程建设目标" in page.locator("h1").inner_text()
