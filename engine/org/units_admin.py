"""The unit tree as the admin keeps it: list, add, rename, move, close and reopen units."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import Conflict, InvalidInput, NotFound

from .admin import clean, ensure_admin
from .models import UNIT_KINDS, Person, Unit

KIND_NAMES = {code: name for name, code in UNIT_KINDS.items()}  # school → 学校


@dataclass(frozen=True)
class UnitRow:
    """One line of the tree: the unit, how deep it sits, how many active people it has."""

    unit: Unit
    depth: int
    people: int

    @property
    def kind_name(self) -> str:
        """学校, 处室… for the unit's kind."""
        return KIND_NAMES.get(self.unit.kind, self.unit.kind)


def unit_tree(session: Session, query: str = "") -> list[UnitRow]:
    """Every unit in tree order (children by code) with its active people; with `query`, only the units whose
    code, name or 简称 contains it, and their ancestors."""
    units = {u.id: u for u in session.scalars(select(Unit).order_by(Unit.code))}
    counts = dict(session.execute(select(Person.unit_id, func.count()).where(Person.active.is_(True))
                                  .group_by(Person.unit_id)).all())
    children: dict[int | None, list[Unit]] = {}
    for unit in units.values():
        parent = unit.parent_id if unit.parent_id in units else None
        children.setdefault(parent, []).append(unit)
    wanted = _matching(units, clean(query))
    rows: list[UnitRow] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            if unit.id in seen:
                continue
            seen.add(unit.id)
            if wanted is None or unit.id in wanted:
                rows.append(UnitRow(unit, depth, int(counts.get(unit.id, 0))))
            walk(unit.id, depth + 1)
    walk(None, 0)
    return rows


def _matching(units: dict[int, Unit], query: str) -> set[int] | None:
    if not query:
        return None
    found: set[int] = set()
    for unit in units.values():
        if query.lower() in f"{unit.code} {unit.name} {unit.aliases}".lower():
            current: Unit | None = unit
            while current is not None and current.id not in found:
                found.add(current.id)
                current = units.get(current.parent_id) if current.parent_id else None
    return found


def get_unit(session: Session, unit_id: int | None) -> Unit:
    """The unit with this id; raises NotFound."""
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise NotFound("该单位不存在")
    return unit


def unit_choices(session: Session) -> list[UnitRow]:
    """The open units, in tree order, for a picker."""
    return [row for row in unit_tree(session) if row.unit.active]


def _aliases(text: str) -> str:
    parts = [p.strip() for p in clean(text).replace("，", "、").replace(",", "、").split("、") if p.strip()]
    return "、".join(dict.fromkeys(parts))


def _snapshot(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id,
            "aliases": unit.aliases, "active": unit.active}


def _check(name: str, kind: str) -> dict[str, str]:
    errors = {}
    if not name:
        errors["name"] = "请填写单位名称"
    elif len(name) > 200:
        errors["name"] = "单位名称最多 200 个字"
    if kind not in KIND_NAMES:
        errors["kind"] = "请选择单位类型（" + "、".join(UNIT_KINDS) + "）"
    return errors


def add_unit(session: Session, actor: Person | None, code: str, name: str, kind: str, parent_id: int | None,
             aliases: str, now: datetime) -> Unit:
    """Add a unit under `parent_id` (code unique; only the first unit may have no parent); raises NotAllowed,
    InvalidInput."""
    ensure_admin(actor)
    code, name = clean(code), clean(name)
    errors = _check(name, kind)
    if not code:
        errors["code"] = "请填写单位代码"
    elif len(code) > 64:
        errors["code"] = "单位代码最多 64 个字符"
    elif session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        errors["code"] = f"单位代码“{code}”已被使用，请换一个"
    parent = session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        errors["parent"] = "所选的上级单位不存在"
    elif parent is None and session.scalar(select(Unit.id).limit(1)) is not None:
        errors["parent"] = "请选择上级单位（学校只能有一个根单位）"
    elif parent is not None and not parent.active:
        errors["parent"] = f"上级单位“{parent.name}”已撤销，请先恢复它"
    if errors:
        raise InvalidInput("不能添加该单位：" + "；".join(errors.values()), errors)
    unit = Unit(code=code, name=name, kind=kind, parent_id=parent.id if parent else None,
                aliases=_aliases(aliases), active=True)
    session.add(unit)
    session.flush()
    audit.record(session, actor, "unit.added", now, object_type="unit", object_id=unit.id,
                 summary=f"添加了单位“{name}”（{code}）" + (f"，上级为“{parent.name}”" if parent else ""),
                 after=_snapshot(unit))
    session.commit()
    return unit


def edit_unit(session: Session, actor: Person | None, unit_id: int, name: str, kind: str, aliases: str,
              now: datetime) -> Unit:
    """Rename a unit, change its 类型 or its 简称; raises NotAllowed, NotFound, InvalidInput."""
    ensure_admin(actor)
    unit = get_unit(session, unit_id)
    name = clean(name)
    errors = _check(name, kind)
    if errors:
        raise InvalidInput("不能修改该单位：" + "；".join(errors.values()), errors)
    before = _snapshot(unit)
    unit.name, unit.kind, unit.aliases = name, kind, _aliases(aliases)
    audit.record(session, actor, "unit.edited", now, object_type="unit", object_id=unit.id,
                 summary=f"修改了单位“{before['name']}”" + (f"，改名为“{name}”" if name != before["name"] else ""),
                 before=before, after=_snapshot(unit))
    session.commit()
    return unit


def move_unit(session: Session, actor: Person | None, unit_id: int, parent_id: int | None,
              now: datetime) -> Unit:
    """Move a unit (and everything below it) under another parent; refuses moving the school root, a move
    under itself or one of its own units, and a closed parent. Raises NotAllowed, NotFound, InvalidInput."""
    ensure_admin(actor)
    unit = get_unit(session, unit_id)
    if unit.parent_id is None:
        raise InvalidInput(f"“{unit.name}”是学校（组织树的根），不能移动", {"parent": "根单位不能移动"})
    parent = get_unit(session, parent_id)
    chain: list[int] = []
    current: Unit | None = parent
    while current is not None and current.id not in chain:
        chain.append(current.id)
        current = session.get(Unit, current.parent_id) if current.parent_id else None
    if unit.id in chain:
        raise InvalidInput(f"不能把“{unit.name}”移到“{parent.name}”之下：“{parent.name}”是它自己或它的下级单位，"
                           "这样会形成循环", {"parent": "会形成循环"})
    if not parent.active:
        raise InvalidInput(f"“{parent.name}”已撤销，不能作为上级单位", {"parent": "上级单位已撤销"})
    if parent.id == unit.parent_id:
        return unit
    old = session.get(Unit, unit.parent_id)
    before = _snapshot(unit)
    unit.parent_id = parent.id
    audit.record(session, actor, "unit.moved", now, object_type="unit", object_id=unit.id,
                 summary=f"把“{unit.name}”从“{old.name if old else '—'}”移到“{parent.name}”之下",
                 before=before, after=_snapshot(unit))
    session.commit()
    return unit


def closing_blockers(session: Session, unit: Unit) -> list[str]:
    """What must go before `unit` can close: its active people and its open child units (sentences)."""
    reasons = []
    people = session.scalar(select(func.count()).select_from(Person)
                            .where(Person.unit_id == unit.id, Person.active.is_(True))) or 0
    if people:
        reasons.append(f"还有 {people} 名在职人员属于该单位，请先把他们调到其他单位或停用")
    children = list(session.scalars(select(Unit.name).where(Unit.parent_id == unit.id, Unit.active.is_(True))))
    if children:
        reasons.append("还有未撤销的下级单位：" + "、".join(children[:5]) + ("等" if len(children) > 5 else ""))
    return reasons


def mark_closed(session: Session, actor: Person | None, unit: Unit, now: datetime) -> None:
    """Close `unit` (no commit: engine/workflow/unit_closing.py checks its cycles first and commits)."""
    if unit.parent_id is None:
        raise InvalidInput("学校（组织树的根）不能撤销")
    if not unit.active:
        raise Conflict(f"“{unit.name}”已经撤销")
    unit.active = False
    audit.record(session, actor, "unit.closed", now, object_type="unit", object_id=unit.id,
                 summary=f"撤销了单位“{unit.name}”（{unit.code}）", before={"active": True}, after={"active": False})


def reopen_unit(session: Session, actor: Person | None, unit_id: int, now: datetime) -> Unit:
    """Reopen a closed unit (its parent must be open); raises NotAllowed, NotFound, Conflict, InvalidInput."""
    ensure_admin(actor)
    unit = get_unit(session, unit_id)
    if unit.active:
        raise Conflict(f"“{unit.name}”没有撤销")
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    if parent is not None and not parent.active:
        raise InvalidInput(f"上级单位“{parent.name}”已撤销，请先恢复它")
    unit.active = True
    audit.record(session, actor, "unit.reopened", now, object_type="unit", object_id=unit.id,
                 summary=f"恢复了单位“{unit.name}”（{unit.code}）", before={"active": False}, after={"active": True})
    session.commit()
    return unit
