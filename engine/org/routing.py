"""Who gets a task: role from the lane (or Camunda attributes) → holders, walking up the org tree."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .access import is_student
from .models import Person, Subject, Unit
from .snapshot import RoleInfo, snapshot

_VARIABLE = re.compile(r"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\s*$")


@dataclass
class Route:
    """The outcome of routing one task."""

    role_name: str = ""
    scope_unit_id: int | None = None
    assignee_id: int | None = None
    candidate_ids: list[int] = field(default_factory=list)
    unroutable: bool = False
    reason: str = ""


# A lane (or candidate group) meaning "whoever heads the unit": the holders of a role that heads units
# (部门负责人, 专业部主任, 教研室主任, 校长) for the task's unit, else the nearest unit above with one.
UNIT_HEAD = ("unit_head", "单位负责人")


def find_role(session: Session, ref: str) -> RoleInfo | None:
    """The role whose code or name is `ref`."""
    return snapshot(session).roles(session).get(ref.strip())


def role_exists(session: Session) -> Any:
    """A predicate for the BPMN validator: does a role with this code or name exist (or the unit head)?"""
    names = snapshot(session).roles(session)
    return lambda ref: ref.strip() in names or ref.strip() in UNIT_HEAD


@dataclass(frozen=True)
class _Start:
    """Where routing starts: the unit (the subject's, or the one a task names) and the subject's own person."""

    unit_id: int
    unit_name: str
    person_id: int | None


def unit_by_ref(session: Session, ref: str) -> tuple[int, str] | None:
    """(id, name) of the active unit whose code is `ref`, else whose name or 简称 is (only if one unit has it)."""
    ref = ref.strip()
    if not ref:
        return None
    found = session.execute(select(Unit.id, Unit.name).where(Unit.code == ref, Unit.active.is_(True))).first()
    if found is not None:
        return found.id, found.name
    named = session.execute(select(Unit.id, Unit.name, Unit.aliases).where(Unit.active.is_(True))).all()
    matches = [(u.id, u.name) for u in named
               if u.name == ref or ref in [a.strip() for a in (u.aliases or "").split("、")]]
    return matches[0] if len(matches) == 1 else None


def _holders_along(session: Session, role: RoleInfo, unit_ids: list[int], today: date) -> dict[int, list[int]]:
    """Active holders of `role` on `today` in each of `unit_ids`, ordered by person id."""
    by_role_unit = snapshot(session).holdings(session, today).by_role_unit
    return {unit_id: list(by_role_unit[(role.id, unit_id)]) for unit_id in unit_ids
            if (role.id, unit_id) in by_role_unit}


def substitute_for(session: Session, person_id: int, now: datetime) -> int:
    """The person who receives `person_id`'s new tasks today (themself unless a substitute is active)."""
    return _standing_in(snapshot(session).substitutions(session), person_id, now.date())


def _standing_in(substitutions: dict[int, list[tuple[date, date, int]]], person_id: int, today: date) -> int:
    for first, last, substitute_id in substitutions.get(person_id, ()):
        if first <= today <= last:
            return substitute_id
    return person_id


def _route_role(session: Session, role: RoleInfo, start: _Start, today: date) -> Route:
    org = snapshot(session)
    if start.person_id is not None and (start.person_id, role.id) in org.holdings(session, today).held:
        return Route(role.name, start.unit_id, assignee_id=start.person_id)
    chain = org.ancestors(session, start.unit_id)
    by_unit = _holders_along(session, role, chain, today)
    for unit_id in chain:  # the nearest unit up the tree where someone holds the role
        holders = by_unit.get(unit_id, [])
        if len(holders) == 1:
            return Route(role.name, unit_id, assignee_id=holders[0])
        if holders:
            return Route(role.name, unit_id, candidate_ids=holders)
    return Route(role.name, start.unit_id, unroutable=True,
                 reason=f"从“{start.unit_name}”向上找不到担任“{role.name}”的人")


def _route_head(session: Session, start: _Start, today: date) -> Route:
    heads = snapshot(session).holdings(session, today).heads
    for unit_id in snapshot(session).ancestors(session, start.unit_id):
        holders = list(heads.get(unit_id, []))
        if len(holders) == 1:
            return Route("单位负责人", unit_id, assignee_id=holders[0])
        if holders:
            return Route("单位负责人", unit_id, candidate_ids=holders)
    return Route("单位负责人", start.unit_id, unroutable=True, reason=f"“{start.unit_name}”及其上级单位都没有负责人")


def _route_group(session: Session, ref: str, start: _Start, today: date) -> Route | None:
    """Routing for one role reference (a lane or a candidate group); None when no such role exists."""
    if ref.strip() in UNIT_HEAD:
        return _route_head(session, start, today)
    role = find_role(session, ref)
    return None if role is None else _route_role(session, role, start, today)


def data_value(data: dict[str, Any], name: str) -> Any:
    """The value `name` names in a task's data: a variable, or a field of one (`chapter.unit`, the item of a
    multi-instance task over a list of records); None when any step is missing."""
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _resolve_text(value: str, data: dict[str, Any]) -> str:
    match = _VARIABLE.match(value)
    if match:
        return str(data_value(data, match.group(1)) or "")
    return value.strip()


def _person_ids(session: Session, usernames: list[str]) -> list[int]:
    if not usernames:
        return []
    return list(session.scalars(select(Person.id).where(Person.username.in_(usernames),
                                                        Person.active.is_(True))))


def route_task(session: Session, meta: dict[str, Any], subject: Subject, data: dict[str, Any],
               now: datetime) -> Route:
    """Route a task by its metadata (lane or Camunda attributes) within `subject`, or within the unit the task
    names (property `unit`: a unit code, name or 简称, or `${variable}` holding one); never drops it."""
    route = _start_of(session, meta, subject, data)
    if isinstance(route, _Start):
        route = _route_by_metadata(session, meta, route, data, now.date())
    if route.unroutable or (route.assignee_id is None and not route.candidate_ids):
        route.unroutable = True
        route.assignee_id = None
        route.candidate_ids = quality_office_ids(session, now.date())
    if route.assignee_id is not None:
        route.assignee_id = substitute_for(session, route.assignee_id, now)
    route.candidate_ids = list(dict.fromkeys(substitute_for(session, pid, now) for pid in route.candidate_ids))
    return route


def _start_of(session: Session, meta: dict[str, Any], subject: Subject, data: dict[str, Any]) -> _Start | Route:
    """Where the walk starts; an unroutable Route when the task names a unit the school does not have."""
    if not str(meta.get("unit") or "").strip():
        return _Start(subject.unit_id, snapshot(session).unit_names(session).get(subject.unit_id, ""),
                      subject.person_id)
    ref = _resolve_text(meta["unit"], data)
    unit = unit_by_ref(session, ref)
    if unit is None:
        return Route(meta.get("lane", ""), subject.unit_id, unroutable=True,
                     reason=f"任务指定的单位“{ref or meta['unit']}”不存在")
    return _Start(unit[0], unit[1], None)


def _route_by_metadata(session: Session, meta: dict[str, Any], start: _Start,
                       data: dict[str, Any], today: date) -> Route:
    if meta.get("assignee"):
        username = _resolve_text(meta["assignee"], data)
        ids = _person_ids(session, [username])
        if ids:
            return Route(meta.get("lane", ""), start.unit_id, assignee_id=ids[0])
        return Route(unroutable=True, reason=f"找不到办理人“{username or meta['assignee']}”")
    users = [_resolve_text(u, data) for u in meta.get("candidate_users", "").split(",") if u.strip()]
    groups = [_resolve_text(g, data) for g in meta.get("candidate_groups", "").split(",") if g.strip()]
    if users or groups:
        candidates = _person_ids(session, [u for u in users if u])
        names: list[str] = []
        scope: int | None = start.unit_id
        for group in filter(None, groups):
            routed = _route_group(session, group, start, today)
            if routed is None:
                continue
            names.append(routed.role_name)
            scope = routed.scope_unit_id
            candidates += ([routed.assignee_id] if routed.assignee_id else []) + routed.candidate_ids
        candidates = list(dict.fromkeys(candidates))
        role_name = "、".join(names) or meta.get("lane", "")
        if len(candidates) == 1:
            return Route(role_name, scope, assignee_id=candidates[0])
        return Route(role_name, scope, candidate_ids=candidates, unroutable=not candidates,
                     reason="" if candidates else f"候选组 {', '.join(groups) or '（空）'} 中没有人")
    if not meta.get("lane", "").strip():
        return Route("", start.unit_id, unroutable=True, reason="该任务未指定泳道或办理人")
    routed = _route_group(session, meta.get("lane", ""), start, today)
    if routed is None:
        return Route(meta.get("lane", ""), start.unit_id, unroutable=True,
                     reason=f"角色“{meta.get('lane', '')}”不存在")
    return routed


def quality_office_ids(session: Session, today: date | None = None) -> list[int]:
    """Everyone holding a role marked to receive unroutable tasks (the quality office) on `today`."""
    return list(snapshot(session).holdings(session, today).unroutable)


def people_named(session: Session, unit_id: int, owners: list[int], target: str, now: datetime) -> list[int]:
    """People a ladder rung names: `owner`, `unit_head` (nearest head above the owner) or a role code/name,
    for a task of a subject in `unit_id` held by `owners`.

    A role is looked for from the subject's unit up the org tree, then anywhere in the school (督导员 and
    school leaders sit beside the departments, not above them). Active substitutes stand in.
    """
    org, today = snapshot(session), now.date()
    chain = org.ancestors(session, unit_id)
    if target == "owner":
        ids = owners
    elif target == "unit_head":
        ids = _nearest_heads(session, chain, set(owners), today)
    else:
        role = find_role(session, target)
        ids = []
        if role is not None:
            along = _holders_along(session, role, chain, today)
            found = next((along[unit] for unit in chain if unit in along), None)
            ids = found if found is not None else org.holdings(session, today).by_role.get(role.id, [])
    substitutions = org.substitutions(session)
    return list(dict.fromkeys(_standing_in(substitutions, pid, today) for pid in ids))


def _nearest_heads(session: Session, chain: list[int], skip: set[int], today: date) -> list[int]:
    heads_by_unit = snapshot(session).holdings(session, today).heads
    for unit_id in chain:
        heads = [pid for pid in heads_by_unit.get(unit_id, []) if pid not in skip]
        if heads:
            return heads
    return []


def may_do_task(session: Session, role_name: str, scope_unit_id: int | None, person_id: int) -> bool:
    """Whether `person_id` may be given a task of `role_name` (one role, or several joined by “、”) scoped to
    `scope_unit_id`: an active holder of one of those roles for the scope unit or a unit above it (routing's
    walk up the tree), or for any unit under the scope's parent (a colleague in the same 教研室/部 holding the
    same role for a neighbouring course, or for one below); or someone in the quality office. Students never (engine.org.access.is_student)."""
    person = session.get(Person, person_id)
    if person is None or not person.active or is_student(session, person):
        return False
    if person_id in quality_office_ids(session):
        return True
    if scope_unit_id is None:
        return False
    org = snapshot(session)
    chain = org.ancestors(session, scope_unit_id)
    parent = chain[1] if len(chain) > 1 else None
    by_role_unit = org.holdings(session).by_role_unit
    for name in filter(None, (part.strip() for part in role_name.split("、"))):
        if name in UNIT_HEAD and any(person_id in org.holdings(session).heads.get(unit_id, [])
                                     for unit_id in chain):
            return True
        role = find_role(session, name)
        if role is None:
            continue
        for (role_id, unit_id), holders in by_role_unit.items():
            if role_id == role.id and person_id in holders and (
                    unit_id in chain or (parent is not None and parent in org.ancestors(session, unit_id))):
                return True
    return False
