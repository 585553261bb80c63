"""Reading an imported workbook (.xlsx) into plain rows, the one reader every import uses (the org sheets, the
indicator library and values): the first row names the columns, extra columns are ignored, empty rows are
skipped, and what is wrong with the file itself is said in one InvalidWorkbook listing every problem. What the
rows mean is each importer's business; this module only knows cells."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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
