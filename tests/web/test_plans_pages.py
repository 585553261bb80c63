"""Action plans from the browser and the shell: the quality office uploads a 计划任务 workbook, staff follow the
plan's progress, the office issues a 工作通报; the CLI imports, lists and shows plans."""
from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook

from engine.errors import InvalidInput
from tests.engine.plan_workbooks import plan_workbook

ROWS = [
    [1, "（一）改善实训条件", "建成国家级产教融合实训基地1个", "1个", "实验实训中心", "招就办、财务科",
     date(2025, 9, 1), date(2025, 12, 31), "全面实施"],
    [2, "（二）三全育人", "形成1个德育特色案例", "1个", "学工部", "各专业部", None, date(2025, 10, 31), "全面实施"],
]


def upload(client, rows, **fields):  # type: ignore[no-untyped-def]
    data = {"name": "提质培优", "file": (io.BytesIO(plan_workbook(rows)), "plan.xlsx"), **fields}
    return client.post("/plans/import", data=data, content_type="multipart/form-data", follow_redirects=True)


def test_the_quality_office_imports_a_plan_and_staff_follow_it_by_department(spiral):
    office = spiral.client_for("zhaohong")
    checked = upload(office, ROWS, dry_run="1")
    assert "检查通过（未写入）" in checked.get_data(as_text=True) and "还没有行动计划" in checked.get_data(as_text=True)
    page = upload(office, ROWS).get_data(as_text=True)
    assert "已下达部门任务 7 个" in page and "完成 0/2" in page and "财经商贸部" in page and "罗斌" in page
    teacher = spiral.client_for("chenxiaoyu")  # a teacher reads the plan, filtered to one department
    listed = teacher.get("/plans/").get_data(as_text=True)
    assert "提质培优" in listed and "导入计划任务" not in listed
    plan_url = "/plans/1?department=财务科"
    mine = teacher.get(plan_url).get_data(as_text=True)
    assert "邓敏" in mine and "罗斌" not in mine.split("共 ")[1]
    sheet = load_workbook(io.BytesIO(teacher.get("/plans/1.xlsx").data))["计划进度"]
    assert sheet.max_row == 8


def test_a_workbook_naming_an_unknown_department_lists_the_row_and_imports_nothing(spiral):
    office = spiral.client_for("zhaohong")
    rows = ROWS + [[3, "（三）", "建设图书馆", "", "图书馆", "", None, date(2026, 1, 1), ""]]
    refused = upload(office, rows)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "图书馆" in text and "牵头部门" in text and "还没有行动计划" in text


def test_staff_see_a_bulletin_the_office_issues_and_teachers_may_not_issue_one(spiral):
    office = spiral.client_for("zhaohong")
    upload(office, ROWS)
    issued = office.post("/plans/1/bulletins", data={"body": "请各部门抓紧推进。"}, follow_redirects=True)
    assert "工作通报（第 1 期）" in issued.get_data(as_text=True) and "请各部门抓紧推进" in issued.get_data(as_text=True)
    teacher = spiral.client_for("chenxiaoyu")
    assert "工作通报（第 1 期）" in teacher.get("/plans/1/bulletins/1").get_data(as_text=True)
    assert teacher.post("/plans/1/bulletins", data={"body": "x"}).status_code == 403
    assert spiral.client_for("liuxin").get("/plans/1").status_code == 403  # students do not read plans


def test_the_cli_imports_lists_and_shows_a_plan(runner, tmp_path):
    path = tmp_path / "提质培优.xlsx"
    path.write_bytes(plan_workbook(ROWS))
    dry = runner.invoke(args=["plans", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "检查通过（未写入）" in dry.output, dry.output
    done = runner.invoke(args=["plans", "import", str(path)])
    assert done.exit_code == 0 and "已下达部门任务 7 个" in done.output, done.output
    plans = json.loads(runner.invoke(args=["plans", "list", "--json"]).output)
    assert [(p["name"], p["tasks"], p["shares"]) for p in plans] == [("提质培优", 2, 7)]
    shown = json.loads(runner.invoke(args=["plans", "show", str(plans[0]["id"]), "--json"]).output)
    finance = next(t for t in shown["tasks"] if t["department"] == "财务科")
    assert (finance["assignee"], finance["due"], finance["status"], finance["colour"]) == \
        ("邓敏", "2025-12-31", "running", "none")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(plan_workbook([[1, "x", "y", "", "图书馆", "", None, date(2026, 1, 1), ""]]))
    refused = runner.invoke(args=["plans", "import", str(bad)])
    assert refused.exit_code != 0 and isinstance(refused.exception, InvalidInput)
