"""The notices export keeps text that looks like a formula as text."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from engine.supervision.reports import notices_workbook


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "=1/0"])
def test_a_task_name_that_looks_like_a_formula_stays_text_in_the_export(text):
    data = notices_workbook([{"task": text, "number": "DB-1"}], [("number", "编号"), ("task", "事项")], "督办清单")
    cell = load_workbook(io.BytesIO(data)).active["B2"]
    assert cell.data_type == "s" and cell.value == text


def test_the_typed_writer_keeps_dates_numbers_and_formula_text_apart():
    from datetime import date, datetime

    from engine.sheets import SheetData, typed_workbook
    data = typed_workbook([SheetData("清单", ["时间", "日期", "数", "文本", "脏"],
                                     [[datetime(2026, 3, 1, 9, 30), date(2026, 3, 2), 82.5, "=1+1", "a\x01b\x1fc"]])])
    row = load_workbook(io.BytesIO(data)).active[2]
    assert isinstance(row[0].value, datetime) and row[0].number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(row[1].value, datetime) and row[1].number_format == "yyyy-mm-dd"  # Excel keeps dates as times
    assert row[2].value == 82.5 and row[2].data_type == "n"
    assert row[3].value == "=1+1" and row[3].data_type == "s" and row[3].quotePrefix
    assert row[4].value == "abc"  # control characters an .xlsx cannot hold are dropped, not an error
