"""The administrator imports the organisation on a phone-wide screen: upload, preview, confirm, passwords; no
page scrolls sideways (wide tables scroll inside their box)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from tests.engine.org_workbooks import xlsx

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.e2e
def test_admin_imports_on_a_phone_without_sideways_scrolling(live_server, browser_page, tmp_path):
    live_server.app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/admin/import")
    assert page.evaluate(FITS)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx({"人员": [("NEW1", "新老师", "NO-SUCH-UNIT-WITH-A-RATHER-LONG-CODE", "教职工",
                                   "a-very-long-address-for-a-narrow-screen@example.edu.cn", "")]}))
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="检查并预览").click()
    page.wait_for_selector("table.problems")
    assert "找不到单位 NO-SUCH-UNIT-WITH-A-RATHER-LONG-CODE" in page.inner_text("table.problems")
    assert page.evaluate(FITS)

    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx({"单位": [("SCHOOL", "示例市职业技术学校", "学校", "", ""),
                                  ("T-NEW", "新设的一个名字相当长的跨专业综合教研室", "教研室", "SCHOOL", "")]}))
    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="检查并预览").click()
    page.wait_for_selector("table.import-changes")
    assert page.evaluate(FITS)
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("text=导入完成")
    assert page.evaluate(FITS)
