"""考核 as an .xlsx for 绩效: sheets 部门考核, 个人考核 and 权重, every figure a number (rates in per cent), written
by the one typed writer (engine/sheets.py)."""
from __future__ import annotations

from typing import Any

from engine.sheets import SheetData, typed_workbook

from .appraisal import Appraisal, AppraisalRow
from .appraisal_weights import KEYS, LABELS, RATES

SHEETS = ("部门考核", "个人考核", "权重")
FIGURES = ("按时完成率(%)", "按时办结", "逾期办结", "逾期未办", "红色问责单", "质量预警", "整改完成", "整改总数",
           "目标达成度(%)", "目标数")
DEPARTMENT_HEADERS = ("部门", *FIGURES, "计划任务完成", "计划任务总数", "计划任务完成率(%)", "得分")
PERSON_HEADERS = ("工号", "姓名", "部门", *FIGURES, "得分")
WEIGHT_HEADERS = ("考核项", "代码", "权重", "计分方式")


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _figures(row: AppraisalRow) -> list[Any]:
    rate = row.rate
    return [_percent(rate.rate), rate.on_time, rate.late, rate.overdue_open, row.red_notices, row.warnings,
            row.improvements_closed, row.improvements, _percent(row.goal_attainment), row.goals]


def appraisal_workbook(found: Appraisal, school: str = "") -> bytes:
    """The appraisal as an .xlsx (the school's name its author and the start of its title)."""
    departments = [[row.name or "（未归属部门）", *_figures(row), row.plans_done, row.plans,
                    _percent(row.rates()["plans"]), row.score] for row in found.departments]
    people = [[row.key, row.name, row.department, *_figures(row), row.score] for row in found.people]
    weights = [[LABELS[key], key, found.weights.values[key],
                "比率 × 权重（权重之和 100）" if key in RATES else "每项扣分"] for key in KEYS]
    title = f"考核 {found.period}"
    return typed_workbook([SheetData(SHEETS[0], DEPARTMENT_HEADERS, departments),
                           SheetData(SHEETS[1], PERSON_HEADERS, people),
                           SheetData(SHEETS[2], WEIGHT_HEADERS, weights)],
                          creator=school, title=f"{school} {title}" if school else title)
