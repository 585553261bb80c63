"""A plan's progress as an .xlsx: one row per department's share (the plan page's table), and the template."""
from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy.orm import Session

from engine.org.models import Person
from engine.sheets import SheetData, typed_workbook

from .progress import Share, overview
from .sheet import TASK_HEADERS, TASKS_SHEET

PROGRESS_HEADERS = ("序号", "建设任务", "具体任务", "量化目标", "责任部门", "牵头/协同", "阶段", "完成时限", "状态",
                    "完成进度(%)", "当前步骤", "办理人", "督办", "逾期天数", "最近进展")
RUNG_LABELS = {"none": "", "remind": "已提醒", "yellow": "黄色预警", "orange": "橙色督办", "red": "红色问责"}


def filter_shares(shares: list[Share], department: str = "", status: str = "", search: str = "") -> list[Share]:
    """The shares of one department, status (or "late") and holding `search` in title, number or holders, as the
    plan page and its export narrow them (empty filters keep all)."""
    return [s for s in shares
            if (not department or s.department == department)
            and (not status or (s.late if status == "late" else s.status == status))
            and (not search or search in s.title or search in s.number or search in "、".join(s.holders))]


def export_progress(session: Session, actor: Person | None, plan_id: int, now: datetime, department: str = "",
                    status: str = "", search: str = "") -> bytes:
    """The plan's shares (narrowed as `filter_shares` does) as a workbook (sheet 计划进度, with the whole plan's
    汇总); raises NotFound, NotAllowed."""
    state = overview(session, actor, plan_id, now)
    kept = filter_shares(state.shares, department, status, search)
    shares = [[s.number, s.section, s.title, s.target, s.department, s.role, s.phase, s.due_on, s.status_label,
               s.percent, s.step, "、".join(s.holders), RUNG_LABELS.get(s.rung, s.rung),
               s.late_days if s.late else 0, s.summary] for s in kept]
    summary = [[group, c.name, c.done, c.total, c.late]
               for group, rows in (("建设任务", state.by_section), ("责任部门", state.by_department), ("阶段", state.by_phase))
               for c in rows]
    return typed_workbook([SheetData("计划进度", PROGRESS_HEADERS, shares,
                                     ["red" if s.late else None for s in kept]),
                           SheetData("汇总", ("分组", "名称", "完成", "总数", "逾期"), summary)])


def plan_template() -> bytes:
    """An empty plan workbook with the sheet 计划任务's headers and one example row, and the sheet 阶段."""
    from openpyxl import Workbook  # loaded when a workbook is made, not at start-up (engine/sheets.py)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TASKS_SHEET
    sheet.append(list(TASK_HEADERS))
    sheet.append([1, "（一）改善办学条件", "建成国家级产教融合实训基地1个", "1个", "实训管理中心", "招生就业办、财务科",
                  "2026-03-01", "2027-12-31", "全面实施"])
    phases = book.create_sheet("阶段")
    phases.append(["阶段", "开始日期", "结束日期"])
    phases.append(["全面实施", "2026-03-01", "2027-12-31"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
