"""诊改对象 as the admin keeps them: list by level, add, edit (level, code, name, unit, and the person for the
teacher and student levels)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.errors import InvalidInput, NotFound
from engine.paging import holds

from .admin import Listing, clean, ensure_admin, paged
from .models import LEVELS, Person, Subject, Unit

PERSONAL_LEVELS = ("teacher", "student")  # one subject per person: 本人工号 required


def find_subjects(session: Session, level: str = "", query: str = "", page: int = 1) -> Listing[Subject]:
    """Subjects of one level (or all) whose code or name contains `query`, by level and code, a page at a time."""
    wanted = select(Subject).options(selectinload(Subject.unit), selectinload(Subject.person))
    if level:
        wanted = wanted.where(Subject.level == level)
    text = clean(query)
    if text:
        wanted = wanted.where(holds(text, Subject.code, Subject.name))
    return paged(session, wanted.order_by(Subject.level, Subject.code), page)


def get_subject(session: Session, subject_id: int) -> Subject:
    """The subject with this id; raises NotFound."""
    found = session.get(Subject, subject_id)
    if found is None:
        raise NotFound("该诊改对象不存在")
    return found


def _snapshot(subject: Subject) -> dict[str, Any]:
    return {"level": subject.level, "code": subject.code, "name": subject.name, "unit_id": subject.unit_id,
            "person_id": subject.person_id}


def _checked(session: Session, subject_id: int | None, level: str, code: str, name: str, unit_id: int | None,
             username: str) -> tuple[Person | None, dict[str, str]]:
    errors = {}
    if level not in LEVELS:
        errors["level"] = "请选择层面（学校、专业、课程、教师或学生）"
    if not code:
        errors["code"] = "请填写代码"
    elif len(code) > 64:
        errors["code"] = "代码最多 64 个字符"
    else:
        other = session.scalar(select(Subject.id).where(Subject.code == code))
        if other is not None and other != subject_id:
            errors["code"] = f"代码“{code}”已被其他诊改对象使用"
    if not name:
        errors["name"] = "请填写名称"
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        errors["unit"] = "请选择所属单位"
    person = None
    if username:
        person = session.scalars(select(Person).where(Person.username == username)).first()
        if person is None:
            errors["person"] = f"找不到工号为“{username}”的人员"
    elif level in PERSONAL_LEVELS:
        errors["person"] = "教师和学生层面的诊改对象须填写本人工号"
    return person, errors


def add_subject(session: Session, actor: Person | None, level: str, code: str, name: str, unit_id: int | None,
                username: str, now: datetime) -> Subject:
    """Add a subject; raises NotAllowed, InvalidInput (a code in use, an unknown unit or 工号)."""
    ensure_admin(actor)
    code, name, username = clean(code), clean(name), clean(username)
    person, errors = _checked(session, None, level, code, name, unit_id, username)
    if errors:
        raise InvalidInput("不能添加该诊改对象：" + "；".join(errors.values()), errors)
    assert unit_id is not None
    subject = Subject(level=level, code=code, name=name, unit_id=unit_id, person_id=person.id if person else None)
    session.add(subject)
    session.flush()
    audit.record(session, actor, "subject.added", now, object_type="subject", object_id=subject.id,
                 summary=f"添加了诊改对象“{name}”（{code}）", after=_snapshot(subject))
    session.commit()
    return subject


def edit_subject(session: Session, actor: Person | None, subject_id: int, level: str, code: str, name: str,
                 unit_id: int | None, username: str, now: datetime) -> Subject:
    """Change a subject; raises NotAllowed, NotFound, InvalidInput."""
    ensure_admin(actor)
    subject = get_subject(session, subject_id)
    code, name, username = clean(code), clean(name), clean(username)
    person, errors = _checked(session, subject.id, level, code, name, unit_id, username)
    if errors:
        raise InvalidInput("不能修改该诊改对象：" + "；".join(errors.values()), errors)
    assert unit_id is not None
    before = _snapshot(subject)
    subject.level, subject.code, subject.name, subject.unit_id = level, code, name, unit_id
    subject.person_id = person.id if person else None
    audit.record(session, actor, "subject.edited", now, object_type="subject", object_id=subject.id,
                 summary=f"修改了诊改对象“{name}”（{code}）", before=before, after=_snapshot(subject))
    session.commit()
    return subject
