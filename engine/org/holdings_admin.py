"""Holdings as the admin keeps them: who holds which role where, from when to when. A change is checked and
described here (`resolve`) and written by `apply_change` without committing: the service that applies it
(engine/supervision/holding_changes.py) previews the tasks it would move first and commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.errors import InvalidInput, NotFound
from engine.paging import holds

from .admin import Listing, clean, ensure_admin, paged
from .models import Person, Role, RoleHolding, Unit
from .snapshot import holding_current

ACTIONS = ("add", "dates", "end", "remove")


@dataclass(frozen=True)
class HoldingChange:
    """What the admin asks: add a holding, change its dates, end it (ends_on) or remove it."""

    action: str
    holding_id: int | None = None
    person_id: int | None = None
    role_id: int | None = None
    unit_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class Resolved:
    """A checked change: the holding's person, role and unit, its days before (None: it did not exist) and
    after (None: it is removed)."""

    change: HoldingChange
    person: Person
    role: Role
    unit: Unit
    before: tuple[date | None, date | None] | None
    after: tuple[date | None, date | None] | None

    def counts_on(self, today: date, days: tuple[date | None, date | None] | None) -> bool:
        """Whether the holding counts on `today` with `days` (None: there is no holding)."""
        return days is not None and (days[0] is None or days[0] <= today) and (days[1] is None or today <= days[1])


def find_holdings(session: Session, role_id: int | None = None, unit_id: int | None = None, query: str = "",
                  when: str = "", today: date | None = None, page: int = 1) -> Listing[RoleHolding]:
    """Holdings, filtered by role, unit and person (name or 工号 containing `query`), `when` "current" (counting
    on `today`) or "" (all); by unit, role and person, a page at a time."""
    wanted = (select(RoleHolding).join(Person, Person.id == RoleHolding.person_id)
              .join(Unit, Unit.id == RoleHolding.unit_id).join(Role, Role.id == RoleHolding.role_id)
              .options(selectinload(RoleHolding.person), selectinload(RoleHolding.role),
                       selectinload(RoleHolding.unit)))
    if role_id:
        wanted = wanted.where(RoleHolding.role_id == role_id)
    if unit_id:
        wanted = wanted.where(RoleHolding.unit_id == unit_id)
    text = clean(query)
    if text:
        wanted = wanted.where(holds(text, Person.name, Person.username))
    if when == "current":
        wanted = wanted.where(holding_current(today or date.today()))
    return paged(session, wanted.order_by(Unit.code, Role.code, Person.username), page)


def get_holding(session: Session, holding_id: int | None) -> RoleHolding:
    """The holding with this id; raises NotFound."""
    row = session.get(RoleHolding, holding_id) if holding_id else None
    if row is None:
        raise NotFound("该任职记录不存在")
    return row


def _days(starts_on: date | None, ends_on: date | None) -> tuple[date | None, date | None]:
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(f"结束日期（{ends_on}）不能早于开始日期（{starts_on}）", {"ends_on": "结束日期早于开始日期"})
    return starts_on, ends_on


def resolve(session: Session, change: HoldingChange, today: date) -> Resolved:
    """Check a change and say what it does; raises NotFound, InvalidInput (unknown person, role or unit, a
    holding that already exists, dates out of order)."""
    if change.action not in ACTIONS:
        raise InvalidInput("未知的操作")
    if change.action == "add":
        errors = {}
        person = session.get(Person, change.person_id) if change.person_id else None
        role = session.get(Role, change.role_id) if change.role_id else None
        unit = session.get(Unit, change.unit_id) if change.unit_id else None
        if person is None:
            errors["person"] = "请选择人员"
        elif not person.active:
            errors["person"] = f"{person.name}已停用，不能任职"
        if role is None:
            errors["role"] = "请选择角色"
        if unit is None:
            errors["unit"] = "请选择单位"
        elif not unit.active:
            errors["unit"] = f"“{unit.name}”已撤销"
        if errors:
            raise InvalidInput("不能添加任职：" + "；".join(errors.values()), errors)
        assert person is not None and role is not None and unit is not None
        if session.scalar(select(RoleHolding.id).where(RoleHolding.person_id == person.id,
                                                       RoleHolding.role_id == role.id,
                                                       RoleHolding.unit_id == unit.id)) is not None:
            raise InvalidInput(f"{person.name}已在“{unit.name}”担任“{role.name}”，请修改那条任职的日期",
                               {"person": "任职已存在"})
        return Resolved(change, person, role, unit, None, _days(change.starts_on, change.ends_on))
    row = get_holding(session, change.holding_id)
    before = (row.starts_on, row.ends_on)
    if change.action == "remove":
        after = None
    elif change.action == "dates":
        after = _days(change.starts_on, change.ends_on)
    else:
        last = change.ends_on or today - timedelta(days=1)
        if row.starts_on and last < row.starts_on:
            raise InvalidInput(f"这条任职从 {row.starts_on} 才开始，结束日期不能更早；不再需要时请删除它",
                               {"ends_on": "结束日期早于开始日期"})
        after = (row.starts_on, last)
    return Resolved(change, row.person, row.role, row.unit, before, after)


def _text(days: tuple[date | None, date | None] | None) -> str:
    if days is None:
        return "无"
    return f"{days[0] or '不限'} 至 {days[1] or '不限'}"


def apply_change(session: Session, actor: Person | None, done: Resolved, now: datetime) -> RoleHolding | None:
    """Write a resolved change and its audit event (no commit); returns the holding (None when removed)."""
    ensure_admin(actor)
    who = f"{done.person.name}在“{done.unit.name}”担任“{done.role.name}”"
    row: RoleHolding | None
    if done.before is None:
        assert done.after is not None
        row = RoleHolding(person_id=done.person.id, role_id=done.role.id, unit_id=done.unit.id,
                          starts_on=done.after[0], ends_on=done.after[1])
        session.add(row)
        session.flush()
        action, summary = "holding.added", f"添加任职：{who}（{_text(done.after)}）"
    else:
        row = get_holding(session, done.change.holding_id)
        if done.after is None:
            session.delete(row)
            action, summary, row = "holding.removed", f"删除任职：{who}", None
        else:
            row.starts_on, row.ends_on = done.after
            action = "holding.ended" if done.change.action == "end" else "holding.dates"
            summary = f"{'结束' if action == 'holding.ended' else '修改'}任职：{who}（{_text(done.after)}）"
        session.flush()
    audit.record(session, actor, action, now, object_type="person", object_id=done.person.id, summary=summary,
                 before={"days": _text(done.before), "role_id": done.role.id, "unit_id": done.unit.id},
                 after={"days": _text(done.after)})
    return row
