"""What an import would change, worked out in memory from the checked rows and the school as it is: one step per
changed row (added, changed, deactivated, reactivated, closed, reopened, ended), each with the line the preview
shows, the audit event's before/after, and how to apply it."""
from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from engine.errors import SheetProblem

from .import_changes import KIND_NAMES, LEVEL_LABELS, PERSON_KIND_NAMES, Context, Plan
from .import_rows import Existing, HoldingRow, PersonRow, Rows, SubjectRow, UnitRow
from .models import Person, RoleHolding, Subject, Unit
from .workbook import HOLDINGS, PEOPLE, SUBJECTS, UNITS


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _describe(before: dict[str, Any], after: dict[str, Any]) -> str:
    return "；".join(f"{k} {before[k] or '（空）'} → {after[k] or '（空）'}" for k in after)


class _Planner:
    def __init__(self, rows: Rows, existing: Existing, today: date) -> None:
        self.rows, self.existing, self.today = rows, existing, today
        self.plan = Plan()
        self.unit_code = {u.id: code for code, u in existing.units.items()}
        self.username = {p.id: name for name, p in existing.people.items()}

    def unit_fields(self, u: Unit) -> dict[str, Any]:
        return {"名称": u.name, "类型": KIND_NAMES.get(u.kind, u.kind), "上级代码": self.unit_code.get(u.parent_id or 0, ""),
                "简称": u.aliases or ""}

    def units(self) -> None:
        for row in self.rows.units or []:
            self.unit(row)
        if self.rows.units is not None:
            self.close_absent({r.code for r in self.rows.units})

    def unit(self, row: UnitRow) -> None:
        wanted = {"名称": row.name, "类型": KIND_NAMES.get(row.kind, row.kind), "上级代码": row.parent}
        if row.aliases is not None:
            wanted["简称"] = row.aliases

        def apply(ctx: Context) -> Unit:
            unit = ctx.units.get(row.code)
            if unit is None:
                unit = ctx.units[row.code] = Unit(code=row.code, aliases="", active=True)
                ctx.session.add(unit)
            unit.name, unit.kind, unit.active = row.name, row.kind, True
            if row.aliases is not None:
                unit.aliases = row.aliases
            unit.parent = ctx.units[row.parent] if row.parent else None
            return unit

        current = self.existing.units.get(row.code)
        if current is None:
            self.plan.add(UNITS, "added", row.code, f"新增单位 {row.code} {row.name}（{wanted['类型']}）", apply,
                          after={"code": row.code, **wanted})
            return
        before, after = _diff(self.unit_fields(current), wanted)
        if not current.active:
            self.plan.add(UNITS, "reopened", row.code, f"重新启用单位 {row.code} {row.name}", apply,
                          {"active": False, **before}, {"active": True, **after})
        elif after:
            self.plan.add(UNITS, "changed", row.code, f"修改单位 {row.code} {row.name}：{_describe(before, after)}",
                          apply, before, after)

    def close_absent(self, listed: set[str]) -> None:
        """Close the school's open units the sheet leaves out, unless people, subjects or open units below
        still need them (those are kept, and said so)."""
        absent = {code for code, u in self.existing.units.items() if u.active and code not in listed}
        parent = {code: self.unit_code.get(u.parent_id or 0, "") for code, u in self.existing.units.items()}
        parent.update({r.code: r.parent for r in self.rows.units or []})
        needed: dict[str, str] = {}
        people_rows = {p.username for p in self.rows.people or []}
        for p in self.rows.people or []:
            was = self.existing.people.get(p.username)
            home = p.unit if p.unit is not None else self.unit_code.get(was.unit_id or 0, "") if was else ""
            needed.setdefault(home, f"仍有在职人员（如 {p.name}）")
        for name, person in self.existing.people.items():
            stays = name not in people_rows and person.active and (self.rows.people is None or person.is_admin)
            if stays and person.unit_id:
                needed.setdefault(self.unit_code[person.unit_id], f"仍有在职人员（如 {person.name}）")
        subject_rows = {s.code for s in self.rows.subjects or []}
        for s in self.rows.subjects or []:
            needed.setdefault(s.unit, f"仍有诊改对象（如 {s.name}）")
        for code, subject in self.existing.subjects.items():
            if code not in subject_rows:
                needed.setdefault(self.unit_code[subject.unit_id], f"仍有诊改对象（如 {subject.name}）")
        changed = True
        while changed:  # an open unit keeps its parents open
            changed = False
            for code in [c for c in parent if c not in absent or c in needed]:
                up = parent.get(code, "")
                if up in absent and up not in needed:
                    needed[up], changed = f"下级单位 {code} 仍在使用", True
        roots = [r for r in self.rows.units or [] if not r.parent]
        for code in sorted(absent):
            unit = self.existing.units[code]
            if code in needed and roots and not parent.get(code):
                self.plan.problems.append(SheetProblem(
                    UNITS, roots[0].row, "上级代码", f"只能有一个没有上级的单位（学校）：系统中的 {code} {unit.name}"
                    f"{needed[code]}，不能关闭；请在工作簿中列出 {code}，或把 {roots[0].code} 的上级代码填为 {code}"))
                continue
            if code in needed:
                self.plan.notes.append(f"单位 {code} {unit.name} 不在工作簿中，但{needed[code]}，未关闭")
                continue
            self.plan.add(UNITS, "closed", code, f"关闭单位 {code} {unit.name}（不在工作簿中）",
                          partial(_close, code),
                          {"active": True}, {"active": False})

    def person_fields(self, p: Person) -> dict[str, Any]:
        return {"姓名": p.name, "所属单位代码": self.unit_code.get(p.unit_id or 0, ""),
                "类别": PERSON_KIND_NAMES.get(p.kind, p.kind), "邮箱": p.email or "", "手机": p.phone or ""}

    def people(self) -> None:
        for row in self.rows.people or []:
            self.person(row)
        if self.rows.people is None:
            return
        listed = {r.username for r in self.rows.people}
        for name, person in sorted(self.existing.people.items()):
            if name not in listed and person.active and not person.is_admin:
                self.plan.add(PEOPLE, "deactivated", name, f"停用人员 {name} {person.name}（不在工作簿中）",
                              partial(_deactivate, name),
                              {"active": True}, {"active": False})

    def person(self, row: PersonRow) -> None:
        wanted: dict[str, Any] = {"姓名": row.name}
        for column, value in (("所属单位代码", row.unit), ("类别", row.kind and PERSON_KIND_NAMES[row.kind]), ("邮箱", row.email),
                              ("手机", row.phone)):
            if value is not None:
                wanted[column] = value

        def apply(ctx: Context) -> Person:
            person = ctx.people.get(row.username)
            if person is None:
                person = ctx.people[row.username] = Person(username=row.username, password_hash="", locale=ctx.locale,
                                                           kind="staff", email="", phone="", is_admin=False)
                ctx.new_people.append(person)
                ctx.session.add(person)
            person.name, person.active = row.name, True
            if row.unit is not None:  # units are written before people: every one has its id
                person.unit_id = ctx.units[row.unit].id if row.unit else None
            person.kind = row.kind or person.kind
            person.email = row.email if row.email is not None else person.email
            person.phone = row.phone if row.phone is not None else person.phone
            return person

        current = self.existing.people.get(row.username)
        if current is None:
            self.plan.add(PEOPLE, "added", row.username, f"新增人员 {row.username} {row.name}", apply,
                          after={"username": row.username, **wanted})
            return
        before, after = _diff(self.person_fields(current), wanted)
        if not current.active:
            self.plan.add(PEOPLE, "reactivated", row.username, f"恢复人员 {row.username} {row.name}", apply,
                          {"active": False, **before}, {"active": True, **after})
        elif after:
            self.plan.add(PEOPLE, "changed", row.username,
                          f"修改人员 {row.username} {row.name}：{_describe(before, after)}", apply, before, after)

    def holdings(self) -> None:
        current = {(self.username[h.person_id], h.role_id, self.unit_code[h.unit_id]): h
                   for h in self.existing.holdings.values()}
        for row in self.rows.holdings or []:
            self.holding(row, current.get((row.username, row.role.id, row.unit)))
        if self.rows.holdings is None:
            return
        listed = {(r.username, r.role.id, r.unit) for r in self.rows.holdings}
        yesterday = self.today - timedelta(days=1)
        roles = {r.id: r.name for r in self.existing.roles}
        for key, h in sorted(current.items(), key=lambda kv: kv[1].id):
            if key in listed or (h.ends_on is not None and h.ends_on < self.today):
                continue
            label = f"{key[0]} / {roles[key[1]]} / {key[2]}"
            self.plan.add(HOLDINGS, "ended", label, f"结束任职 {label}（不在工作簿中，于 {yesterday} 结束）",
                          partial(_end, h, yesterday, key[0]),
                          {"holding": label, "ends_on": _iso(h.ends_on)}, {"holding": label, "ends_on": _iso(yesterday)})

    def holding(self, row: HoldingRow, current: RoleHolding | None) -> None:
        label = f"{row.username} / {row.role.name} / {row.unit}"

        def apply(ctx: Context) -> Person:
            person, unit = ctx.people[row.username], ctx.units[row.unit]
            holding = current
            if holding is None:  # people and units are written first: ids, not relationships (fast in bulk)
                holding = RoleHolding(role_id=row.role.id, person_id=person.id, unit_id=unit.id)
                ctx.session.add(holding)
            if row.dated:
                holding.starts_on, holding.ends_on = row.starts_on, row.ends_on
            return person

        wanted = {"holding": label, "starts_on": _iso(row.starts_on), "ends_on": _iso(row.ends_on)}
        if current is None:
            dates = f"（{row.starts_on or '即日'} 至 {row.ends_on or '长期'}）" if row.starts_on or row.ends_on else ""
            self.plan.add(HOLDINGS, "added", label, f"新增任职 {label}{dates}", apply, after=wanted)
            return
        was = {"holding": label, "starts_on": _iso(current.starts_on), "ends_on": _iso(current.ends_on)}
        if row.dated and was != wanted:
            self.plan.add(HOLDINGS, "changed", label, f"修改任职 {label}：{was['starts_on'] or '即日'} 至 "
                          f"{was['ends_on'] or '长期'} → {wanted['starts_on'] or '即日'} 至 {wanted['ends_on'] or '长期'}",
                          apply, was, wanted)

    def subjects(self) -> None:
        for row in self.rows.subjects or []:
            self.subject(row)

    def subject(self, row: SubjectRow) -> None:
        wanted = {"层面": LEVEL_LABELS[row.level], "名称": row.name, "所属单位代码": row.unit, "本人工号": row.username}

        def apply(ctx: Context) -> Subject:
            subject = self.existing.subjects.get(row.code)
            if subject is None:
                subject = Subject(code=row.code)
                ctx.session.add(subject)
            subject.name, subject.level, subject.unit_id = row.name, row.level, ctx.units[row.unit].id
            subject.person_id = ctx.people[row.username].id if row.username else None
            return subject

        current = self.existing.subjects.get(row.code)
        if current is None:
            self.plan.add(SUBJECTS, "added", row.code, f"新增诊改对象 {row.code} {row.name}（{wanted['层面']}）", apply,
                          after={"code": row.code, **wanted})
            return
        before, after = _diff({"层面": LEVEL_LABELS.get(current.level, current.level), "名称": current.name,
                               "所属单位代码": self.unit_code.get(current.unit_id, ""),
                               "本人工号": self.username.get(current.person_id or 0, "")}, wanted)
        if after:
            self.plan.add(SUBJECTS, "changed", row.code, f"修改诊改对象 {row.code} {row.name}：{_describe(before, after)}",
                          apply, before, after)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _end(holding: RoleHolding, day: date, username: str, ctx: Context) -> Person:
    holding.ends_on = day
    return ctx.people[username]


def _close(code: str, ctx: Context) -> Unit:
    ctx.units[code].active = False
    return ctx.units[code]


def _deactivate(username: str, ctx: Context) -> Person:
    ctx.people[username].active = False
    return ctx.people[username]


def plan_import(rows: Rows, existing: Existing, today: date) -> Plan:
    """Every change the checked rows make to the school, in the order they are applied (units, people,
    holdings, subjects), and the notes (units left open)."""
    planner = _Planner(rows, existing, today)
    planner.units()
    planner.people()
    planner.holdings()
    planner.subjects()
    return planner.plan
