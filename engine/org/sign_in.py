"""Signing in: the password check, limited per account and per client address, every failure and lock audited.

An unknown username costs the same password hash as a known one and is counted the same way, so neither the
answer nor its timing tells whether an account exists. A sign-in refused because of a lock does no hashing and is
not counted again (a lock ends on time, however often it is knocked on). Successful sign-ins are audited too.

With a campus directory (LDAP, engine/org/directory.py) the password typed may be the directory's: `directory`
checks it there when the local one does not match; the same counting applies. A directory that says yes for
someone with no person here is refused with its own reason (`problem`), never signed in.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

import engine.audit as audit
from engine.errors import Unavailable

from .models import Person, SignInThrottle
from .people import find_person

KEY_LENGTH = 64
# How a person signed in, as the audit log names it.
METHODS = {"password": "本地密码", "ldap": "统一身份认证（LDAP）", "cas": "统一身份认证（CAS）"}
# Checks a username and password against a campus directory; raises Unavailable when it cannot be asked.
DirectoryCheck = Callable[[str, str], bool]


@dataclass(frozen=True)
class SignInPolicy:
    """How many failures in how long lock an account or an address, and for how long."""

    account_failures: int = 5
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class SignInResult:
    """The person signed in, or None; `retry_at` says until when a lock refuses (None when not locked);
    `method` how they proved who they are; `problem` why a refusal is not a plain wrong password: "no_person"
    (the directory knows them, Spiral does not), "inactive" (deactivated), "unavailable" (the directory did not
    answer), "directory_only" (a right local password where only administrators may use one)."""

    person: Person | None
    retry_at: datetime | None = None
    method: str = "password"
    problem: str = ""


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows, checked for unknown usernames so they cost what real ones cost."""
    return generate_password_hash("spiral-no-such-account")


def _throttle(session: Session, kind: str, key: str) -> SignInThrottle:
    row = session.scalars(select(SignInThrottle).where(SignInThrottle.kind == kind, SignInThrottle.key == key)).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = SignInThrottle(kind=kind, key=key, failures=0)
            session.add(row)
    except IntegrityError:  # another request counted this key's first failure at the same moment
        row = session.scalars(select(SignInThrottle)
                              .where(SignInThrottle.kind == kind, SignInThrottle.key == key)).one()
    return row


def _locked(session: Session, kind: str, key: str, now: datetime) -> datetime | None:
    until = session.scalars(select(SignInThrottle.locked_until)
                            .where(SignInThrottle.kind == kind, SignInThrottle.key == key)).first()
    return until if until is not None and until > now else None


def _count_failure(session: Session, kind: str, key: str, limit: int, policy: SignInPolicy, now: datetime,
                   username: str, address: str, person: Person | None) -> datetime | None:
    """Count one failure; when it reaches the limit, lock the key (audited) and return until when."""
    row = _throttle(session, kind, key)
    if row.window_start is None or now - row.window_start >= policy.window:
        row.window_start, row.failures = now, 0
    row.failures += 1
    if row.failures < limit:
        return None
    row.locked_until, row.failures, row.window_start = now + policy.lock, 0, None
    audit.record(session, person, "auth.locked", now, object_type=f"sign_in_{kind}", object_id=key,
                 summary=f"{'账号' if kind == 'account' else '地址'} {key} 登录失败 {limit} 次，锁定至 "
                         f"{row.locked_until:%Y-%m-%d %H:%M}",
                 after={"username": username, "address": address, "until": row.locked_until.isoformat()})
    return row.locked_until


def sign_in(session: Session, username: str, password: str, address: str, now: datetime,
            policy: SignInPolicy | None = None, *, directory: DirectoryCheck | None = None,
            local_admins_only: bool = False) -> SignInResult:
    """Check a username and password typed at `now` from client `address`; commits the count and the audit.

    `directory` also accepts the campus directory's password; `local_admins_only` (a directory-only school)
    accepts local passwords from administrators only."""
    policy = policy or SignInPolicy()
    username, address = username.strip()[:KEY_LENGTH], (address or "unknown")[:KEY_LENGTH]
    locks = [until for until in (_locked(session, "account", username.lower(), now),
                                 _locked(session, "address", address, now)) if until is not None]
    if locks:
        session.rollback()
        return SignInResult(None, max(locks))
    person = find_person(session, username) if username else None
    hashed = person.password_hash if person is not None and person.password_hash else _dummy_hash()
    matches = check_password_hash(hashed, password) and person is not None and bool(person.password_hash)
    method, problem = "password", ""
    if matches and local_admins_only and person is not None and not person.is_admin:
        matches, problem = False, "directory_only"
    if not matches and directory is not None and username and password:
        try:
            matches, method = directory(username, password), "ldap"
        except Unavailable:
            problem = problem or "unavailable"
    if matches and person is None:
        audit.record(session, None, "auth.failed", now, object_type="sign_in", object_id=username,
                     summary=f"{username} 通过统一身份认证，但系统中没有该工号的人员（{address}）",
                     after={"username": username, "address": address, "method": method})
        session.commit()
        return SignInResult(None, method=method, problem="no_person")
    if person is not None and person.active and matches:
        account = session.scalars(select(SignInThrottle).where(SignInThrottle.kind == "account",
                                                               SignInThrottle.key == username.lower())).first()
        if account is not None:
            account.failures, account.window_start = 0, None
        signed_in(session, person, method, address, now)
        return SignInResult(person, method=method)
    if person is not None and not person.active and matches:
        problem = "inactive"  # the page still says only "wrong username or password": nothing is revealed
    audit.record(session, person, "auth.failed", now, object_type="sign_in", object_id=username,
                 summary=f"{username} 登录失败（{address}）" + ("：账号已停用" if problem == "inactive" else ""),
                 after={"username": username, "address": address, **({"problem": problem} if problem else {})})
    retry = [until for until in (
        _count_failure(session, "account", username.lower(), policy.account_failures, policy, now, username,
                       address, person),
        _count_failure(session, "address", address, policy.address_failures, policy, now, username, address,
                       person)) if until is not None]
    session.commit()
    return SignInResult(None, max(retry) if retry else None, method=method, problem=problem)


def signed_in(session: Session, person: Person, method: str, address: str, now: datetime) -> None:
    """Audit a successful sign-in (any method). Commits."""
    audit.record(session, person, "auth.signed_in", now, object_type="sign_in", object_id=person.username,
                 summary=f"{person.name}（{person.username}）登录成功：{METHODS.get(method, method)}（{address}）",
                 after={"address": address, "method": method})
    session.commit()


def sign_in_verified(session: Session, username: str, method: str, address: str, now: datetime) -> SignInResult:
    """Sign in someone a campus server (CAS) has already verified as `username` (their 工号): refused when no
    active person has it (problem "no_person" or "inactive", audited). Commits."""
    username, address = username.strip()[:KEY_LENGTH], (address or "unknown")[:KEY_LENGTH]
    person = find_person(session, username) if username else None
    if person is not None and person.active:
        signed_in(session, person, method, address, now)
        return SignInResult(person, method=method)
    problem = "no_person" if person is None else "inactive"
    audit.record(session, person, "auth.failed", now, object_type="sign_in", object_id=username,
                 summary=f"{username} 通过{METHODS.get(method, method)}，但" +
                         ("系统中没有该工号的人员" if person is None else "账号已停用") + f"（{address}）",
                 after={"username": username, "address": address, "method": method, "problem": problem})
    session.commit()
    return SignInResult(None, method=method, problem=problem)


def end_sessions(session: Session, person: Person) -> None:
    """End every session and remember-me cookie of `person` (logout, a password change); the caller commits."""
    person.session_version = (person.session_version or 0) + 1
