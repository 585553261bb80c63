"""The demo school's three-year 提质培优 action plan (action_plan.json: its sections, 具体任务 and 责任部门 as the
plan writes them; the first department of each group leads), imported through the plan importer three months
ago: most departments accepted their tasks, some reported progress, a few 具体任务 are already past due."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.planning.plans.bulletins import issue_bulletin
from engine.planning.plans.imports import import_plan
from engine.planning.plans.models import PlanAssignment
from engine.workflow.models import HumanTask
from engine.workflow.tasks import complete_task

PLAN_FILE = Path(__file__).with_name("action_plan.json")
HEADERS = ["序号", "建设任务", "具体任务", "量化目标", "牵头部门", "协同部门", "开始日期", "完成时限", "阶段"]


def plan_rows(start: date) -> list[list[Any]]:
    """The plan's rows for the sheet 计划任务, dated from `start` over three years (three are due already)."""
    groups = json.loads(PLAN_FILE.read_text(encoding="utf-8"))["groups"]
    rows: list[list[Any]] = []
    for group in groups:
        for title in group["tasks"]:
            number = len(rows) + 1
            due = start + timedelta(days=75) if number in (3, 12, 19) else \
                date(start.year + 1 + number % 3, 6 + number % 2 * 6, 30 if number % 2 == 0 else 31)
            phase = "宣传动员" if due < start + timedelta(days=80) else "全面实施"
            rows.append([number, group["section"], title, _target(title), group["departments"][0],
                         "、".join(group["departments"][1:]), start, due, phase])
    return rows


def _target(title: str) -> str:
    """The 量化目标 a task's words carry (“培育1个…”, “超过50%”), or the task itself."""
    for mark in ("1个", "5名", "5个", "2门", "1门", "5门", "50%", "60人", "2倍"):
        if mark in title:
            return mark
    return ""


def workbook(start: date) -> bytes:
    """The plan as an .xlsx, with its three phases."""
    from openpyxl import Workbook  # loaded when a workbook is made, not at start-up (engine/sheets.py)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "计划任务"
    sheet.append(HEADERS)
    for row in plan_rows(start):
        sheet.append(row)
    phases = book.create_sheet("阶段")
    phases.append(["阶段", "开始日期", "结束日期"])
    phases.append(["宣传动员", start, start + timedelta(days=80)])
    phases.append(["全面实施", start + timedelta(days=81), date(start.year + 3, 6, 30)])
    phases.append(["整改提升", date(start.year + 3, 7, 1), date(start.year + 3, 12, 31)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed_plans(session: Session, now: datetime) -> int:
    """Import the plan as of 90 days ago and move its departments' tasks along; returns the shares."""
    imported = now - timedelta(days=90)
    report = import_plan(session, None, workbook(imported.date()), imported,
                         name=f"提质培优三年行动计划（{imported.year}—{imported.year + 3}）")
    shares = list(session.scalars(select(PlanAssignment).order_by(PlanAssignment.id)))
    for index, share in enumerate(shares):
        if index % 5 == 4:
            continue  # this department has not even accepted: its 接收任务 climbed the ladder
        _step(session, share, {"accepted": "yes", "arrangement": "已制定推进方案，明确责任人和时间节点。"},
              imported + timedelta(days=2))
        if index % 3 == 0:
            _step(session, share, {"percent": 30 + index % 4 * 15, "achieved": "已完成前期调研和方案论证。"},
                  imported + timedelta(days=40))
    if report.plan_id is not None:
        issue_bulletin(session, None, report.plan_id, "请逾期部门于本周内报告进展，领导小组办公室将在行政办公会上通报。",
                       now - timedelta(days=7))
    return len(report.assignments)


def _step(session: Session, share: PlanAssignment, data: dict[str, Any], at: datetime) -> None:
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == share.instance_id,
                                                   HumanTask.status == "open")).first()
    if task is None:
        return
    complete_task(session, task.assignee or task.candidates[0], task.id, data, at)
