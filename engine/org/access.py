"""Who may see and do what: the few permission rules, in one place."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import Person
from .snapshot import RoleInfo, snapshot


def is_quality_office(session: Session, person: Person | None) -> bool:
    """Admins and holders of a quality-office role (the roles that receive unroutable tasks); read from the org
    snapshot, so asking on every page costs no statement."""
    if person is None:
        return True  # the system itself: CLI, scheduler
    if person.is_admin:
        return True
    org = snapshot(session)
    held = org.holdings(session).held
    return any((person.id, role.id) in held for role in org.roles(session).values() if role.receives_unroutable)


def is_school_leader(session: Session, person: Person) -> bool:
    """Someone holding any role at the root of the org tree (校长, 分管校领导, 督导…)."""
    return person.id in snapshot(session).holdings(session).at_root


def can_supervise(session: Session, person: Person | None) -> bool:
    """The quality office and school leaders (校长, 分管校领导, 督导员) see and act on every notice."""
    return is_quality_office(session, person) or (person is not None and is_school_leader(session, person))



STUDENT_ROLE_CODES = ("student",)  # the demo's 学生: a role with this code or name marks a student
STUDENT_ROLE_NAMES = ("学生",)


def _roles_of(session: Session, person_id: int) -> list[RoleInfo]:
    org = snapshot(session)
    held = org.holdings(session).held
    return [info for info in {r.id: r for r in org.roles(session).values()}.values() if (person_id, info.id) in held]


def _is_student_role(role: RoleInfo) -> bool:
    return role.code in STUDENT_ROLE_CODES or role.name in STUDENT_ROLE_NAMES


def is_student(session: Session, person: Person) -> bool:
    """A person of 类别 学生, or someone holding the 学生 role (code `student`) anywhere."""
    return person.kind == "student" or any(_is_student_role(role) for role in _roles_of(session, person.id))


def is_staff(session: Session, person: Person) -> bool:
    """An active person holding at least one role and no 学生 role (an admin holding no role is not staff)."""
    roles = _roles_of(session, person.id)
    return (person.active and person.kind != "student" and bool(roles)
            and not any(_is_student_role(role) for role in roles))


def heads_unit_of(session: Session, actor: Person, person: Person) -> bool:
    """True when `actor` holds a unit-head role (部门负责人, 专业部主任…) for `person`'s home unit or a unit above."""
    if person.unit_id is None:
        return False
    org = snapshot(session)
    heads = org.holdings(session).heads
    return any(actor.id in heads.get(unit_id, ()) for unit_id in org.ancestors(session, person.unit_id))


def headed_units(session: Session, actor: Person) -> frozenset[int]:
    """The units `actor` heads (holds a unit-head role for) and every unit below them: their unit's work."""
    org = snapshot(session)
    heads = {unit_id for unit_id, ids in org.holdings(session).heads.items() if actor.id in ids}
    if not heads:
        return frozenset()
    return frozenset(unit_id for unit_id in org.parents(session)
                     if not heads.isdisjoint(org.ancestors(session, unit_id)))


def heads_some_unit(session: Session, actor: Person) -> bool:
    """True when `actor` holds a unit-head role anywhere."""
    return any(actor.id in ids for ids in snapshot(session).holdings(session).heads.values())


def may_be_substitute(session: Session, absent: Person, substitute: Person) -> bool:
    """The substitute rule: `substitute` is staff (is_staff: never a student) and either holds one of the roles
    `absent` holds (anywhere in the school), or heads a unit, or is in the quality office; when `absent` holds
    no role, any staff member will do."""
    if not is_staff(session, substitute):
        return False
    theirs = {role.id for role in _roles_of(session, absent.id)}
    if not theirs:
        return True
    return any(role.id in theirs or role.heads_unit or role.receives_unroutable
               for role in _roles_of(session, substitute.id))
