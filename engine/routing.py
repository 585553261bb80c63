"""Who gets a task: role from the lane (or Camunda attributes) → holders, walking up the org tree."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from .models import Person, Role, RoleHolding, Subject, Substitution, TaskCandidate, Unit

_VARIABLE = re.compile(r"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*$")


@dataclass
class Route:
    """The outcome of routing one task."""

    role_name: str = ""
    scope_unit_id: int | None = None
    assignee_id: int | None = None
    candidate_ids: list[int] = field(default_factory=list)
    unroutable: bool = False
    reason: str = ""


def find_role(session: Session, ref: str) -> Role | None:
    """The role whose code or name is `ref`."""
    ref = ref.strip()
    return session.scalars(select(Role).where(or_(Role.code == ref, Role.name == ref))).first()


def role_exists(session: Session) -> Any:
    """A predicate for the BPMN validator: does a role with this code or name exist?"""
    names = {n for row in session.execute(select(Role.code, Role.name)) for n in row}
    return lambda ref: ref.strip() in names


def _ancestors(session: Session, unit: Unit) -> list[Unit]:
    chain = []
    current: Unit | None = unit
    while current is not None and current not in chain:
        chain.append(current)
        current = session.get(Unit, current.parent_id) if current.parent_id else None
    return chain


def role_holders(session: Session, role: Role, unit_ids: list[int]) -> dict[int, list[int]]:
    """Active holders of `role` in each of `unit_ids`, in one query ordered by person id."""
    query = (select(RoleHolding.unit_id, RoleHolding.person_id).join(Person, Person.id == RoleHolding.person_id)
             .where(RoleHolding.role_id == role.id, RoleHolding.unit_id.in_(unit_ids), Person.active.is_(True))
             .order_by(RoleHolding.person_id))
    found: dict[int, list[int]] = {}
    for unit_id, person_id in session.execute(query):
        found.setdefault(unit_id, []).append(person_id)
    return found


def _active_substitutions(now: datetime) -> Select[tuple[int, int]]:
    """(person, substitute) of every substitution running today whose substitute is active, newest first."""
    today = now.date()
    return (select(Substitution.person_id, Substitution.substitute_id)
            .join(Person, Person.id == Substitution.substitute_id)
            .where(Substitution.starts_on <= today, Substitution.ends_on >= today, Person.active.is_(True))
            .order_by(Substitution.id.desc()))


def substitute_for(session: Session, person_id: int, now: datetime) -> int:
    """The person who receives `person_id`'s new tasks today (themself unless a substitute is active)."""
    found = session.execute(_active_substitutions(now).where(Substitution.person_id == person_id).limit(1)).first()
    return found.substitute_id if found else person_id


def substitutes(session: Session, now: datetime) -> dict[int, int]:
    """Every `substitute_for` answer that is not the person themself, read in one query."""
    found: dict[int, int] = {}
    for person_id, substitute_id in session.execute(_active_substitutions(now)):
        found.setdefault(person_id, substitute_id)
    return found


def _route_role(session: Session, role: Role, subject: Subject) -> Route:
    if subject.person_id is not None:
        held = session.scalars(select(RoleHolding.id).where(
            RoleHolding.person_id == subject.person_id, RoleHolding.role_id == role.id)).first()
        if held is not None:
            return Route(role.name, subject.unit_id, assignee_id=subject.person_id)
    chain = [unit.id for unit in _ancestors(session, subject.unit)]
    by_unit = role_holders(session, role, chain)
    for unit_id in chain:  # the nearest unit up the tree where someone holds the role
        holders = by_unit.get(unit_id, [])
        if len(holders) == 1:
            return Route(role.name, unit_id, assignee_id=holders[0])
        if holders:
            return Route(role.name, unit_id, candidate_ids=holders)
    return Route(role.name, subject.unit_id, unroutable=True,
                 reason=f"从“{subject.unit.name}”向上找不到担任“{role.name}”的人")


def _resolve_text(value: str, data: dict[str, Any]) -> str:
    match = _VARIABLE.match(value)
    if match:
        return str(data.get(match.group(1), "") or "")
    return value.strip()


def _person_ids(session: Session, usernames: list[str]) -> list[int]:
    if not usernames:
        return []
    return list(session.scalars(select(Person.id).where(Person.username.in_(usernames),
                                                        Person.active.is_(True))))


def route_task(session: Session, meta: dict[str, Any], subject: Subject, data: dict[str, Any],
               now: datetime) -> Route:
    """Route a task by its metadata (lane or Camunda attributes) within `subject`; never drops it."""
    route = _route_by_metadata(session, meta, subject, data)
    if route.unroutable or (route.assignee_id is None and not route.candidate_ids):
        route.unroutable = True
        route.assignee_id = None
        route.candidate_ids = quality_office_ids(session)
    if route.assignee_id is not None:
        route.assignee_id = substitute_for(session, route.assignee_id, now)
    route.candidate_ids = list(dict.fromkeys(substitute_for(session, pid, now) for pid in route.candidate_ids))
    return route


def _route_by_metadata(session: Session, meta: dict[str, Any], subject: Subject,
                       data: dict[str, Any]) -> Route:
    if meta.get("assignee"):
        username = _resolve_text(meta["assignee"], data)
        ids = _person_ids(session, [username])
        if ids:
            return Route(meta.get("lane", ""), subject.unit_id, assignee_id=ids[0])
        return Route(unroutable=True, reason=f"找不到办理人“{username or meta['assignee']}”")
    users = [_resolve_text(u, data) for u in meta.get("candidate_users", "").split(",") if u.strip()]
    groups = [_resolve_text(g, data) for g in meta.get("candidate_groups", "").split(",") if g.strip()]
    if users or groups:
        candidates = _person_ids(session, [u for u in users if u])
        names, scope = [], subject.unit_id
        for group in filter(None, groups):
            role = find_role(session, group)
            if role is None:
                continue
            routed = _route_role(session, role, subject)
            names.append(role.name)
            scope = routed.scope_unit_id
            candidates += ([routed.assignee_id] if routed.assignee_id else []) + routed.candidate_ids
        candidates = list(dict.fromkeys(candidates))
        role_name = "、".join(names) or meta.get("lane", "")
        if len(candidates) == 1:
            return Route(role_name, scope, assignee_id=candidates[0])
        return Route(role_name, scope, candidate_ids=candidates, unroutable=not candidates,
                     reason="" if candidates else f"候选组 {', '.join(groups) or '（空）'} 中没有人")
    role = find_role(session, meta.get("lane", ""))
    if role is None:
        return Route(meta.get("lane", ""), subject.unit_id, unroutable=True,
                     reason=f"角色“{meta.get('lane', '')}”不存在")
    return _route_role(session, role, subject)


def quality_office_ids(session: Session) -> list[int]:
    """Everyone holding a role marked to receive unroutable tasks (the quality office)."""
    query = (select(RoleHolding.person_id).join(Role).join(Person, Person.id == RoleHolding.person_id)
             .where(Role.receives_unroutable.is_(True), Person.active.is_(True))
             .order_by(RoleHolding.person_id))
    return list(dict.fromkeys(session.scalars(query)))


def task_owner_ids(task: Any) -> list[int]:
    """Who holds a task now: its assignee, else its candidates."""
    if task.assignee_id is not None:
        return [task.assignee_id]
    return [p.id for p in task.candidates]


def give_task_to(session: Session, task: Any, person_id: int) -> None:
    """Make `person_id` the task's assignee and drop its candidates (a reassignment or a takeover)."""
    task.assignee_id = person_id
    session.execute(TaskCandidate.__table__.delete().where(TaskCandidate.task_id == task.id))
    session.expire(task, ["candidates", "assignee"])
