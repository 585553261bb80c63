"""Plan workbooks built in tests, with the sheet 计划任务's headers exactly."""
from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

HEADERS = ["序号", "建设任务", "具体任务", "量化目标", "牵头部门", "协同部门", "开始日期", "完成时限", "阶段"]


def plan_workbook(rows: list[list[Any]], phases: list[list[Any]] | None = None) -> bytes:
    """An .xlsx with the sheet 计划任务 (and 阶段 when given)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "计划任务"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    if phases is not None:
        extra = book.create_sheet("阶段")
        extra.append(["阶段", "开始日期", "结束日期"])
        for row in phases:
            extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
