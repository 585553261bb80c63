"""People as the admin keeps them: find, add (with a one-time password), edit, deactivate, reactivate, reset a
password. Nobody is deleted: their history stays."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.audit import AuditEvent
from engine.errors import Conflict, InvalidInput, NotFound
from engine.paging import holds

from .admin import Listing, clean, ensure_admin, paged
from .models import PERSON_KINDS, Person, RoleHolding, Unit
from .passwords import give_one_time_password
from .school import school_settings

KIND_NAMES = {code: name for name, code in PERSON_KINDS.items()}  # staff → 教职工
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+\- ]{0,32}$")


PEOPLE_SORTS = ("username", "name", "unit")  # by 工号, by name, by unit (then 工号)


def find_people(session: Session, query: str = "", unit_id: int | None = None, status: str = "",
                page: int = 1, sort: str = "username") -> Listing[Person]:
    """People whose name or 工号 contains `query`, or whose unit's code, name or 简称 does; optionally only in
    `unit_id`, only active (`status` "active") or inactive ("inactive"); in the order `sort` names
    (PEOPLE_SORTS, 工号 otherwise), a page at a time."""
    wanted = select(Person).options(selectinload(Person.unit)).outerjoin(Unit, Unit.id == Person.unit_id)
    text = clean(query)
    if text:
        wanted = wanted.where(holds(text, Person.name, Person.username, Unit.name, Unit.code, Unit.aliases))
    if unit_id:
        wanted = wanted.where(Person.unit_id == unit_id)
    if status == "active":
        wanted = wanted.where(Person.active.is_(True))
    elif status == "inactive":
        wanted = wanted.where(Person.active.is_(False))
    order = {"name": (Person.name, Person.username), "unit": (Unit.code, Person.username)}
    return paged(session, wanted.order_by(*order.get(sort, (Person.username,))), page)


def get_person(session: Session, person_id: int) -> Person:
    """The person with this id; raises NotFound."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("该人员不存在")
    return person


def person_holdings(session: Session, person_id: int) -> list[RoleHolding]:
    """Every holding of the person, current or not, by role."""
    return list(session.scalars(select(RoleHolding).options(selectinload(RoleHolding.role),
                                                            selectinload(RoleHolding.unit))
                                .where(RoleHolding.person_id == person_id).order_by(RoleHolding.role_id,
                                                                                   RoleHolding.starts_on)))


def person_events(session: Session, person_id: int, limit: int = 100) -> list[AuditEvent]:
    """The audit events about a person or done by them, newest first."""
    return list(session.scalars(select(AuditEvent).options(selectinload(AuditEvent.actor)).where(or_(
        (AuditEvent.object_type == "person") & (AuditEvent.object_id == str(person_id)),
        AuditEvent.actor_id == person_id)).order_by(AuditEvent.id.desc()).limit(limit)))


def _snapshot(person: Person) -> dict[str, Any]:
    return {"username": person.username, "name": person.name, "unit_id": person.unit_id, "kind": person.kind,
            "email": person.email, "phone": person.phone, "active": person.active}


def _check(session: Session, name: str, unit_id: int | None, kind: str, email: str, phone: str) -> dict[str, str]:
    errors = {}
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 100:
        errors["name"] = "姓名最多 100 个字"
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        errors["unit"] = "请选择所属单位"
    elif not unit.active:
        errors["unit"] = f"“{unit.name}”已撤销，请选择其他单位"
    if kind not in KIND_NAMES:
        errors["kind"] = "请选择类别（教职工或学生）"
    if email and not _EMAIL.match(email):
        errors["email"] = f"邮箱“{email}”格式不对"
    if phone and not _PHONE.match(phone):
        errors["phone"] = f"手机号“{phone}”只能包含数字"
    return errors


def add_person(session: Session, actor: Person | None, username: str, name: str, unit_id: int | None, kind: str,
               email: str, phone: str, now: datetime) -> tuple[Person, str]:
    """Add a person; returns them and their one-time password (shown once, changed at first sign-in).

    Raises NotAllowed, InvalidInput (a 工号 already used, no unit…)."""
    ensure_admin(actor)
    username, name, email, phone = clean(username), clean(name), clean(email), clean(phone)
    errors = _check(session, name, unit_id, kind, email, phone)
    if not _USERNAME.match(username):
        errors["username"] = "工号只能由字母、数字和 _ . @ - 组成（最多 64 个字符）"
    elif session.scalar(select(Person.id).where(Person.username == username)) is not None:
        errors["username"] = f"工号“{username}”已被使用"
    if errors:
        raise InvalidInput("不能添加该人员：" + "；".join(errors.values()), errors)
    person = Person(username=username, name=name, unit_id=unit_id, kind=kind, email=email, phone=phone,
                    active=True, is_admin=False, locale=school_settings(session).default_locale)
    password = give_one_time_password(person)
    session.add(person)
    session.flush()
    audit.record(session, actor, "person.added", now, object_type="person", object_id=person.id,
                 summary=f"添加了人员{name}（{username}），已生成一次性密码", after=_snapshot(person))
    session.commit()
    return person, password


def edit_person(session: Session, actor: Person | None, person_id: int, name: str, unit_id: int | None,
                kind: str, email: str, phone: str, now: datetime) -> Person:
    """Change a person's 姓名, unit, 类别, email or phone (the 工号 stays); raises NotAllowed, NotFound,
    InvalidInput."""
    ensure_admin(actor)
    person = get_person(session, person_id)
    name, email, phone = clean(name), clean(email), clean(phone)
    errors = _check(session, name, unit_id, kind, email, phone)
    if errors and not (set(errors) == {"unit"} and unit_id == person.unit_id and unit_id):
        raise InvalidInput("不能修改该人员：" + "；".join(errors.values()), errors)
    before = _snapshot(person)
    person.name, person.unit_id, person.kind, person.email, person.phone = name, unit_id, kind, email, phone
    audit.record(session, actor, "person.edited", now, object_type="person", object_id=person.id,
                 summary=f"修改了人员{person.name}（{person.username}）的信息", before=before,
                 after=_snapshot(person))
    session.commit()
    return person


def deactivate_person(session: Session, actor: Person | None, person_id: int, now: datetime) -> Person:
    """Deactivate a person: they cannot sign in, every session of theirs ends, routing passes them by; their
    history stays. Raises NotAllowed, NotFound, Conflict (already inactive, or oneself)."""
    ensure_admin(actor)
    person = get_person(session, person_id)
    if not person.active:
        raise Conflict(f"{person.name}已经停用")
    if actor is not None and actor.id == person.id:
        raise Conflict("不能停用自己的账号")
    person.active = False
    person.session_version = (person.session_version or 0) + 1
    audit.record(session, actor, "person.deactivated", now, object_type="person", object_id=person.id,
                 summary=f"停用了{person.name}（{person.username}）的账号", before={"active": True},
                 after={"active": False})
    session.commit()
    return person


def reactivate_person(session: Session, actor: Person | None, person_id: int, now: datetime) -> Person:
    """Let a deactivated person sign in again; raises NotAllowed, NotFound, Conflict."""
    ensure_admin(actor)
    person = get_person(session, person_id)
    if person.active:
        raise Conflict(f"{person.name}的账号没有停用")
    person.active = True
    audit.record(session, actor, "person.reactivated", now, object_type="person", object_id=person.id,
                 summary=f"恢复了{person.name}（{person.username}）的账号", before={"active": False},
                 after={"active": True})
    session.commit()
    return person


def reset_password(session: Session, actor: Person | None, person_id: int, now: datetime) -> tuple[Person, str]:
    """Give a person a new one-time password (returned, shown once; they must change it at the next sign-in;
    their sessions end). Raises NotAllowed, NotFound."""
    ensure_admin(actor)
    person = get_person(session, person_id)
    password = give_one_time_password(person)
    audit.record(session, actor, "person.password_reset", now, object_type="person", object_id=person.id,
                 summary=f"重置了{person.name}（{person.username}）的密码（一次性密码，下次登录须修改）")
    session.commit()
    return person, password
