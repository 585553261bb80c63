"""A course lead does her goal task in a real browser: log in, open it from the inbox, fill it in, submit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.workflow.models import HumanTask
from web.extensions import db


@pytest.mark.e2e
def test_course_lead_fills_the_goal_form_in_a_browser(live_server, browser_page, tmp_path):
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
    page.fill("#field-goal_major_link", "支撑电子商务专业“岗课赛证”融通的建设目标。")
    page.fill("#field-goal_indicators-0-indicator_name", "课程合格率")
    page.fill("#field-goal_indicators-0-unit", "%")
    page.select_option("#field-goal_indicators-0-direction", value="higher")
    page.fill("#field-goal_indicators-0-target_value", "95")
    page.fill("#field-goal_indicators-0-standard_value", "90")
    page.fill("#field-goal_indicators-0-warning_value", "85")
    page.get_by_role("button", name="添加一行").click()  # the page comes back with what was typed and a blank row
    page.wait_for_selector("#field-goal_indicators-1-indicator_name")
    assert page.input_value("#field-goal_indicators-0-indicator_name") == "课程合格率"
    page.fill("#field-goal_indicators-1-indicator_name", "学生评教")
    page.fill("#field-goal_indicators-1-unit", "分")
    page.select_option("#field-goal_indicators-1-direction", label="越高越好")
    page.fill("#field-goal_indicators-1-target_value", "90")
    page.fill("#field-goal_indicators-1-standard_value", "85")
    page.fill("#field-goal_indicators-1-warning_value", "80")
    page.get_by_role("button", name="提交并完成").click()

    page.wait_for_url("**/inbox")
    assert "已提交" in page.locator(".flash.success").inner_text()
    assert page.get_by_role("link", name="制定课程建设目标").count() == 0
    page.screenshot(path=str(tmp_path / "goal-submitted.png"), full_page=True)
    assert (tmp_path / "goal-submitted.png").stat().st_size > 0
    assert [row["indicator_name"] for row in _submitted_goal(live_server.app)["goal_indicators"]] == \
        ["课程合格率", "学生评教"]


def _submitted_goal(app) -> dict:
    with app.app_context():
        return db.session.scalars(select(HumanTask.data).where(HumanTask.title == "制定课程建设目标",
                                                               HumanTask.status == "done")).one()
