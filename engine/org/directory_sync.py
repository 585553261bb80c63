"""`spiral ldap-sync`: the campus directory's people and their units, written as the org workbook's 单位 and 人员
sheets (engine/org/directory.py reads them) and brought in through the org importer, so a directory sync obeys
the same rules as an Excel import (all or nothing, audited, idempotent)."""
from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound

from .directory import DirectoryPerson, LdapSettings, read_people
from .models import PERSON_KINDS, Person, Unit

# A sheet: (row number as in the workbook, the header row being 1, {header: cell}) for each row.
Rows = list[tuple[int, dict[str, str]]]
Sheets = dict[str, Rows]
NEW_UNIT_KIND = "处室"  # a unit the directory names and Spiral does not know yet: a department under the school
_KIND_NAMES = {kind: name for name, kind in PERSON_KINDS.items()}


def _unit_index(units: Sequence[Unit]) -> dict[str, Unit]:
    """Units by code, then name, then 简称 (the first found wins: codes are unique, names usually are)."""
    index: dict[str, Unit] = {}
    for key in ("code", "name", "aliases"):
        for unit in units:
            values = unit.alias_list() if key == "aliases" else [getattr(unit, key)]
            for value in values:
                index.setdefault(value, unit)
    return index


def directory_sheets(session: Session, people: Sequence[DirectoryPerson]) -> Sheets:
    """The 单位 and 人员 sheets for the directory's people. A person's unit (their `ou` or configured attribute)
    is matched to a unit by code, name or 简称; one Spiral does not know yet becomes a 单位 row (code = name = the
    directory's value, a 处室 under the school)."""
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    index = _unit_index(units)
    school = next((u for u in units if u.parent_id is None and u.kind == "school"), None)
    new_units: dict[str, dict[str, str]] = {}
    person_rows: Rows = []
    for number, person in enumerate(people, start=2):
        code = ""
        if person.unit:
            known = index.get(person.unit)
            code = known.code if known is not None else person.unit
            if known is None and code not in new_units:
                new_units[code] = {"代码": code, "名称": person.unit, "类型": NEW_UNIT_KIND,
                                   "上级代码": school.code if school is not None else "", "简称": ""}
        person_rows.append((number, {"工号": person.username, "姓名": person.name, "所属单位代码": code,
                                     "类别": person.kind, "邮箱": person.email, "手机": person.phone}))
    unit_rows: Rows = [(number, row) for number, row in enumerate(new_units.values(), start=2)]
    return {"单位": unit_rows, "人员": person_rows}


def preview(session: Session, sheets: Sheets) -> list[str]:
    """What bringing the sheets in would change, one Chinese line each (new units, new people, changed fields);
    reads only."""
    lines = [f"新增单位 {row['代码']}（{row['类型']}，上级 {row['上级代码'] or '无'}）" for _, row in sheets.get("单位", [])]
    units = {u.id: u for u in session.scalars(select(Unit))}
    people = {p.username: p for p in session.scalars(select(Person))}
    for _, row in sheets.get("人员", []):
        person = people.get(row["工号"])
        if person is None:
            lines.append(f"新增人员 {row['工号']} {row['姓名']}（{row['所属单位代码'] or '无单位'}，{row['类别']}）")
            continue
        unit = units.get(person.unit_id) if person.unit_id else None
        now = {"姓名": person.name, "所属单位代码": unit.code if unit else "", "类别": _KIND_NAMES.get(person.kind, ""),
               "邮箱": person.email or "", "手机": person.phone or ""}
        changed = [f"{key} {now[key] or '（空）'} → {row[key] or '（空）'}" for key in now
                   if row[key] and row[key] != now[key]]
        if changed or not person.active:
            lines.append(f"更新人员 {row['工号']} {row['姓名']}：" + "；".join(
                changed + (["重新启用"] if not person.active else [])))
    return lines


def import_sheets(session: Session, actor: Person | None, sheets: Sheets, now: datetime, *, dry_run: bool) -> Any:
    """Hand the sheets to the org importer, engine/org/imports.py's import_org (all or nothing, audited); raises
    NotFound while that importer is not installed."""
    try:
        imports = importlib.import_module("engine.org.imports")
    except ModuleNotFoundError as exc:
        raise NotFound("组织导入功能（engine/org/imports.py）尚未安装，目前只能 --dry-run 预览") from exc
    return imports.import_org(session, actor, sheets, now, dry_run=dry_run)


def sync_directory(session: Session, actor: Person | None, settings: LdapSettings, now: datetime, *,
                   dry_run: bool) -> tuple[Sheets, list[str], Any]:
    """Read the directory and bring its people and units in (nothing is written on a dry run): the sheets, the
    preview lines, and the importer's report (None on a dry run when no importer is installed). Raises
    Unavailable when the directory cannot be read."""
    sheets = directory_sheets(session, read_people(settings))
    lines = preview(session, sheets)
    try:
        report = import_sheets(session, actor, sheets, now, dry_run=dry_run)
    except NotFound:
        if not dry_run:
            raise
        report = None
    if dry_run:
        session.rollback()
    return sheets, lines, report
