"""Who may do what with activities: the quality office, or the heads of a plan's organiser unit, keep its plan
and events; an event's organiser runs it (publishes, closes, sees the sign-ins); everyone signed in sees the
published events whose audience they are in (an event with no audience units or roles is for everyone), and
school leaders and supervisors see every published event."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.org.access import can_supervise, is_quality_office
from engine.org.models import Person, Role, RoleHolding, Unit
from engine.org.snapshot import holding_current

from .models import ActivityEvent, ActivityPlan


def heads_unit(session: Session, person: Person, unit_id: int, today: date) -> bool:
    """True when `person` holds a unit-head role (部门负责人…) at `unit_id` today."""
    return session.scalars(select(RoleHolding.id).join(Role).where(
        RoleHolding.person_id == person.id, RoleHolding.unit_id == unit_id, Role.heads_unit.is_(True),
        holding_current(today))).first() is not None


def may_keep_unit(session: Session, actor: Person | None, unit_id: int, today: date) -> bool:
    """The quality office, or a head of `unit_id`: may keep a plan organised by that unit."""
    return is_quality_office(session, actor) or (actor is not None and heads_unit(session, actor, unit_id, today))


def may_keep(session: Session, actor: Person | None, plan: ActivityPlan, today: date) -> bool:
    """May edit the plan and add or edit its events."""
    return may_keep_unit(session, actor, plan.unit_id, today)


def may_run(session: Session, actor: Person | None, event: ActivityEvent, today: date) -> bool:
    """May publish and close the event and see who signed in: its keepers and its organiser."""
    return (actor is not None and event.organiser_id == actor.id) or may_keep(session, actor, event.plan, today)


def unit_subtree(session: Session, unit_ids: list[int]) -> set[int]:
    """The units and every unit below them."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, todo = set(), list(unit_ids)
    while todo:
        unit_id = todo.pop()
        if unit_id not in found:
            found.add(unit_id)
            todo.extend(children.get(unit_id, []))
    return found


def audience_ids(session: Session, event: ActivityEvent, today: date) -> list[int]:
    """The active people of the event's audience units (and below) or holding its audience roles today."""
    units = unit_subtree(session, [int(u) for u in event.audience_unit_ids or []])
    roles = [int(r) for r in event.audience_role_ids or []]
    if not units and not roles:
        return list(session.scalars(select(Person.id).where(Person.active.is_(True)).order_by(Person.id)))
    holders = select(RoleHolding.person_id).where(RoleHolding.role_id.in_(roles), holding_current(today))
    return list(session.scalars(select(Person.id).where(
        Person.active.is_(True), or_(Person.unit_id.in_(units), Person.id.in_(holders))).order_by(Person.id)))


def may_see(session: Session, actor: Person, event: ActivityEvent, today: date) -> bool:
    """Its runners always; once it is published, school leaders and supervisors, and its audience."""
    if may_run(session, actor, event, today):
        return True
    if event.status not in ("published", "closed", "cancelled"):
        return False
    return can_supervise(session, actor) or actor.id in audience_ids(session, event, today)
