"""The quality workbooks: the library (sheet 指标库) and values (sheet 指标值), read and written with openpyxl.
Headers are the first row, exactly these names; extra columns are ignored. Every problem is named with its
sheet, row and column, and nothing is written while one remains."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.org.models import LEVEL_NAMES, Person, Subject
from engine.sheets import SheetData, as_date, read_workbook, typed_workbook
from engine.workflow.cycles import PERIOD

from .library import IndicatorFields, indicators, problems_of, save_indicator
from .models import DIRECTIONS, FREQUENCIES, Indicator, IndicatorValue
from .values import Recorded, ValueInput, latest_values, record_values

LIBRARY_SHEET = "指标库"
LIBRARY_HEADERS = ("代码", "名称", "层面", "诊断项目", "单位", "方向", "目标值", "标准值", "预警值", "数据来源",
                   "采集频次", "责任角色")
LIBRARY_OPTIONAL = ("预警流程", "适用周期")  # the process a warning starts (default improvement); lines from
VALUES_SHEET = "指标值"
VALUES_HEADERS = ("指标代码", "对象代码", "周期", "值", "采集日期", "来源")
MAX_ROWS = 100_000
_LEVEL_LABELS = {code: name for name, code in LEVEL_NAMES.items()}
_DIRECTION_LABELS = {code: name for name, code in DIRECTIONS.items()}
_FREQUENCY_LABELS = {code: name for name, code in FREQUENCIES.items()}


@dataclass
class LibraryReport:
    """What an import of the library did (or would do, in a dry run)."""

    saved: list[str] = field(default_factory=list)  # indicator codes added or changed
    unchanged: int = 0


def _rows(data: bytes, sheet: str, headers: tuple[str, ...],
          optional: tuple[str, ...] = ()) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {header: cell}) for every non-empty row of `sheet` (engine/sheets.py); raises InvalidWorkbook
    for a file that is not a workbook, a missing sheet or a missing header."""
    found = read_workbook(data, {sheet: headers + optional}, {sheet: headers}, max_rows=MAX_ROWS,
                          none_known=f"工作簿中没有名为“{sheet}”的工作表")
    return list(found.get(sheet, []))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).rstrip("%").replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    return as_date(value)


def import_library(session: Session, actor: Person | None, data: bytes, now: datetime,
                   dry_run: bool = False) -> LibraryReport:
    """Import the sheet 指标库: add or change each indicator by its 代码, its lines from 适用周期 on. All or nothing;
    every problem named with sheet, row and column (InvalidInput, errors["rows"]). Not committed."""
    report, problems, parsed = LibraryReport(), [], []
    seen: dict[str, int] = {}
    for number, cells in _rows(data, LIBRARY_SHEET, LIBRARY_HEADERS, LIBRARY_OPTIONAL):
        where = f"{LIBRARY_SHEET} 第 {number} 行"
        fields, row_problems = _library_fields(cells, where)
        if fields.code in seen:
            row_problems.append(f"{where} 代码：与第 {seen[fields.code]} 行重复")
        seen.setdefault(fields.code, number)
        if not row_problems:
            row_problems = [f"{where}：{p}" for p in problems_of(session, fields)]
        problems += row_problems
        parsed.append(fields)
    if problems:
        raise InvalidInput(f"指标库有 {len(problems)} 处错误，没有导入任何指标：" + "；".join(problems[:20]),
                           {"rows": problems})
    existing = {ind.code: _signature_of(ind) for ind in session.scalars(select(Indicator))}
    for fields in parsed:
        if existing.get(fields.code) == _signature(fields):
            report.unchanged += 1
            continue
        report.saved.append(fields.code)
        if not dry_run:
            save_indicator(session, actor, fields, now)
    return report


def _library_fields(cells: dict[str, Any], where: str) -> tuple[IndicatorFields, list[str]]:
    problems = []
    level = LEVEL_NAMES.get(_text(cells.get("层面")), "")
    if not level:
        problems.append(f"{where} 层面：应为 学校、专业、课程、教师 或 学生")
    direction = DIRECTIONS.get(_text(cells.get("方向")), "")
    if not direction:
        problems.append(f"{where} 方向：应为“越高越好”或“越低越好”")
    frequency = FREQUENCIES.get(_text(cells.get("采集频次")), "")
    if not frequency:
        problems.append(f"{where} 采集频次：应为 月、学期 或 学年")
    lines = {}
    for header in ("目标值", "标准值", "预警值"):
        lines[header] = _number(cells.get(header))
        if lines[header] is None:
            problems.append(f"{where} {header}：应为数字")
    period_from = _text(cells.get("适用周期"))
    if period_from and not PERIOD.match(period_from):
        problems.append(f"{where} 适用周期：应为学年（2025-2026）或学期（2025-2026-1）")
    for header in ("代码", "名称", "责任角色"):
        if not _text(cells.get(header)):
            problems.append(f"{where} {header}：不能为空")
    fields = IndicatorFields(
        code=_text(cells.get("代码")), name=_text(cells.get("名称")), level=level, direction=direction,
        aim=lines["目标值"] or 0.0, standard=lines["标准值"] or 0.0, warning=lines["预警值"] or 0.0,
        item=_text(cells.get("诊断项目")), measure_unit=_text(cells.get("单位")),
        source_unit=_text(cells.get("数据来源")), frequency=frequency or "term",
        responsible_role=_text(cells.get("责任角色")), process_id=_text(cells.get("预警流程")) or "improvement",
        period_from=period_from)
    return fields, problems


def _signature(fields: IndicatorFields) -> tuple[Any, ...]:
    return (fields.name, fields.level, fields.direction, fields.item, fields.measure_unit, fields.frequency,
            fields.process_id, fields.period_from, fields.aim, fields.standard, fields.warning)


def _signature_of(indicator: Indicator) -> tuple[Any, ...] | None:
    school = [t for t in indicator.thresholds if t.subject_id is None]
    if len(school) != 1:
        return None  # lines over several periods: compared row by row by save_indicator itself
    line = school[0]
    return (indicator.name, indicator.level, indicator.direction, indicator.item.name if indicator.item else "",
            indicator.measure_unit, indicator.frequency, indicator.process_id, line.period_from, line.aim,
            line.standard, line.warning)


def import_values(session: Session, actor: Person | None, data: bytes, now: datetime) -> Recorded:
    """Import the sheet 指标值 (all or nothing, every bad row named); values already recorded are left alone and
    bad values start their improvements (engine/quality/values.py). Not committed."""
    inputs, problems = [], []
    for number, cells in _rows(data, VALUES_SHEET, VALUES_HEADERS):
        where = f"{VALUES_SHEET} 第 {number} 行"
        value, measured = _number(cells.get("值")), _date(cells.get("采集日期"))
        if value is None:
            problems.append(f"{where} 值：应为数字")
        if measured is None:
            problems.append(f"{where} 采集日期：应为日期，如 2026-01-10")
        inputs.append(ValueInput(_text(cells.get("指标代码")), _text(cells.get("对象代码")), _text(cells.get("周期")),
                                 value, measured, _text(cells.get("来源")), where=where))
    if problems:
        raise InvalidInput(f"指标值有 {len(problems)} 处错误，没有导入任何值：" + "；".join(problems[:20]),
                           {"rows": problems})
    return record_values(session, actor, inputs, now, origin="import")


def export_library(session: Session) -> bytes:
    """The library as a workbook the import reads back unchanged (the school's lines, newest period)."""
    from openpyxl import Workbook  # loaded when a workbook is made, not at start-up (engine/sheets.py)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LIBRARY_SHEET
    sheet.append([*LIBRARY_HEADERS, *LIBRARY_OPTIONAL])
    for ind in indicators(session):
        for line in (t for t in ind.thresholds if t.subject_id is None):
            sheet.append([ind.code, ind.name, _LEVEL_LABELS[ind.level], ind.item.name if ind.item else "",
                          ind.measure_unit, _DIRECTION_LABELS[ind.direction], line.aim, line.standard, line.warning,
                          ind.source_unit.code if ind.source_unit else "", _FREQUENCY_LABELS[ind.frequency],
                          ind.responsible_role, ind.process_id, line.period_from])
    return _bytes(book)


def export_values(session: Session, rows: list[IndicatorValue] | None = None) -> bytes:
    """The latest values (or `rows`) as a 指标值 sheet the import reads back (its six columns first, then what a
    reader wants beside them: names, status and the lines judged by), with real dates and numbers."""
    codes = dict(session.execute(select(Subject.id, Subject.code)).all())
    names = dict(session.execute(select(Subject.id, Subject.name)).all())
    labels = {"excellent": "优", "pass": "达标", "warning": "预警", "fail": "不合格"}
    colours = {"warning": "yellow", "fail": "red"}
    values = rows if rows is not None else latest_values(session)
    cells = [[v.indicator.code, codes[v.subject_id], v.period, v.value, v.measured_on, v.source, v.indicator.name,
              names[v.subject_id], labels.get(v.status, v.status), v.aim, v.standard, v.warning, v.entered_at]
             for v in values]
    headers = (*VALUES_HEADERS, "指标", "诊改对象", "状态", "目标值", "标准值", "预警值", "录入时间")
    return typed_workbook([SheetData(VALUES_SHEET, headers, cells, [colours.get(v.status) for v in values])])


def _bytes(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

