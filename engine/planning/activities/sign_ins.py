"""签到: signing in at an event through its public link (/s/<token>, no account) or with one click when signed in.

Only within the window (an hour before the start to a day after the end); one sign-in per phone number, and per
person, per event: a second attempt answers 已签到 with the first one's time and changes nothing. Each client
address may try `AddressLimit.attempts` times in `AddressLimit.window`, counted in the sign-in throttle table
(kind "activity"), so every web process counts the same: a crowd on the school's Wi-Fi shares one address,
hence the generous default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.org.access import is_student
from engine.org.models import Person, SignInThrottle

from .models import ActivityEvent, ActivitySignIn

OPENS_BEFORE = timedelta(hours=1)
CLOSES_AFTER = timedelta(days=1)
THROTTLE_KIND = "activity"
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class AddressLimit:
    """How many sign-in attempts one client address may make in how long."""

    attempts: int = 60
    window: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Visitor:
    """What someone without an account types: name, mobile phone and, for a parent, the child's name and class."""

    name: str
    phone: str
    student_name: str = ""
    student_class: str = ""


@dataclass(frozen=True)
class SignInOutcome:
    """The sign-in row; `already` when it was there before this attempt (nothing changed)."""

    sign_in: ActivitySignIn
    already: bool


def normalize_phone(text: str) -> str:
    """A mainland mobile number as its 11 digits (spaces, dashes and +86 dropped); "" when it is not one."""
    digits = re.sub(r"[\s\-()（）]", "", text or "")
    digits = re.sub(r"^(\+?86)", "", digits) if len(digits) > 11 else digits
    return digits if MOBILE.match(digits) else ""


def mask_phone(phone: str | None) -> str:
    """138****8000: how a phone number is shown outside the organiser's own pages."""
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) == 11 else (phone or "")


def event_by_token(session: Session, token: str) -> ActivityEvent:
    """The published (or closed) event of a sign-in link; NotFound for an unknown token or a draft."""
    event = session.scalars(select(ActivityEvent).where(ActivityEvent.sign_in_token == (token or "")[:64])).first()
    if event is None or event.status == "draft":
        raise NotFound("签到链接无效：请向活动组织人索取正确的二维码或链接")
    return event


def window(event: ActivityEvent) -> tuple[datetime, datetime]:
    """When signing in is open: from an hour before the start to a day after the end."""
    return event.starts_at - OPENS_BEFORE, event.ends_at + CLOSES_AFTER


def check_open(event: ActivityEvent, now: datetime) -> None:
    """Raise Conflict unless sign-in is open now, saying when it opens or that it has closed."""
    if event.status == "cancelled":
        raise Conflict("该活动已取消，无需签到")
    opens, closes = window(event)
    if now < opens:
        raise Conflict(f"签到尚未开始：活动开始前 1 小时（{opens:%Y-%m-%d %H:%M}）起可以签到")
    if now > closes:
        raise Conflict(f"签到已经结束（截止 {closes:%Y-%m-%d %H:%M}）")


def _count_attempt(session: Session, address: str, now: datetime, limit: AddressLimit) -> None:
    """Count one attempt from `address`; NotAllowed once it has made too many in the window (not counted then)."""
    key = (address or "unknown")[:64]
    row = session.scalars(select(SignInThrottle).where(SignInThrottle.kind == THROTTLE_KIND,
                                                       SignInThrottle.key == key)).first()
    if row is None:
        try:
            with session.begin_nested():
                row = SignInThrottle(kind=THROTTLE_KIND, key=key, failures=0)
                session.add(row)
        except IntegrityError:  # another request counted this address's first attempt at the same moment
            row = session.scalars(select(SignInThrottle).where(SignInThrottle.kind == THROTTLE_KIND,
                                                               SignInThrottle.key == key)).one()
    if row.window_start is None or now - row.window_start >= limit.window:
        row.window_start, row.failures = now, 0
    if row.failures >= limit.attempts:
        session.commit()
        retry = row.window_start + limit.window
        raise NotAllowed(f"签到尝试过于频繁，请在 {retry:%H:%M} 后再试")
    row.failures += 1


def _existing(session: Session, event: ActivityEvent, *, phone: str = "", person_id: int | None = None
              ) -> ActivitySignIn | None:
    query = select(ActivitySignIn).where(ActivitySignIn.event_id == event.id)
    query = query.where(ActivitySignIn.phone == phone) if phone else query.where(ActivitySignIn.person_id == person_id)
    return session.scalars(query).first()


def _add(session: Session, event: ActivityEvent, row: ActivitySignIn, now: datetime) -> SignInOutcome:
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same phone or person a moment ago, from another request
        twin = _existing(session, event, phone=row.phone or "", person_id=row.person_id)
        session.commit()
        if twin is None:
            raise
        return SignInOutcome(twin, True)
    who = row.name + (f"（{mask_phone(row.phone)}）" if row.phone else "")
    audit.record(session, row.person, "activity.signed_in", now, object_type="activity_event", object_id=event.id,
                 summary=f"{who}签到“{event.title}”")
    session.commit()
    return SignInOutcome(row, False)


def sign_in_visitor(session: Session, token: str, visitor: Visitor, address: str, now: datetime,
                    limit: AddressLimit | None = None) -> SignInOutcome:
    """Sign in someone without an account (a parent) through the event's public link. Raises NotFound (bad
    link), NotAllowed (too many attempts from this address), Conflict (outside the window), InvalidInput."""
    event = event_by_token(session, token)
    _count_attempt(session, address, now, limit or AddressLimit())
    try:
        check_open(event, now)
        phone = normalize_phone(visitor.phone)
        errors = {}
        if not visitor.name.strip():
            errors["name"] = "请填写您的姓名"
        if not phone:
            errors["phone"] = "请填写 11 位手机号码"
        if errors:
            raise InvalidInput("请补全签到信息", errors)
    except (Conflict, InvalidInput):
        session.commit()  # the attempt stays counted
        raise
    twin = _existing(session, event, phone=phone)
    if twin is not None:
        session.commit()
        return SignInOutcome(twin, True)
    row = ActivitySignIn(event_id=event.id, name=visitor.name.strip()[:100], phone=phone, kind="external",
                         student_name=visitor.student_name.strip()[:100],
                         student_class=visitor.student_class.strip()[:100], signed_at=now, ip=address[:64])
    return _add(session, event, row, now)


def sign_in_member(session: Session, person: Person, token: str, address: str, now: datetime,
                   limit: AddressLimit | None = None) -> SignInOutcome:
    """Sign in a signed-in staff member or student with one click. Raises what sign_in_visitor raises."""
    event = event_by_token(session, token)
    _count_attempt(session, address, now, limit or AddressLimit())
    try:
        check_open(event, now)
    except Conflict:
        session.commit()
        raise
    twin = _existing(session, event, person_id=person.id)
    if twin is not None:
        session.commit()
        return SignInOutcome(twin, True)
    kind = "student" if is_student(session, person) else "staff"
    row = ActivitySignIn(event_id=event.id, person_id=person.id, name=person.name, phone=None, kind=kind,
                         signed_at=now, ip=address[:64])
    row.person = person
    return _add(session, event, row, now)


def sign_ins(session: Session, event: ActivityEvent) -> list[ActivitySignIn]:
    """The event's sign-ins, in the order they came."""
    return list(session.scalars(select(ActivitySignIn).where(ActivitySignIn.event_id == event.id)
                                .order_by(ActivitySignIn.signed_at, ActivitySignIn.id)))


def sign_in_counts(session: Session, event_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per event: how many signed in of each kind (staff, student, external) and in all ("all")."""
    counts: dict[int, dict[str, int]] = {}
    for event_id, kind, n in session.execute(select(ActivitySignIn.event_id, ActivitySignIn.kind, func.count())
                                             .where(ActivitySignIn.event_id.in_(event_ids))
                                             .group_by(ActivitySignIn.event_id, ActivitySignIn.kind)):
        row = counts.setdefault(event_id, {"staff": 0, "student": 0, "external": 0, "all": 0})
        row[kind] = n
        row["all"] += n
    return counts


def get_sign_in(session: Session, event: ActivityEvent, sign_in_id: int | None) -> ActivitySignIn | None:
    """The sign-in `sign_in_id` if it is this event's."""
    if not sign_in_id:
        return None
    row = session.get(ActivitySignIn, sign_in_id)
    return row if row is not None and row.event_id == event.id else None
