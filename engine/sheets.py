"""Workbooks (.xlsx) in and out. In: reading an imported workbook into plain rows, the one reader every import
uses (the org sheets, the indicator library and values): the first row names the columns, extra columns are
ignored, empty rows are skipped, and what is wrong with the file itself is said in one InvalidWorkbook listing
every problem. Out: `typed_workbook`, the one typed writer every list export uses: dates and times are real
dates with a number format (Excel sorts and filters them), numbers are numbers, text that a spreadsheet would
read as a formula (= + - @, a tab or CR first) is kept as text and never runs, and control characters an .xlsx
cannot hold are dropped. What the rows mean is each caller's business; this module only knows cells."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .errors import InvalidWorkbook, SheetProblem

CellValue = str | int | float | date | datetime | None
Sheets = dict[str, list[tuple[int, dict[str, CellValue]]]]  # sheet name → (row number, {header: value})
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000  # per sheet


def read_workbook(data: bytes, columns: dict[str, tuple[str, ...]], required: dict[str, tuple[str, ...]], *,
                  max_rows: int = MAX_ROWS, none_known: str = "") -> Sheets:
    """The sheets of `columns` found in the workbook, as rows of the columns each knows; raises InvalidWorkbook
    (every problem at once) for a file that is not an .xlsx, too large, with a sheet that lacks one of its
    `required` columns or has more than `max_rows` rows, or (when `none_known` says so) with none of the sheets."""
    if len(data) > MAX_BYTES:
        raise InvalidWorkbook([SheetProblem("文件", None, "", f"文件太大（最多 {MAX_BYTES // 1024 // 1024} MB）")])
    not_a_workbook = InvalidWorkbook([SheetProblem("文件", None, "", "不是 Excel 工作簿（.xlsx），请用模板另存为 .xlsx 后再上传")])
    from openpyxl import load_workbook  # openpyxl is loaded when a workbook is read or written, not at start-up
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise not_a_workbook from exc  # SyntaxError: the XML parser's ParseError, a damaged part
    try:
        return _read_sheets(book, columns, required, max_rows, none_known)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:  # a sheet's part is damaged
        raise not_a_workbook from exc
    finally:
        book.close()


def _read_sheets(book: Any, columns: dict[str, tuple[str, ...]], required: dict[str, tuple[str, ...]],
                 max_rows: int, none_known: str) -> Sheets:
    problems: list[SheetProblem] = []
    sheets: Sheets = {}
    for name in columns:
        if name not in book.sheetnames:
            continue
        rows = book[name].iter_rows(values_only=True)
        header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
        missing = [c for c in required.get(name, ()) if c not in header]
        for column in missing:
            problems.append(SheetProblem(name, 1, column, f"缺少列“{column}”（首行应为列名：{'、'.join(columns[name])}）"))
        if missing:
            continue
        wanted = {i: h for i, h in enumerate(header) if h in columns[name]}
        found: list[tuple[int, dict[str, CellValue]]] = []
        for number, values in enumerate(rows, start=2):
            if len(found) >= max_rows:
                problems.append(SheetProblem(name, number, "", f"行数太多（每张工作表最多 {max_rows} 行）"))
                break
            row = {h: cell(values[i]) if i < len(values) else None for i, h in wanted.items()}
            if any(v not in (None, "") for v in row.values()):
                found.append((number, row))
        sheets[name] = found
    if not sheets and not problems and none_known:
        problems.append(SheetProblem("工作簿", None, "", none_known))
    if problems:
        raise InvalidWorkbook(problems)
    return sheets


def cell(value: Any) -> CellValue:
    """A cell's value as the rows keep it (text stripped)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, date, datetime)) or value is None:
        return value
    return str(value)


def as_text(value: CellValue) -> str:
    """A cell as text: a whole float without its “.0”, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).strip()


def as_date(value: CellValue) -> date | None:
    """A cell as a date: a date cell, or text like 2026-07-10, 2026/7/10 or 2026.7.10; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"
FILLS = {"red": "FFE3E3", "orange": "FFE8CC", "yellow": "FFF3BF", "green": "E6F4EA"}


@dataclass
class SheetData:
    """One sheet to write: its name, the header row, the rows (values in header order) and, optionally, a
    colour per row (red, orange, yellow, green or None)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    colours: Sequence[str | None] = ()


def typed(value: Any) -> Any:
    """A value as a typed cell holds it: booleans as 是/否, Decimals as floats, aware times as their wall time,
    text without the control characters an .xlsx cannot hold; dates, times and numbers as they are."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, date)):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def typed_workbook(sheets: Sequence[SheetData], *, creator: str = "", title: str = "") -> bytes:
    """An .xlsx of `sheets`: a bold, frozen header row, typed cells (see `typed`), text that looks like a
    formula stored as text with Excel's quote prefix, dates formatted, columns sized to their text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    book = Workbook()
    book.remove(book.worksheets[0])
    if creator:
        book.properties.creator = creator
    if title:
        book.properties.title = title
    for data in sheets:
        sheet = book.create_sheet(typed(data.title)[:31].replace("/", "-") or "Sheet")
        sheet.append([typed(h) for h in data.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        colours = list(data.colours)
        for number, row in enumerate(data.rows):
            sheet.append([typed(v) for v in row])
            colour = FILLS.get(colours[number] or "") if number < len(colours) else None
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.data_type, cell.quotePrefix = "s", True  # "=HYPERLINK(…)" stays text, never a live formula
                elif isinstance(cell.value, datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour)
        for number, column in enumerate(sheet.columns, 1):
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[get_column_letter(number)].width = min(60, max(10, width * 1.6))
        sheet.freeze_panes = "A2"
    if not book.worksheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
