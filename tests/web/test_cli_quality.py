"""The quality data on the command line, with workbooks written and read back by openpyxl: a library of our own,
values that start their improvements, the same file twice starting nothing, a wrong workbook refused row by row."""
from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook, load_workbook

from engine.errors import InvalidInput

LIBRARY = [
    ["代码", "名称", "层面", "诊断项目", "单位", "方向", "目标值", "标准值", "预警值", "数据来源", "采集频次", "责任角色",
     "备注"],
    ["T-HG", "期末合格率", "课程", "课堂教学与实践", "%", "越高越好", 96, 88, 80, "教务科", "学期", "课程负责人", "extra"],
    ["T-LS", "学生流失率", "课程", "", "%", "越低越好", 1, 3, 5, "", "学期", "教研室主任", ""],
]
VALUES = [
    ["指标代码", "对象代码", "周期", "值", "采集日期", "来源"],
    ["T-HG", "C-WDYY", "2025-2026-1", 76, "2025-10-10", "教务科"],
    ["T-HG", "C-PY", "2025-2026-1", 88, "2025/10/10", "教务科"],
    ["T-LS", "C-PY", "2025-2026-1", 3.5, "2025-10-10", "学工"],
]


def _book(path: Path, sheet: str, rows: list[list[object]]) -> Path:
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_library_and_values_of_our_own_start_their_improvements_and_a_second_import_starts_nothing(runner, tmp_path):
    library = _book(tmp_path / "lib.xlsx", "指标库", LIBRARY)
    result = runner.invoke(args=["indicators", "import", str(library)])
    assert result.exit_code == 0, result.output
    assert "新增或修改 2 个指标" in result.output
    assert "0 个指标" in runner.invoke(args=["indicators", "import", str(library)]).output

    values = _book(tmp_path / "values.xlsx", "指标值", VALUES)
    first = runner.invoke(args=["values", "import", str(values)])
    assert first.exit_code == 0, first.output
    assert "发起整改 2 项" in first.output  # the red pass rate and the yellow drop-out rate
    again = runner.invoke(args=["values", "import", str(values)])
    assert "已导入 0 个指标值（3 个已存在" in again.output and "发起整改 0 项" in again.output

    red, yellow = json.loads(runner.invoke(args=["warnings", "--json"]).output)  # red first
    assert (yellow["indicator"], yellow["status"]) == ("T-LS", "warning")
    warning = red
    assert (warning["indicator"], warning["subject"], warning["status"], warning["colour"]) == \
        ("T-HG", "C-WDYY", "fail", "red")
    assert warning["improvement_cycle"] and warning["state"] == "open"
    status = {row["indicator"]: row for row in json.loads(runner.invoke(
        args=["status", "--subject", "C-PY", "--period", "2025-2026-1", "--json"]).output)}
    assert (status["T-HG"]["status"], status["T-HG"]["label"]) == ("pass", "达标")  # on the standard line
    assert (status["T-LS"]["status"], status["T-LS"]["colour"]) == ("warning", "yellow")  # lower is better


def test_a_wrong_library_is_refused_with_its_rows_and_columns_and_nothing_is_imported(runner, tmp_path):
    rows = [LIBRARY[0], ["B-1", "课程合格率", "课程", "", "%", "越高越好", 80, 90, 85, "", "学期", "课程负责人"],
            ["B-2", "x", "年级", "", "", "向上", "a", 1, 1, "", "每天", "", ""]]
    result = runner.invoke(args=["indicators", "import", str(_book(tmp_path / "bad.xlsx", "指标库", rows))])
    assert result.exit_code != 0 and isinstance(result.exception, InvalidInput)
    problems = "\n".join(result.exception.errors["rows"])
    for expected in ("指标库 第 2 行", "目标值 ≥ 标准值 ≥ 预警值", "第 3 行 层面", "第 3 行 方向", "第 3 行 目标值",
                     "第 3 行 采集频次", "第 3 行 责任角色"):
        assert expected in problems
    export = tmp_path / "out.xlsx"
    assert runner.invoke(args=["indicators", "export", str(export)]).exit_code == 0
    assert load_workbook(export)["指标库"].max_row == 1  # headers only: nothing was imported


def test_the_exported_library_imports_back_unchanged(runner, tmp_path):
    runner.invoke(args=["indicators", "import", str(_book(tmp_path / "lib.xlsx", "指标库", LIBRARY))])
    export = tmp_path / "out.xlsx"
    runner.invoke(args=["indicators", "export", str(export)])
    assert [c.value for c in load_workbook(export)["指标库"][2]][:3] == ["T-HG", "期末合格率", "课程"]
    assert "新增或修改 0 个指标，2 个不变" in runner.invoke(args=["indicators", "import", str(export)]).output
