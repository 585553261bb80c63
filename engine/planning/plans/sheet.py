"""The plan workbook: sheet 计划任务 (one row per 具体任务) and, optionally, sheet 阶段 (each phase's dates),
read into rows whose departments are resolved to units. Every problem is named with its sheet, row and column;
a department the school does not have comes with the closest units as suggestions."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from engine.errors import InvalidWorkbook, SheetProblem
from engine.org.models import Unit
from engine.sheets import CellValue, as_date, as_text, read_workbook

from .departments import Directory, directory, split_names

TASKS_SHEET = "计划任务"
TASK_HEADERS = ("序号", "建设任务", "具体任务", "量化目标", "牵头部门", "协同部门", "开始日期", "完成时限", "阶段")
TASK_REQUIRED = ("序号", "建设任务", "具体任务", "牵头部门", "完成时限")
PHASES_SHEET = "阶段"
PHASE_HEADERS = ("阶段", "开始日期", "结束日期")
MAX_ROWS = 2000


@dataclass(frozen=True)
class PhaseRow:
    """A phase as the workbook gives it."""

    name: str
    starts_on: date | None
    ends_on: date | None


@dataclass
class TaskRow:
    """One 具体任务 as the workbook gives it, its departments resolved (leads first; a unit both 牵头 and 协同
    is 牵头 only)."""

    row: int
    number: str
    section: str
    title: str
    target: str
    leads: list[Unit] = field(default_factory=list)
    assists: list[Unit] = field(default_factory=list)
    starts_on: date | None = None
    due_on: date | None = None
    phase: str = ""


@dataclass
class PlanSheet:
    """The rows of a plan workbook."""

    tasks: list[TaskRow]
    phases: list[PhaseRow]


def read_plan(session: Session, data: bytes) -> PlanSheet:
    """Read a plan workbook; raises InvalidWorkbook listing every problem (nothing is imported then)."""
    sheets = read_workbook(data, {TASKS_SHEET: TASK_HEADERS, PHASES_SHEET: PHASE_HEADERS},
                           {TASKS_SHEET: TASK_REQUIRED, PHASES_SHEET: PHASE_HEADERS}, max_rows=MAX_ROWS)
    problems: list[SheetProblem] = []
    if TASKS_SHEET not in sheets:
        raise InvalidWorkbook([SheetProblem("工作簿", None, "", f"工作簿中没有名为“{TASKS_SHEET}”的工作表"
                                            f"（首行应为：{'、'.join(TASK_HEADERS)}）")])
    phases = _phases(sheets.get(PHASES_SHEET, []), problems)
    known_phases = {p.name for p in phases}
    units = directory(session)
    tasks: list[TaskRow] = []
    seen: dict[str, int] = {}
    section = ""
    for number, cells in sheets[TASKS_SHEET]:
        section = as_text(cells.get("建设任务")) or section  # a merged 建设任务 cell names the rows below it
        task = _task(number, cells, section, units, problems)
        if task.number in seen:
            problems.append(SheetProblem(TASKS_SHEET, number, "序号", f"与第 {seen[task.number]} 行重复"))
        elif task.number:
            seen[task.number] = number
        if task.phase and PHASES_SHEET in sheets and task.phase not in known_phases:
            problems.append(SheetProblem(TASKS_SHEET, number, "阶段", f"“{task.phase}”不在工作表“{PHASES_SHEET}”中"
                                         f"（有：{'、'.join(sorted(known_phases)) or '无'}）"))
        tasks.append(task)
    if not tasks and not problems:
        problems.append(SheetProblem(TASKS_SHEET, None, "", "没有任何任务行"))
    if problems:
        raise InvalidWorkbook(problems)
    return PlanSheet(tasks, phases)


def _phases(rows: list[tuple[int, dict[str, CellValue]]], problems: list[SheetProblem]) -> list[PhaseRow]:
    found: list[PhaseRow] = []
    for number, cells in rows:
        name = as_text(cells.get("阶段"))[:100]
        first, last = as_date(cells.get("开始日期")), as_date(cells.get("结束日期"))
        if not name:
            problems.append(SheetProblem(PHASES_SHEET, number, "阶段", "请填写阶段名称"))
        for column, value, parsed in (("开始日期", cells.get("开始日期"), first), ("结束日期", cells.get("结束日期"), last)):
            if parsed is None:
                problems.append(SheetProblem(PHASES_SHEET, number, column,
                                             f"“{as_text(value)}”不是日期（应写成 2026-09-01）" if as_text(value)
                                             else "请填写日期"))
        if first and last and last < first:
            problems.append(SheetProblem(PHASES_SHEET, number, "结束日期", "结束日期早于开始日期"))
        found.append(PhaseRow(name, first, last))
    return found


def _task(number: int, cells: dict[str, CellValue], section: str, units: Directory,
          problems: list[SheetProblem]) -> TaskRow:
    def problem(column: str, message: str) -> None:
        problems.append(SheetProblem(TASKS_SHEET, number, column, message))

    task = TaskRow(number, as_text(cells.get("序号"))[:20], section[:300], as_text(cells.get("具体任务")),
                   as_text(cells.get("量化目标"))[:2000], phase=as_text(cells.get("阶段"))[:100])
    if not task.number:
        problem("序号", "请填写序号")
    if not task.section:
        problem("建设任务", "请填写建设任务")
    if not task.title:
        problem("具体任务", "请填写具体任务")
    elif len(task.title) > 500:
        problem("具体任务", f"太长（{len(task.title)} 字，最多 500 字）")
    task.leads = _units(cells.get("牵头部门"), "牵头部门", units, problem, required=True)
    lead_ids = {u.id for u in task.leads}
    task.assists = [u for u in _units(cells.get("协同部门"), "协同部门", units, problem) if u.id not in lead_ids]
    for column in ("开始日期", "完成时限"):
        text = as_text(cells.get(column))
        parsed = as_date(cells.get(column))
        if text and parsed is None:
            problem(column, f"“{text}”不是日期（应写成 2026-07-10）")
        elif column == "完成时限" and parsed is None:
            problem(column, "请填写完成时限")
        setattr(task, "starts_on" if column == "开始日期" else "due_on", parsed)
    if task.starts_on and task.due_on and task.due_on < task.starts_on:
        problem("完成时限", "完成时限早于开始日期")
    return task


def _units(value: CellValue, column: str, units: Directory, say: Callable[[str, str], None],
           required: bool = False) -> list[Unit]:
    names = split_names(as_text(value))
    if required and not names:
        say(column, "请填写部门（多个部门用“、”分隔）")
    found: list[Unit] = []
    for name in names:
        resolved = units.resolve(name)
        if resolved is None:
            close = units.suggestions(name)
            hint = f"，最接近的有：{'、'.join(close)}" if close else ""
            say(column, f"学校没有名为“{name}”的部门{hint}；请改用单位名称，或在该单位的简称中加上“{name}”")
            continue
        found += [unit for unit in resolved if unit.id not in {u.id for u in found}]
    return found
