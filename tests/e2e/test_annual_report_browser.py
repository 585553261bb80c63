"""The 质量年报 in a real browser, CSRF on: the quality office opens 2026 from its page, 教务科's head finds the
人才培养 chapter in the inbox with the outline's sub-sections laid out on a phone, writes them and submits, and the
year's page shows the chapter as submitted."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login


@pytest.mark.e2e
def test_the_office_opens_the_year_and_a_department_writes_its_chapter(live_server, browser_page):
    page, url = browser_page, live_server.url
    login(page, url, "zhaohong")
    page.goto(f"{url}/reports/annual")
    page.fill("#year", "2026")
    page.fill("#deadline", "2025-10-31")
    page.get_by_role("button", name="开启并分派章节").click()
    page.wait_for_url(f"{url}/reports/annual/2026")
    assert page.locator("[data-testid=chapters]").get_by_text("撰写中").count() == 9
    page.context.clear_cookies()
    login(page, url, "qianjun")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="撰写年报章节：2 人才培养").first.click()
    assert page.input_value("[name=sections-0-heading]") == "党建引领"
    assert page.input_value("[name=sections-9-heading]") == "就业质量"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for row in range(10):
        page.fill(f"[name=sections-{row}-text]", f"第 {row + 1} 节的正文。")
    page.fill("[name=cases]", "案例：校企共建实训基地。")
    page.get_by_role("button", name="提交并完成").click()
    page.wait_for_url(f"{url}/inbox")
    page.context.clear_cookies()
    login(page, url, "zhaohong")
    page.goto(f"{url}/reports/annual/2026")
    row = page.locator("[data-testid=chapters] tr", has_text="2 人才培养")
    assert "已提交" in row.inner_text() and "钱军" in row.inner_text()
