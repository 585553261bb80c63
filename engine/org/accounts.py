"""A person's own account: the first administrator, changing one's password, signing out (all audited).

Signing in lives in engine/org/sign_in.py, the forgotten-password link in engine/org/resets.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed

from .models import Person
from .passwords import check_policy, set_password
from .people import find_person
from .sign_in import end_sessions

USERNAME_LENGTH = 64


def create_admin(session: Session, username: str, password: str, now: datetime, *,
                 name: str = "") -> tuple[Person, bool]:
    """Make `username` an administrator with this password (a new person when none has that 工号); returns the
    person and whether they were created. Raises InvalidInput for an empty or too long username or a password the
    policy refuses. Commits."""
    username = username.strip()
    if not username or len(username) > USERNAME_LENGTH or any(c.isspace() for c in username):
        raise InvalidInput(f"用户名（工号）不能为空、不能含空格，最长 {USERNAME_LENGTH} 个字符", {"username": "用户名无效"})
    check_policy(username, password)
    person = find_person(session, username)
    created = person is None
    if person is None:
        person = Person(username=username, name=name.strip() or username, kind="staff", active=True)
        session.add(person)
    elif name.strip():
        person.name = name.strip()
    before = None if created else {"is_admin": person.is_admin, "active": person.active}
    person.is_admin, person.active = True, True
    set_password(person, password)
    session.flush()
    audit.record(session, None, "person.admin_created" if created else "person.made_admin", now,
                 object_type="person", object_id=person.id,
                 summary=f"{'新建管理员' if created else '设为管理员'}：{person.name}（{person.username}）",
                 before=before, after={"is_admin": True, "active": True})
    session.commit()
    return person, created


def change_password(session: Session, actor: Person, current: str, new: str, again: str, now: datetime) -> None:
    """The signed-in person replaces their password: the current one must match (after a one-time password's
    sign-in, the one-time password), the new one is typed twice and meets the policy. Every session of theirs
    ends (the caller signs the current one in again). Raises InvalidInput naming the wrong field. Commits."""
    if not actor.active:
        raise NotAllowed("该账号已停用")
    if not actor.password_hash or not check_password_hash(actor.password_hash, current):
        raise InvalidInput("当前密码不正确", {"current": "当前密码不正确"})
    if new != again:
        raise InvalidInput("两次输入的新密码不一致", {"again": "两次输入的新密码不一致"})
    if new == current:
        raise InvalidInput("新密码不能与当前密码相同", {"new": "新密码不能与当前密码相同"})
    try:
        check_policy(actor.username, new)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, {"new": exc.message}) from exc
    was_one_time = actor.must_change_password
    set_password(actor, new)
    audit.record(session, actor, "auth.password_changed", now, object_type="person", object_id=actor.id,
                 summary=f"{actor.name}（{actor.username}）修改了密码" + ("（首次登录）" if was_one_time else ""),
                 after={"one_time_replaced": was_one_time})
    session.commit()


def sign_out(session: Session, person: Person, address: str, now: datetime) -> None:
    """End every session and remember-me cookie of `person` and audit the sign-out. Commits."""
    end_sessions(session, person)
    audit.record(session, person, "auth.signed_out", now, object_type="sign_in", object_id=person.username,
                 summary=f"{person.name}（{person.username}）退出登录（{address or 'unknown'}）",
                 after={"address": address})
    session.commit()
