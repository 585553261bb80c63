"""Forgotten passwords: a one-time link (a random token; only its SHA-256 is kept) that sets a new password once,
within an hour. Asking for one is limited per account and per client address with sign-in's throttle; the mail
itself is sent by engine/notify/password_mail.py."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db.session import rowcount
from engine.errors import InvalidInput, NotFound

from .models import PasswordReset, Person
from .passwords import check_policy, set_password
from .sign_in import KEY_LENGTH, SignInPolicy, _locked, _throttle

LIFETIME = timedelta(hours=1)
# Asking for a link: three per account and ten per address in a quarter of an hour, then a quarter-hour pause.
RESET_POLICY = SignInPolicy(account_failures=3, address_failures=10)
EXPIRED = "这个链接已失效（已使用或超过 1 小时），请重新申请“忘记密码”"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_account(session: Session, login: str) -> Person | None:
    """The active person whose 工号 or (only one person's) e-mail is `login`."""
    login = login.strip()
    if not login:
        return None
    found = list(session.scalars(select(Person).where(
        Person.active.is_(True),
        or_(Person.username == login, func.lower(Person.email) == login.lower())).limit(3)))
    by_username = [p for p in found if p.username == login]
    if by_username:
        return by_username[0]
    return found[0] if len(found) == 1 else None


def may_ask(session: Session, login: str, address: str, now: datetime,
            policy: SignInPolicy = RESET_POLICY) -> bool:
    """Count one request for a link; False when this account or address asked too often (no link is sent then,
    and the answer looks the same). The request that reaches a limit is still served; the lock refuses the
    next ones. The caller commits."""
    keys = (("reset_account", login.strip().lower()[:KEY_LENGTH], policy.account_failures),
            ("reset_address", (address or "unknown")[:KEY_LENGTH], policy.address_failures))
    if any(_locked(session, kind, key, now) for kind, key, _ in keys):
        return False
    for kind, key, limit in keys:
        row = _throttle(session, kind, key)
        if row.window_start is None or now - row.window_start >= policy.window:
            row.window_start, row.failures = now, 0
        row.failures += 1
        if row.failures >= limit:
            row.locked_until, row.failures, row.window_start = now + policy.lock, 0, None
            audit.record(session, None, "auth.reset_locked", now, object_type=f"sign_in_{kind}", object_id=key,
                         summary=f"“忘记密码”申请过于频繁：{key}，暂停至 {row.locked_until:%Y-%m-%d %H:%M}")
    return True


def issue_reset(session: Session, person: Person, address: str, now: datetime) -> str:
    """A new one-time token for `person` (earlier unused ones stop working); audited; the caller commits."""
    session.execute(update(PasswordReset).where(PasswordReset.person_id == person.id,
                                                PasswordReset.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    session.add(PasswordReset(person_id=person.id, token_hash=_digest(token), created_at=now,
                              expires_at=now + LIFETIME))
    audit.record(session, person, "auth.reset_requested", now, object_type="person", object_id=person.id,
                 summary=f"{person.name}（{person.username}）申请重设密码，链接已发往登记邮箱（{address or 'unknown'}）",
                 after={"address": address})
    return token


def _valid(session: Session, token: str, now: datetime) -> PasswordReset:
    row = session.scalars(select(PasswordReset).where(PasswordReset.token_hash == _digest(token or ""))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise NotFound(EXPIRED)
    person = session.get(Person, row.person_id)
    if person is None or not person.active:
        raise NotFound(EXPIRED)
    return row


def reset_holder(session: Session, token: str, now: datetime) -> Person:
    """Whose password the link sets; raises NotFound when the link is unknown, used, expired or its person
    deactivated."""
    person = session.get(Person, _valid(session, token, now).person_id)
    assert person is not None
    return person


def use_reset(session: Session, token: str, new: str, again: str, now: datetime) -> Person:
    """Set the new password the link's holder typed twice (policy applies); the link then stops working and every
    session of theirs ends. Raises NotFound for a dead link, InvalidInput for the password. Commits."""
    row = _valid(session, token, now)
    person = session.get(Person, row.person_id)
    assert person is not None
    if new != again:
        raise InvalidInput("两次输入的新密码不一致", {"again": "两次输入的新密码不一致"})
    try:
        check_policy(person.username, new)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, {"new": exc.message}) from exc
    claimed = session.execute(update(PasswordReset).where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
                              .values(used_at=now).execution_options(synchronize_session=False))
    if rowcount(claimed) != 1:  # the same link used twice at the same moment
        session.rollback()
        raise NotFound(EXPIRED)
    set_password(person, new)
    audit.record(session, person, "auth.password_reset", now, object_type="person", object_id=person.id,
                 summary=f"{person.name}（{person.username}）通过邮件链接重设了密码")
    session.commit()
    return person
