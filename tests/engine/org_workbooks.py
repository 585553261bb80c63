"""Writing real .xlsx files for the import tests with openpyxl, and another school's workbook (not the demo's)
filled in on the template's sheets."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from engine.org.workbook import COLUMNS

Rows = dict[str, list[tuple[Any, ...]]]


def xlsx(sheets: Rows, headers: dict[str, tuple[str, ...]] | None = None) -> bytes:
    """An .xlsx with these sheets: the first row the sheet's headers (COLUMNS unless given), then the rows."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list((headers or {}).get(name, COLUMNS.get(name, ()))))
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def another_school() -> Rows:
    """东方职业学校: its own departments, majors, courses, a class and its students."""
    return {
        "单位": [
            ("DF", "东方职业学校", "学校", "", "东职"),
            ("DF-JWC", "教学工作处", "处室", "DF", "教务处、教务"),
            ("DF-ZLK", "质量控制科", "处室", "DF", ""),
            ("DF-XXB", "信息工程系", "专业部", "DF", "信息系"),
            ("DF-RJ", "软件教研组", "教研室", "DF-XXB", ""),
            ("DF-M-RJ", "软件与信息服务", "专业", "DF-XXB", ""),
            ("DF-C-JAVA", "Java程序设计", "课程", "DF-RJ", ""),
            ("DF-C-SQL", "数据库应用", "课程", "DF-RJ", ""),
            ("DF-K-2025RJ1", "2025级软件1班", "班级", "DF-M-RJ", ""),
        ],
        "人员": [
            ("DF001", "周校长", "DF", "教职工", "zhou@df.example.edu.cn", "13900000001"),
            ("DF002", "吴科长", "DF-ZLK", "教职工", "wu@df.example.edu.cn", ""),
            ("DF003", "郑主任", "DF-RJ", "教职工", "zheng@df.example.edu.cn", ""),
            ("DF004", "冯老师", "DF-RJ", "教职工", "feng@df.example.edu.cn", ""),
            ("DF005", "钱老师", "DF-RJ", "教职工", "", ""),
            ("20250101", "学生甲", "DF-K-2025RJ1", "学生", "", ""),
            ("20250102", "学生乙", "DF-K-2025RJ1", "学生", "", ""),
        ],
        "任职": [
            ("DF001", "校长", "DF", None, None),
            ("DF002", "质量办主任", "DF", None, None),
            ("DF003", "教研室主任", "DF-RJ", None, None),
            ("DF004", "课程负责人", "DF-C-JAVA", date(2025, 9, 1), None),
            ("DF004", "任课教师", "DF-C-JAVA", None, None),
            ("DF005", "course_lead", "DF-C-SQL", "2025-09-01", "2026/1/23"),
            ("DF005", "班主任", "DF-K-2025RJ1", None, None),
            ("20250101", "学生", "DF-K-2025RJ1", None, None),
            ("20250102", "学生", "DF-K-2025RJ1", None, None),
        ],
        "诊改对象": [
            ("学校", "DF-SCH", "东方职业学校", "DF", ""),
            ("专业", "DF-MAJ-RJ", "软件与信息服务", "DF-M-RJ", ""),
            ("课程", "DF-C-JAVA", "Java程序设计", "DF-C-JAVA", ""),
            ("课程", "DF-C-SQL", "数据库应用", "DF-C-SQL", ""),
            ("教师", "DF-T-DF004", "冯老师（教师）", "DF-RJ", "DF004"),
            ("学生", "DF-S-20250101", "学生甲（学生）", "DF-K-2025RJ1", "20250101"),
        ],
    }

