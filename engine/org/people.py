"""Finding people, subjects and units: the org's read side for pages and the shell."""
from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from .models import Person, Role, RoleHolding, Subject, Unit

# built once: every request reads the person signed in (session.get builds its statement again each time)
_BY_ID = select(Person).where(Person.id == bindparam("id"))


def person_by_id(session: Session, person_id: int) -> Person | None:
    """The person with this id (the one a request acts as), or None."""
    return session.execute(_BY_ID, {"id": person_id}).scalar_one_or_none()


def find_person(session: Session, username: str) -> Person | None:
    """The person with this username."""
    return session.scalars(select(Person).where(Person.username == username.strip())).first()


def people(session: Session, role: str | None = None) -> list[Person]:
    """People, optionally only those holding a role (by code or name)."""
    query = select(Person).options(selectinload(Person.holdings).selectinload(RoleHolding.role),
                                   selectinload(Person.holdings).selectinload(RoleHolding.unit))
    if role:
        query = query.where(Person.id.in_(select(RoleHolding.person_id).join(Role)
                                          .where(or_(Role.code == role, Role.name == role))))
    return list(session.scalars(query.order_by(Person.username)))


def subjects(session: Session, level: str | None = None) -> list[Subject]:
    """Subjects of cycles, optionally of one level."""
    query = select(Subject).options(selectinload(Subject.unit))
    if level:
        query = query.where(Subject.level == level)
    return list(session.scalars(query.order_by(Subject.level, Subject.code)))


def unit_path(session: Session, unit_id: int | None) -> str:
    """“学校 / 信息技术部 / 电商教研室” for a unit."""
    names = []
    current = session.get(Unit, unit_id) if unit_id else None
    while current is not None:
        names.append(current.name)
        current = session.get(Unit, current.parent_id) if current.parent_id else None
    return " / ".join(reversed(names))
