"""The studio's third-party controls speak the page's language: bpmn-js' palette, context pad and replace menu and
form-js' palette read in Chinese by default and in English after switching to English."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import login

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
pytestmark = pytest.mark.e2e


def _palette(page, url: str) -> dict[str, str]:
    page.goto(f"{url}/studio/modeler/course_cycle")
    page.wait_for_selector(".djs-palette .entry[data-action='create.start-event']")
    return {entry.get_attribute("data-action"): entry.get_attribute("aria-label") or ""
            for entry in page.query_selector_all(".djs-palette .entry[data-action]")}


def test_the_modeler_and_form_designer_read_in_chinese_and_in_english_after_switching(live_server, browser_page):
    if not (NODE_MODULES / "bpmn-js").is_dir() or not (NODE_MODULES / "@bpmn-io" / "form-js").is_dir():
        pytest.skip("bpmn-js / form-js are not installed (make setup runs npm ci)")
    page, url = browser_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, url, "zhaohong")

    palette = _palette(page, url)
    assert "开始事件" in palette["create.start-event"] and "任务" in palette["create.task"]
    page.hover(".djs-palette .entry[data-action='create.start-event']")
    assert "创建开始事件" in page.inner_text(".djs-palette-tooltip-label, .djs-hover-tooltip")
    # the context pad and its replace menu: a task can become a 用户任务
    task = page.locator("g.djs-element[data-element-id='Task_course_diagnose']")
    task.dispatch_event("click")
    page.wait_for_selector(".djs-context-pad .entry[data-action='replace']")
    assert page.get_attribute(".djs-context-pad .entry[data-action='append.end-event']", "title") == "追加结束事件"
    page.click(".djs-context-pad .entry[data-action='replace']")
    menu = page.inner_text(".djs-popup")
    assert "更改元素类型" in menu and "手工任务" in menu and "Task" not in menu
    assert "用户任务" in page.inner_text("#panel")  # our own panel names the element's type in Chinese

    page.goto(f"{url}/studio/forms/review/design")
    page.wait_for_selector(".fjs-palette-field")
    palette_text = page.inner_text(".fjs-palette-container")
    assert "单行文本" in palette_text and "选择" in palette_text and "Text field" not in palette_text

    page.get_by_role("button", name="English").click()
    palette = _palette(page, url)
    assert palette["create.start-event"] == "Create start event" and palette["create.task"] == "Create task"
    page.locator("g.djs-element[data-element-id='Task_course_diagnose']").dispatch_event("click")
    page.wait_for_selector(".djs-context-pad .entry[data-action='replace']")
    assert "User task" in page.inner_text("#panel")
    page.goto(f"{url}/studio/forms/review/design")
    page.wait_for_selector(".fjs-palette-field")
    assert "Text field" in page.inner_text(".fjs-palette-container")
    assert errors == []
