"""The cockpit's cycle list and an inbox tab as .xlsx (the typed writer of engine/sheets.py): one row per cycle or
task, with real dates and numbers, as filtered on the page."""
from __future__ import annotations

from datetime import datetime

from engine.definitions.stages import DEFAULT_STAGES
from engine.org.models import LEVEL_NAMES
from engine.sheets import SheetData, typed_workbook

from .models import HumanTask, ProcessInstance

EXPORT_MAX = 10_000  # rows in one export: the list's filters narrow a larger one
STAGES = dict(DEFAULT_STAGES)
LEVEL_LABELS = {code: label for label, code in LEVEL_NAMES.items()}
CYCLE_STATUS = {"running": "进行中", "completed": "已完成", "cancelled": "已取消"}
TASK_STATUS = {"open": "待办", "done": "已完成", "cancelled": "已取消"}
RUNGS = {"none": "", "remind": "已提醒", "yellow": "黄色预警", "orange": "橙色督办", "red": "红色问责"}
CYCLE_HEADERS = ("编号", "诊改对象代码", "诊改对象", "层面", "流程", "版本", "周期", "当前阶段", "状态", "异常",
                 "启动时间", "完成时间", "有期限任务已完成", "按时完成", "待办中有期限")
TASK_HEADERS = ("编号", "事项", "诊改对象", "流程", "周期", "阶段", "角色", "办理人", "状态", "督办", "创建时间",
                "截止时间", "完成时间", "完成人", "逾期天数", "周期编号")


def cycles_workbook(instances: list[ProcessInstance], school: str = "") -> bytes:
    """The cycles as a workbook (sheet 诊改周期)."""
    rows = [[i.id, i.subject.code, i.subject.name, LEVEL_LABELS.get(i.subject.level, i.subject.level), i.definition.name, i.definition.version, i.period,
             STAGES.get(i.current_stage, i.current_stage), CYCLE_STATUS.get(i.status, i.status),
             bool(i.incident), i.started_at, i.completed_at, i.due_tasks_done, i.due_tasks_on_time, i.due_tasks_open]
            for i in instances]
    return typed_workbook([SheetData("诊改周期", CYCLE_HEADERS, rows)], creator=school)


def tasks_workbook(tasks: list[HumanTask], now: datetime, title: str = "任务", school: str = "") -> bytes:
    """The tasks as a workbook: who holds each, its dates and days past due (open and late, or finished late)."""
    rows, colours = [], []
    for t in tasks:
        holder = t.assignee.name if t.assignee else "、".join(p.name for p in t.candidates)
        end = t.completed_at or (now if t.status == "open" else None)
        late = max(0, (end.date() - t.due_at.date()).days) if end and t.due_at and end > t.due_at else 0
        rows.append([t.id, t.title, t.instance.subject.name, t.instance.definition.name, t.instance.period,
                     STAGES.get(t.stage, t.stage), t.role_name, holder, TASK_STATUS.get(t.status, t.status),
                     RUNGS.get(t.rung, t.rung), t.created_at, t.due_at, t.completed_at,
                     t.completed_by.name if t.completed_by else "", late, t.instance_id])
        colours.append(t.rung if t.rung in ("red", "orange", "yellow") else None)
    return typed_workbook([SheetData(title, TASK_HEADERS, rows, colours)], creator=school)
