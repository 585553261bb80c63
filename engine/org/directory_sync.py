"""`spiral ldap-sync`: the campus directory's people and their units, written as the org workbook's 人员 and
单位 sheets (engine/org/directory.py reads them) and brought in through the org importer
(engine/org/imports.py's import_org), so a directory sync obeys the rules of an Excel import: all or nothing,
every change audited, the same directory twice changes nothing, a dry run lists the changes and writes none.

What the directory does not say is left as it is: an empty 邮箱 or 手机 keeps the person's, a person without a
unit keeps theirs. People Spiral has and the directory lacks (students imported from Excel, local accounts) are
kept unless `deactivate_missing` (administrators are always kept)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .directory import DirectoryPerson, LdapSettings, read_people
from .imports import ImportReport, import_org
from .models import UNIT_KINDS, Person, Unit
from .workbook import OrgSheets

# As engine/org/workbook.py's OrgSheets: sheet → [(row number, the header row being 1, {header: cell})].
Sheets = OrgSheets
NEW_UNIT_KIND = "处室"  # a unit the directory names and Spiral does not know yet: a department under the school
_KIND_NAMES = {kind: name for name, kind in UNIT_KINDS.items()}


def _unit_index(units: Sequence[Unit]) -> dict[str, Unit]:
    """Open units by code, then name, then 简称 (the first found wins: codes are unique, names usually are)."""
    index: dict[str, Unit] = {}
    for key in ("code", "name", "aliases"):
        for unit in units:
            for value in unit.alias_list() if key == "aliases" else [getattr(unit, key)]:
                index.setdefault(value, unit)
    return index


def _unit_sheet(units: Sequence[Unit], new: dict[str, str], school: Unit | None) -> list[dict[str, Any]]:
    """Every open unit as it is (a 单位 sheet closes the units it leaves out), then the new ones."""
    code = {u.id: u.code for u in units}
    rows: list[dict[str, Any]] = [{"代码": u.code, "名称": u.name, "类型": _KIND_NAMES.get(u.kind, u.kind),
                                   "上级代码": code.get(u.parent_id or 0, "")} for u in units if u.active]
    rows += [{"代码": value, "名称": value, "类型": NEW_UNIT_KIND, "上级代码": school.code if school else ""}
             for value in new.values()]
    return rows


def directory_sheets(session: Session, people: Sequence[DirectoryPerson], *,
                     deactivate_missing: bool = False) -> Sheets:
    """The 人员 sheet for the directory's people, and a 单位 sheet when they name units Spiral does not know. A
    person's unit (their `ou` or the configured attribute) is matched to an open unit by code, name or 简称; an
    unknown one becomes a new unit (code = name = the directory's value, a 处室 under the school)."""
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    index = _unit_index([u for u in units if u.active])
    school = next((u for u in units if u.parent_id is None and u.kind == "school" and u.active), None)
    new_units: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    for person in people:
        row: dict[str, Any] = {"工号": person.username, "姓名": person.name}
        if person.unit:
            known = index.get(person.unit)
            row["所属单位代码"] = known.code if known is not None else new_units.setdefault(person.unit, person.unit)
        for column, value in (("类别", person.kind), ("邮箱", person.email), ("手机", person.phone)):
            if value:
                row[column] = value
        rows.append(row)
    if not deactivate_missing:  # a row with only 工号 and 姓名 keeps a person as they are
        listed = {p.username for p in people}
        rows += [{"工号": p.username, "姓名": p.name} for p in session.scalars(
            select(Person).where(Person.active.is_(True)).order_by(Person.username)) if p.username not in listed]
    sheets: Sheets = {"人员": list(enumerate(rows, start=2))}
    if new_units:
        sheets["单位"] = list(enumerate(_unit_sheet(units, new_units, school), start=2))
    return sheets


def import_sheets(session: Session, actor: Person | None, sheets: Sheets, now: datetime, *,
                  dry_run: bool) -> ImportReport:
    """The org importer's import_org with the sheets (no one-time passwords: the directory signs these people
    in); its report. Raises InvalidWorkbook for the sheets."""
    return import_org(session, actor, sheets, now, dry_run=dry_run, passwords=False)


def sync_directory(session: Session, actor: Person | None, settings: LdapSettings, now: datetime, *,
                   dry_run: bool, deactivate_missing: bool = False) -> tuple[list[DirectoryPerson], ImportReport]:
    """Read the directory and bring its people and units in (nothing is written on a dry run): the directory's
    people and the importer's report. Raises Unavailable when the directory cannot be read, InvalidWorkbook (nothing
    written) when what it holds cannot be imported."""
    people = read_people(settings)
    report = import_sheets(session, actor, directory_sheets(session, people, deactivate_missing=deactivate_missing),
                           now, dry_run=dry_run)
    if dry_run:
        session.rollback()
    return people, report
