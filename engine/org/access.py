"""Who may see and do what: the few permission rules, in one place."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from .models import Person, Role, RoleHolding, Unit


def is_quality_office(session: Session, person: Person | None) -> bool:
    """Admins and holders of a quality-office role (the roles that receive unroutable tasks)."""
    if person is None:
        return True  # the system itself: CLI, scheduler
    if person.is_admin:
        return True
    return session.scalar(select(exists().where(RoleHolding.person_id == person.id,
                                                RoleHolding.role_id == Role.id,
                                                Role.receives_unroutable.is_(True)))) or False


def is_school_leader(session: Session, person: Person) -> bool:
    """Someone holding any role at the root of the org tree (校长, 分管校领导, 督导…)."""
    return session.scalar(select(exists().where(RoleHolding.person_id == person.id,
                                                RoleHolding.unit_id == Unit.id,
                                                Unit.parent_id.is_(None)))) or False


def can_supervise(session: Session, person: Person | None) -> bool:
    """The quality office and school leaders (校长, 分管校领导, 督导员) see and act on every notice."""
    return is_quality_office(session, person) or (person is not None and is_school_leader(session, person))
