"""The org workbook (.xlsx): its four sheets and their headers, reading one into plain rows, writing rows and the
template. What the rows mean is engine/org/import_rows.py's business; this module only knows cells.

The rows type, `OrgSheets`, is what `engine.org.imports.import_org` takes, so any source (a workbook, the campus
directory) can feed it: a dict from sheet name (单位, 人员, 任职, 诊改对象) to a list of (row number, {header: value});
a value is a str, int, float, date, datetime or None. A header missing from a row's dict means "leave that field
as it is" (only optional columns may be missing); row numbers are what problems are reported with.
"""
from __future__ import annotations

import io

from engine.sheets import CellValue, Sheets, read_workbook

OrgSheets = Sheets

UNITS, PEOPLE, HOLDINGS, SUBJECTS = "单位", "人员", "任职", "诊改对象"
# Every column of each sheet, in the order the template and the export write them.
COLUMNS: dict[str, tuple[str, ...]] = {
    UNITS: ("代码", "名称", "类型", "上级代码", "简称"),
    PEOPLE: ("工号", "姓名", "所属单位代码", "类别", "邮箱", "手机"),
    HOLDINGS: ("工号", "角色", "单位代码", "开始日期", "结束日期"),
    SUBJECTS: ("层面", "代码", "名称", "所属单位代码", "本人工号"),
}
# The columns a sheet must have (its header row names them); a cell in one may be empty only where
# engine/org/import_rows.py says so (上级代码 of the school, for instance, is optional).
REQUIRED: dict[str, tuple[str, ...]] = {
    UNITS: ("代码", "名称", "类型"),
    PEOPLE: ("工号", "姓名"),
    HOLDINGS: ("工号", "角色", "单位代码"),
    SUBJECTS: ("层面", "代码", "名称", "所属单位代码"),
}
MAX_ROWS = 50_000  # per sheet
DATE_COLUMNS = ("开始日期", "结束日期")

NOTES = [  # the template's 说明 sheet: what each column takes
    ("单位", "代码", "必填；单位的唯一代码，如 D-JWK、M-710201"),
    ("单位", "名称", "必填"),
    ("单位", "类型", "必填：学校、处室、专业部、教研室、专业、课程、班级、委员会"),
    ("单位", "上级代码", "上级单位的代码；只有学校可以留空（只能有一个学校）"),
    ("单位", "简称", "可选；多个简称用顿号“、”分隔，如 教务处、教务"),
    ("人员", "工号", "必填；登录用户名，学生填学号"),
    ("人员", "姓名", "必填"),
    ("人员", "所属单位代码", "单位表或系统中已有单位的代码（系统管理员等可留空）"),
    ("人员", "类别", "教职工 或 学生；留空为教职工"),
    ("人员", "邮箱", "可选；接收通知"),
    ("人员", "手机", "可选"),
    ("任职", "工号", "必填；人员表或系统中已有人员的工号"),
    ("任职", "角色", "必填；角色名称（如 课程负责人）或代码（如 course_lead）"),
    ("任职", "单位代码", "必填；在哪个单位担任该角色（对其下级单位同样有效）"),
    ("任职", "开始日期", "可选；如 2026-02-23；留空表示立即生效"),
    ("任职", "结束日期", "可选；不早于开始日期；留空表示长期有效"),
    ("诊改对象", "层面", "必填：学校、专业、课程、教师、学生"),
    ("诊改对象", "代码", "必填；诊改对象的唯一代码，启动周期时使用"),
    ("诊改对象", "名称", "必填"),
    ("诊改对象", "所属单位代码", "必填；任务按此单位向上查找负责人"),
    ("诊改对象", "本人工号", "教师、学生层面必填：该教师或学生的工号"),
    ("说明", "整体", "首行为列名，列名须与模板一致；多余的列会被忽略；工作表可只保留需要的几张。"
                  "同一文件重复导入不会产生变化；人员表中没有的人员将被停用，单位表中没有的单位将被关闭，"
                  "任职表中没有的任职将于导入前一天结束；诊改对象表中没有的诊改对象保持不变。"),
]
EXAMPLES: dict[str, list[tuple[CellValue, ...]]] = {
    UNITS: [("SCHOOL", "某某市职业技术学校", "学校", "", ""), ("D-JWK", "教务处", "处室", "SCHOOL", "教务科、教务"),
            ("T-JSJ", "计算机教研室", "教研室", "D-JWK", ""), ("C-PY", "程序设计基础", "课程", "T-JSJ", "")],
    PEOPLE: [("T0001", "张老师", "T-JSJ", "教职工", "zhang@example.edu.cn", "13800000000")],
    HOLDINGS: [("T0001", "课程负责人", "C-PY", "2026-02-23", "2026-07-10")],
    SUBJECTS: [("课程", "C-PY", "程序设计基础", "C-PY", ""), ("教师", "T-T0001", "张老师", "T-JSJ", "T0001")],
}


def read_org_workbook(data: bytes) -> OrgSheets:
    """The known sheets of an org workbook as rows (engine/sheets.py); raises InvalidWorkbook (every problem at
    once) for a file that is not an .xlsx, too large, without a known sheet, or with a sheet missing a required
    column."""
    return read_workbook(data, COLUMNS, REQUIRED, max_rows=MAX_ROWS,
                         none_known="没有可导入的工作表：工作表名称应为 单位、人员、任职 或 诊改对象")


def write_workbook(sheets: dict[str, list[tuple[CellValue, ...]]], notes: bool = False) -> bytes:
    """An .xlsx with one sheet per entry (headers from COLUMNS, bold, then the rows) and, with `notes`, a 说明
    sheet explaining every column."""
    from openpyxl import Workbook  # loaded when a workbook is made, not at start-up (engine/sheets.py)
    from openpyxl.styles import Font
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(COLUMNS[name]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in rows:
            sheet.append(list(values))
        for column, header in zip("ABCDEF", COLUMNS[name]):
            sheet.column_dimensions[column].width = 24 if header in ("名称", "邮箱") else 16
            if header in DATE_COLUMNS:
                for cell in sheet[column][1:]:
                    cell.number_format = "yyyy-mm-dd"
    if notes:
        sheet = book.create_sheet("说明")
        sheet.append(["工作表", "列", "填写说明"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in NOTES:
            sheet.append(list(row))
        sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook() -> bytes:
    """The import template: the four sheets with their headers and an example row or two, and the 说明 sheet."""
    return write_workbook(EXAMPLES, notes=True)
