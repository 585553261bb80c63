"""Reading the org sheets' rows into units, people, holdings and subjects, and every check an import makes before
anything is written: required cells, known kinds, dates, duplicates, references to units, people and roles (in
the workbook or already in the school), one school root and no cycle in the unit tree."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from engine.errors import SheetProblem
from engine.sheets import CellValue

from .models import LEVEL_NAMES, PERSON_KINDS, UNIT_KINDS, Person, Role, RoleHolding, Subject, Unit
from .workbook import HOLDINGS, PEOPLE, REQUIRED, SUBJECTS, UNITS, OrgSheets

LIMITS = {"代码": 64, "名称": 200, "简称": 500, "工号": 64, "姓名": 100, "邮箱": 200, "手机": 32}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent: str  # "" = the school root
    aliases: str | None  # None: the 简称 column is absent, keep what the unit has


@dataclass
class PersonRow:
    row: int
    username: str
    name: str
    unit: str | None  # None: the column is absent; "": no unit (an administrator's account)
    kind: str | None
    email: str | None
    phone: str | None


@dataclass
class HoldingRow:
    row: int
    username: str
    role: Role
    unit: str
    starts_on: date | None
    ends_on: date | None
    dated: bool  # False: the date columns are absent, keep the holding's dates


@dataclass
class SubjectRow:
    row: int
    level: str
    code: str
    name: str
    unit: str
    username: str


@dataclass
class Existing:
    """The school's org as it is, read once (every check and diff works on these dicts, not on queries)."""

    units: dict[str, Unit]
    people: dict[str, Person]
    roles: list[Role]
    holdings: dict[tuple[int, int, int], RoleHolding]
    subjects: dict[str, Subject]

    def role(self, text: str) -> Role | None:
        """A role by its code or its name."""
        return next((r for r in self.roles if text in (r.code, r.name)), None)


@dataclass
class Rows:
    """What the sheets say, checked; a sheet that is absent is None (its part of the school is left alone)."""

    units: list[UnitRow] | None = None
    people: list[PersonRow] | None = None
    holdings: list[HoldingRow] | None = None
    subjects: list[SubjectRow] | None = None
    problems: list[SheetProblem] = field(default_factory=list)


def text(value: CellValue) -> str:
    """A cell as text: numbers without a trailing .0 (Excel keeps 710201 as a float), dates as 2026-02-23."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def as_date(value: CellValue) -> date | None:
    """A real Excel date (or its day number), or text like 2026-02-23, 2026/2/23, 2026.2.23 or 2026年2月23日;
    raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20_000 < value < 80_000:  # an Excel day number in a General cell
        return date(1899, 12, 30) + timedelta(days=int(value))
    match = _DATE.match(text(value))
    if not match:
        raise ValueError(value)
    return date(int(match[1]), int(match[2]), int(match[3]))


class _Checker:
    def __init__(self, sheets: OrgSheets, existing: Existing) -> None:
        self.sheets, self.existing = sheets, existing
        self.out = Rows()

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.out.problems.append(SheetProblem(sheet, row, column, message))

    def cells(self, sheet: str, row: int, values: dict[str, CellValue]) -> dict[str, str] | None:
        """The row's cells as text, or None when a required one is empty or one is too long (reported)."""
        cells = {h: text(v) for h, v in values.items()}
        ok = True
        for column in REQUIRED[sheet]:
            if not cells.get(column):
                self.problem(sheet, row, column, "不能为空")
                ok = False
        for column, limit in LIMITS.items():
            if len(cells.get(column, "")) > limit:
                self.problem(sheet, row, column, f"太长（最多 {limit} 个字符）")
                ok = False
        return cells if ok else None

    def once(self, sheet: str, column: str, seen: dict[str, int], key: str, row: int) -> bool:
        if key in seen:
            self.problem(sheet, row, column, f"与第 {seen[key]} 行重复：{key}")
            return False
        seen[key] = row
        return True

    def check(self) -> Rows:
        self.read_units()
        self.read_people()
        self.read_holdings()
        self.read_subjects()
        self.check_references()
        self.check_tree()
        return self.out

    def read_units(self) -> None:
        if UNITS not in self.sheets:
            return
        self.out.units = []
        seen: dict[str, int] = {}
        for row, values in self.sheets[UNITS]:
            cells = self.cells(UNITS, row, values)
            if cells is None or not self.once(UNITS, "代码", seen, cells["代码"], row):
                continue
            kind = UNIT_KINDS.get(cells["类型"]) or (cells["类型"] if cells["类型"] in UNIT_KINDS.values() else None)
            if kind is None:
                self.problem(UNITS, row, "类型", f"不认识的类型“{cells['类型']}”（可填：{'、'.join(UNIT_KINDS)}）")
                continue
            self.out.units.append(UnitRow(row, cells["代码"], cells["名称"], kind, cells.get("上级代码", ""),
                                          "、".join(a.strip() for a in cells["简称"].split("、") if a.strip())
                                          if "简称" in cells else None))

    def read_people(self) -> None:
        if PEOPLE not in self.sheets:
            return
        self.out.people = []
        seen: dict[str, int] = {}
        for row, values in self.sheets[PEOPLE]:
            cells = self.cells(PEOPLE, row, values)
            if cells is None or not self.once(PEOPLE, "工号", seen, cells["工号"], row):
                continue
            kind = None
            if "类别" in cells:
                kind = PERSON_KINDS.get(cells["类别"] or "教职工") or (
                    cells["类别"] if cells["类别"] in PERSON_KINDS.values() else None)
                if kind is None:
                    self.problem(PEOPLE, row, "类别", f"不认识的类别“{cells['类别']}”（可填：教职工、学生）")
                    continue
            if cells.get("邮箱") and not _EMAIL.match(cells["邮箱"]):
                self.problem(PEOPLE, row, "邮箱", f"不是有效的邮箱地址：{cells['邮箱']}")
                continue
            self.out.people.append(PersonRow(row, cells["工号"], cells["姓名"], cells.get("所属单位代码"), kind,
                                             cells.get("邮箱"), cells.get("手机")))

    def read_holdings(self) -> None:
        if HOLDINGS not in self.sheets:
            return
        self.out.holdings = []
        seen: dict[str, int] = {}
        for row, values in self.sheets[HOLDINGS]:
            cells = self.cells(HOLDINGS, row, values)
            if cells is None:
                continue
            role = self.existing.role(cells["角色"])
            if role is None:
                self.problem(HOLDINGS, row, "角色", f"没有名称或代码为“{cells['角色']}”的角色（请先在角色目录中添加）")
            dates: dict[str, date | None] = {}
            for column in ("开始日期", "结束日期"):
                try:
                    dates[column] = as_date(values.get(column))
                except ValueError:
                    self.problem(HOLDINGS, row, column, f"不是日期：{text(values.get(column))}（应如 2026-02-23）")
            if len(dates) == 2 and dates["开始日期"] and dates["结束日期"] and dates["结束日期"] < dates["开始日期"]:
                self.problem(HOLDINGS, row, "结束日期", f"结束日期 {dates['结束日期']} 早于开始日期 {dates['开始日期']}")
                continue
            if role is None or len(dates) < 2:
                continue
            key = f"{cells['工号']} / {role.name} / {cells['单位代码']}"
            if self.once(HOLDINGS, "角色", seen, key, row):
                self.out.holdings.append(HoldingRow(row, cells["工号"], role, cells["单位代码"], dates["开始日期"],
                                                    dates["结束日期"], "开始日期" in values or "结束日期" in values))

    def read_subjects(self) -> None:
        if SUBJECTS not in self.sheets:
            return
        self.out.subjects = []
        seen: dict[str, int] = {}
        for row, values in self.sheets[SUBJECTS]:
            cells = self.cells(SUBJECTS, row, values)
            if cells is None or not self.once(SUBJECTS, "代码", seen, cells["代码"], row):
                continue
            level = LEVEL_NAMES.get(cells["层面"]) or (cells["层面"] if cells["层面"] in LEVEL_NAMES.values() else None)
            if level is None:
                self.problem(SUBJECTS, row, "层面", f"不认识的层面“{cells['层面']}”（可填：{'、'.join(LEVEL_NAMES)}）")
                continue
            username = cells.get("本人工号", "") if level in ("teacher", "student") else ""
            if level in ("teacher", "student") and not username:
                self.problem(SUBJECTS, row, "本人工号", f"{cells['层面']}层面的诊改对象须填写本人工号")
                continue
            self.out.subjects.append(SubjectRow(row, level, cells["代码"], cells["名称"], cells["所属单位代码"],
                                                username))

    def check_references(self) -> None:
        # Codes of rows with a problem of their own count as known: one mistake is reported once.
        units = {text(v.get("代码")) for _, v in self.sheets.get(UNITS, [])} | set(self.existing.units)
        people = {text(v.get("工号")) for _, v in self.sheets.get(PEOPLE, [])} | set(self.existing.people)
        for u in self.out.units or []:
            if u.parent and u.parent not in units:
                self.problem(UNITS, u.row, "上级代码", f"找不到单位 {u.parent}")
        for p in self.out.people or []:
            if p.unit and p.unit not in units:
                self.problem(PEOPLE, p.row, "所属单位代码", f"找不到单位 {p.unit}")
        for h in self.out.holdings or []:
            if h.username not in people:
                self.problem(HOLDINGS, h.row, "工号", f"找不到工号为 {h.username} 的人员")
            if h.unit not in units:
                self.problem(HOLDINGS, h.row, "单位代码", f"找不到单位 {h.unit}")
        for s in self.out.subjects or []:
            if s.unit not in units:
                self.problem(SUBJECTS, s.row, "所属单位代码", f"找不到单位 {s.unit}")
            if s.username and s.username not in people:
                self.problem(SUBJECTS, s.row, "本人工号", f"找不到工号为 {s.username} 的人员")

    def check_tree(self) -> None:
        """One root, and no unit its own ancestor once the workbook's parents replace the school's."""
        if self.out.units is None:
            return
        by_id = {u.id: u.code for u in self.existing.units.values()}
        parent = {code: by_id.get(u.parent_id) if u.parent_id else "" for code, u in self.existing.units.items()}
        parent.update({u.code: u.parent for u in self.out.units})
        roots = [u for u in self.out.units if not u.parent]
        for extra in roots[1:]:
            self.problem(UNITS, extra.row, "上级代码", f"只能有一个没有上级的单位（学校）：第 {roots[0].row} 行的 "
                                                   f"{roots[0].code} 已是学校，请填写上级代码")
        for u in self.out.units:
            path, current = [u.code], parent.get(u.code) or ""
            while current and current != u.code and len(path) <= len(parent):
                path.append(current)
                current = parent.get(current) or ""
            if current == u.code:
                self.problem(UNITS, u.row, "上级代码", "单位的上下级形成循环：" + " → ".join([*path, u.code]))


def check_rows(sheets: OrgSheets, existing: Existing) -> Rows:
    """The sheets' rows read and checked against each other and the school as it is; `problems` lists every
    problem found (the rows with a problem are left out of the lists)."""
    return _Checker(sheets, existing).check()
