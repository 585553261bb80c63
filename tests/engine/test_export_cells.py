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
