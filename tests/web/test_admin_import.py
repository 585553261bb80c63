"""The admin's 导入组织数据 page: upload, preview (every problem, or every change), confirm exactly that file, the
one-time passwords shown once; the template and the export as downloads; the quality office may only export."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from engine.org.people import find_person
from engine.org.workbook import read_org_workbook
from tests.engine.org_workbooks import xlsx
from web.extensions import db


@pytest.fixture
def admin(app, spiral, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    return spiral.client_for("admin")


def upload(client, data: bytes, name: str = "org.xlsx"):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_quality_office_may_export_but_not_import_and_teachers_neither(spiral):
    office = spiral.client_for("sunli")
    assert office.get("/admin/import").status_code == 403
    exported = office.get("/admin/export/org.xlsx")
    assert exported.status_code == 200
    assert set(read_org_workbook(exported.data)) == {"单位", "人员", "任职", "诊改对象"}
    index = spiral.page(office.get("/admin/"))
    assert index.xpath("//a[@href='/admin/export/org.xlsx']") and not index.xpath("//a[@href='/admin/import']")
    assert spiral.client_for("lijun").get("/admin/export/org.xlsx").status_code == 403


def test_the_template_downloads_with_its_notes(admin):
    response = admin.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["单位", "人员", "任职", "诊改对象", "说明"]


def test_a_wrong_file_gets_a_clear_message(admin, spiral):
    response = upload(admin, b"a,b,c\n", "people.csv")
    assert response.status_code == 400
    assert "只能导入 .xlsx 文件" in response.get_data(as_text=True)
    response = upload(admin, b"not a workbook at all")
    assert response.status_code == 422
    assert "不是 Excel 工作簿" in response.get_data(as_text=True)


def test_problems_are_listed_with_sheet_row_and_column_and_nothing_is_written(admin, spiral, app):
    data = xlsx({"单位": [("X-1", "新教研室", "教研室", "X-99", "")],
                 "人员": [("NEW1", "新人甲", "T-JSJ", "教职工", "", ""), ("NEW1", "新人乙", "T-JSJ", "教职工", "", "")]})
    response = upload(admin, data)
    assert response.status_code == 422
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in spiral.page(response).xpath(
        "//table[contains(@class,'problems')]/tbody/tr")]
    assert ["单位", "2", "上级代码", "找不到单位 X-99"] in rows
    assert ["人员", "3", "工号", "与第 2 行重复：NEW1"] in rows
    with app.app_context():
        assert find_person(db.session, "NEW1") is None


def test_preview_then_confirm_applies_that_file_and_shows_the_passwords_once(admin, spiral, app):
    exported = admin.get("/admin/export/org.xlsx").data
    book = load_workbook(io.BytesIO(exported))
    book["人员"].append(["NEW1", "新老师", "T-JSJ", "教职工", "new1@example.edu.cn", ""])
    out = io.BytesIO()
    book.save(out)
    preview = upload(admin, out.getvalue())
    assert preview.status_code == 200, preview.get_data(as_text=True)
    page = spiral.page(preview)
    assert "新增人员 NEW1 新老师" in page.text_content()
    with app.app_context():
        assert find_person(db.session, "NEW1") is None  # the preview wrote nothing
    token = page.xpath("//input[@name='token']/@value")[0]

    done = admin.post("/admin/import/confirm", data={"token": token})
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    (row,) = spiral.page(done).xpath("//table[contains(@class,'one-time-passwords')]/tbody/tr")
    username, _name, password = (td.text_content() for td in row.xpath("td"))
    with app.app_context():
        person = find_person(db.session, "NEW1")
        assert username == "NEW1" and person.must_change_password and len(password) == 10

    again = admin.post("/admin/import/confirm", data={"token": token})
    assert again.status_code == 409
    assert "请重新上传文件" in again.get_data(as_text=True)


def test_the_same_org_uploaded_says_there_is_nothing_to_change(admin):
    response = upload(admin, admin.get("/admin/export/org.xlsx").data)
    assert response.status_code == 200
    assert "没有需要导入的变化" in response.get_data(as_text=True)
