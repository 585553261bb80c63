"""A course lead does her goal task in a real browser: log in, open it from the inbox, fill it in, submit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.quality.library import IndicatorFields, save_indicator
from engine.quality.models import Goal
from engine.workflow.models import HumanTask
from tests.e2e.conftest import T0
from web.extensions import db


@pytest.mark.e2e
def test_course_lead_fills_the_goal_form_in_a_browser(live_server, browser_page, tmp_path):
    _library(live_server.app)
    page = browser_page
    page.goto(f"{live_server.url}/login")
    page.fill("#username", "chenxiaoyu")
    page.fill("#password", "demo123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/inbox")

    page.get_by_role("link", name="制定课程建设目标").click()
    page.wait_for_url("**/tasks/*")
    assert "网店运营" in page.locator(".instructions").inner_text()

    page.select_option("#field-goal_course_type", label="专业核心课")
    page.locator("#field-goal_text").press_sequentially("提升学生网店装修与运营实操能力，课程合格率达到95%以上。")
    page.fill("#field-goal_indicators-0-indicator_code", "K-HG")  # offered by the page's list of the library
    page.fill("#field-goal_indicators-0-target_value", "95")
    page.get_by_role("button", name="添加一行").click()  # the page comes back with what was typed and a blank row
    page.wait_for_selector("#field-goal_indicators-1-indicator_code")
    assert page.input_value("#field-goal_indicators-0-indicator_code") == "K-HG"
    assert page.locator("#suggest-indicators option[value='K-PJ']").count() == 1
    page.fill("#field-goal_indicators-1-indicator_code", "K-PJ")
    page.fill("#field-goal_indicators-1-target_value", "90")
    page.get_by_role("button", name="提交并完成").click()

    page.wait_for_url("**/inbox")
    assert "已提交" in page.locator(".flash.success").inner_text()
    assert page.get_by_role("link", name="制定课程建设目标").count() == 0
    page.screenshot(path=str(tmp_path / "goal-submitted.png"), full_page=True)
    assert (tmp_path / "goal-submitted.png").stat().st_size > 0
    assert [row["indicator_code"] for row in _submitted_goal(live_server.app)["goal_indicators"]] == ["K-HG", "K-PJ"]
    with live_server.app.app_context():  # the goal entered the chain, measured by the two indicators
        (goal,) = db.session.scalars(select(Goal)).all()
        assert sorted(m.indicator.code for m in goal.measures) == ["K-HG", "K-PJ"]


def _library(app) -> None:
    with app.app_context():
        for code, name in (("K-HG", "课程合格率"), ("K-PJ", "学生评教")):
            save_indicator(db.session, None, IndicatorFields(code=code, name=name, level="course", direction="higher",
                                                             aim=95, standard=90, warning=85,
                                                             responsible_role="课程负责人"), T0)
        db.session.commit()


def _submitted_goal(app) -> dict:
    with app.app_context():
        return db.session.scalars(select(HumanTask.data).where(HumanTask.title == "制定课程建设目标",
                                                               HumanTask.status == "done")).one()
