"""Every width a school uses (a phone, a tablet, a desktop): the main pages of a teacher, an office head, a
supervisor, the quality office and the administrator open without sideways scrolling, the lists read as cards
on a phone, a review's indicator table stays a table and the 通过 / 退回修改 labels sit beside their buttons."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.quality.library import IndicatorFields, save_indicator
from engine.supervision.models import SupervisionNotice
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask, ProcessInstance
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, T0, serve
from web.extensions import db

WIDTHS = (360, 768, 1366)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _prepare(session) -> None:  # type: ignore[no-untyped-def]
    """The indicators the goal names, and a second course left late so the 督办 list has notices."""
    for code, name in (("K-HG", "课程合格率"), ("K-PJ", "学生评教")):
        save_indicator(session, None, IndicatorFields(code=code, name=name, level="course", direction="higher",
                                                      aim=95, standard=90, warning=85,
                                                      responsible_role="课程负责人"), T0)
    start_cycle(session, None, "course_cycle", "C-ZBDS", "2025-2026-1", T0)
    run_tick(session, T0 + timedelta(days=40))
    session.commit()


def _login(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", "demo123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(inbox|dashboard)$"))  # leaders and the quality office land on the 驾驶舱


def _submit_goal(page) -> None:  # type: ignore[no-untyped-def]
    """陈晓雨 submits 网店运营's goal with two indicators; 韩雪 gets the review."""
    page.get_by_role("link", name="制定课程建设目标").first.click()
    page.wait_for_url("**/tasks/*")
    page.select_option("#field-goal_course_type", label="专业核心课")
    page.fill("#field-goal_text", "提升学生网店装修与运营实操能力，课程合格率达到95%以上。")
    page.fill("#field-goal_indicators-0-indicator_code", "K-HG")
    page.fill("#field-goal_indicators-0-target_value", "95")
    page.get_by_role("button", name="提交并完成").click()
    page.wait_for_url("**/inbox")


def _ids(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        cycle = db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).first()
        review = db.session.scalars(select(HumanTask).where(HumanTask.title == "审核课程建设目标")).one()
        goal = db.session.scalars(select(HumanTask).where(HumanTask.title == "制定课程建设目标",
                                                          HumanTask.status == "done")).one()
        notice = db.session.scalars(select(SupervisionNotice.id)).first()
        assert cycle and notice
        return {"cycle": cycle.id, "review": review.id, "goal": goal.id, "notice": notice}


def _pages(ids: dict[str, int]) -> dict[str, list[str]]:
    return {
        "chenxiaoyu": ["/inbox", f"/tasks/{ids['goal']}", "/cycles", f"/cycles/{ids['cycle']}", "/plans/"],
        "hanxue": ["/inbox", f"/tasks/{ids['review']}"],
        "zhouqiang": ["/inbox", "/cycles", "/supervision", f"/supervision/notices/{ids['notice']}"],
        "zhaohong": ["/dashboard", "/dashboard/subjects/C-WDYY", "/cycles", "/supervision", "/quality/values", "/quality/warnings", "/quality/goals", "/plans/"],
        "admin": ["/admin/people", "/admin/units", "/admin/subjects", "/admin/holdings", "/admin/roles",
                  "/admin/webhooks"],
    }


def _cards(page) -> bool:  # type: ignore[no-untyped-def]
    """The first list row is drawn as a block (a card), not a table row."""
    return page.evaluate("getComputedStyle(document.querySelector('table.list.cards tbody tr')).display") != \
        "table-row"


def _indicator_cells_side_by_side(page) -> bool:  # type: ignore[no-untyped-def]
    boxes = page.evaluate("""[...document.querySelector('table.dynlist-table tbody tr').children]
                             .map(td => td.getBoundingClientRect()).map(r => [r.left, r.top])""")
    return len(boxes) > 1 and len({round(top) for _left, top in boxes}) == 1 and \
        len({round(left) for left, _top in boxes}) == len(boxes)


def _labels_beside_their_buttons(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The choice labels whose vertical centre is off their button's by more than a few pixels."""
    return page.evaluate("""[...document.querySelectorAll('.field-choice')].filter(c => {
        const b = c.querySelector('input').getBoundingClientRect(), l = c.querySelector('label').getBoundingClientRect();
        return Math.abs((b.top + b.bottom) / 2 - (l.top + l.bottom) / 2) > 6 || l.left < b.right;
      }).map(c => c.textContent.trim())""")


@pytest.mark.e2e
def test_every_main_page_fits_a_phone_a_tablet_and_a_desktop(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"no Debian chromium at {CHROMIUM}; these tests never download a browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    with serve(tmp_path, T0, _prepare) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            sessions = {}
            for username in ("chenxiaoyu", "hanxue", "zhouqiang", "zhaohong", "admin"):
                context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.set_default_timeout(15_000)
                _login(page, server.url, username)
                if username == "chenxiaoyu":
                    _submit_goal(page)
                sessions[username] = page
            ids = _ids(server.app)
            wide: list[str] = []
            for width in WIDTHS:
                for username, paths in _pages(ids).items():
                    page = sessions[username]
                    page.set_viewport_size({"width": width, "height": 900})
                    for path in paths:
                        page.goto(server.url + path)
                        if page.evaluate(OVERFLOW) > 0:
                            wide.append(f"{username} {path} at {width}px: {page.evaluate(OVERFLOW)}px too wide")
                        if page.locator("table.list.cards tbody tr").count():
                            assert _cards(page) == (width <= 600), f"{path} at {width}px"
                        if path == f"/tasks/{ids['review']}":
                            assert _indicator_cells_side_by_side(page), f"the review's indicators at {width}px"
                            assert page.locator(".field-choice").count() >= 2
                            assert not _labels_beside_their_buttons(page), width
            assert not wide, wide
        finally:
            browser.close()
