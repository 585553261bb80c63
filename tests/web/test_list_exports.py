"""Every list exports to Excel as filtered on the page, with real dates and numbers and formula-looking text kept as
text: the cycles, an inbox tab, the indicator values, the warnings and a plan's tasks."""
from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import load_workbook

from engine.workflow.models import ProcessInstance
from web.extensions import db


def sheet_of(response):
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    return sheet, headers, [dict(zip(headers, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]


def test_the_cycle_list_exports_with_its_filters_and_real_dates(app, spiral):
    first = spiral.start("C-WDYY")
    spiral.start("C-ZBDS")
    with app.app_context():  # a subject name a spreadsheet would read as a formula
        db.session.get(ProcessInstance, first).subject.name = "=1+1"
        db.session.commit()
    office = spiral.client_for("zhaohong")
    page = spiral.page(office.get("/cycles?subject=C-WDYY"))
    link = page.xpath('//a[text()="导出 Excel"]/@href')[0]
    assert "subject=C-WDYY" in link
    sheet, headers, rows = sheet_of(office.get(link))
    assert [r["编号"] for r in rows] == [first] and isinstance(rows[0]["编号"], int)
    assert isinstance(rows[0]["启动时间"], datetime)
    cell = sheet.cell(row=2, column=headers.index("诊改对象") + 1)
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert len(sheet_of(office.get("/cycles.xlsx"))[2]) >= 2


def test_an_inbox_tab_exports_its_tasks_with_deadlines_as_dates(app, spiral, goal_task):
    owner = spiral.client_for("chenxiaoyu")
    link = spiral.page(owner.get("/inbox")).xpath('//a[text()="导出 Excel"]/@href')[0]
    _, _, rows = sheet_of(owner.get(link))
    goal = next(r for r in rows if r["编号"] == goal_task.id)
    assert goal["事项"] == "制定课程建设目标" and isinstance(goal["截止时间"], datetime)
    assert isinstance(goal["逾期天数"], int)
    _, _, none = sheet_of(owner.get("/inbox.xlsx?q=没有这样的任务"))
    assert none == []


def _red_value(office) -> None:
    from tests.web.test_quality_pages import INDICATOR
    office.post("/quality/indicators", data=INDICATOR)
    rows = "W-HG\tC-WDYY\t2025-2026-1\t76\t2025-10-10\t教务科\nW-HG\tC-ZBDS\t2025-2026-1\t91\t2025-10-11\t教务科\n"
    office.post("/quality/values/paste", data={"rows": rows})


def test_indicator_values_export_with_numbers_and_dates_narrowed_by_subject(app, spiral):
    office = spiral.client_for("zhaohong")
    _red_value(office)
    assert "导出 Excel" in office.get("/quality/values").get_data(as_text=True)
    _, headers, rows = sheet_of(office.get("/quality/values.xlsx?indicator=W-HG&subject=C-WDYY"))
    assert headers[:6] == ["指标代码", "对象代码", "周期", "值", "采集日期", "来源"]  # the import reads it back
    assert [(r["对象代码"], r["值"], r["状态"]) for r in rows] == [("C-WDYY", 76, "不合格")]
    assert isinstance(rows[0]["采集日期"], datetime)
    assert len(sheet_of(office.get("/quality/values.xlsx?period=2025-2026-1"))[2]) == 2
    assert spiral.client_for("chenxiaoyu").get("/quality/values.xlsx").status_code == 403


def test_the_warning_list_exports_real_numbers_and_dates(app, spiral):
    office = spiral.client_for("zhaohong")
    _red_value(office)
    _, _, rows = sheet_of(office.get("/quality/warnings.xlsx"))
    assert rows[0]["值"] == 76 and isinstance(rows[0]["采集日期"], datetime)


def test_a_plans_export_holds_real_deadlines_and_numbers(app, spiral):
    from tests.web.test_plans_pages import ROWS, upload
    office = spiral.client_for("zhaohong")
    upload(office, ROWS)
    link = spiral.page(office.get("/plans/1?department=财务科")).xpath('//a[text()="导出 Excel"]/@href')[0]
    book = load_workbook(BytesIO(office.get(link).data))
    sheet = book["计划进度"]
    headers = [c.value for c in sheet[1]]
    rows = [dict(zip(headers, [c.value for c in row])) for row in sheet.iter_rows(min_row=2)]
    assert {r["责任部门"] for r in rows} == {"财务科"}  # the page's filter
    deadline = sheet.cell(row=2, column=headers.index("完成时限") + 1)
    assert isinstance(deadline.value, datetime) and deadline.number_format == "yyyy-mm-dd"
    assert isinstance(rows[0]["完成进度(%)"], int)
    assert "汇总" in book.sheetnames
