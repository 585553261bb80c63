"""The school's own closures on top of the official calendar; the calendar deadlines are counted in."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db.cache import snapshot
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .deadlines import MAX_AHEAD, WorkCalendar
from .models import Closure

MAX_CLOSURE_DAYS = 60


def load_calendar(session: Session) -> WorkCalendar:
    """The official calendar with every closure the school has entered."""
    return snapshot(session).section("calendar.closures", session,
                                     lambda s: WorkCalendar(frozenset(s.scalars(select(Closure.day)))))


def closures(session: Session) -> list[Closure]:
    """Every closure, by date."""
    return list(session.scalars(select(Closure).order_by(Closure.day)))


def add_closure(session: Session, actor: Person | None, first: date, last: date, reason: str,
                now: datetime) -> list[Closure]:
    """Close the school from `first` to `last` (inclusive); deadlines computed afterwards skip these days."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以设置停课日")
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["请填写原因，例如“校运动会”"]
    if last < first:
        errors["last"] = ["结束日期不能早于开始日期"]
    elif (last - first).days >= MAX_CLOSURE_DAYS:
        errors["last"] = [f"一次最多设置 {MAX_CLOSURE_DAYS} 天"]
    if not now.date() - MAX_AHEAD <= first <= now.date() + MAX_AHEAD:
        errors["first"] = ["停课日应在今天前后一年之内"]
    if errors:
        raise InvalidInput("停课日设置有误", errors)
    existing = set(session.scalars(select(Closure.day).where(Closure.day >= first, Closure.day <= last)))
    added = []
    day = first
    while day <= last:
        if day not in existing:
            added.append(Closure(day=day, reason=reason[:200]))
        day += timedelta(days=1)
    session.add_all(added)
    audit.record(session, actor, "calendar.closed", now, object_type="calendar", object_id=first.isoformat(),
                 summary=f"设置停课日 {first.isoformat()} 至 {last.isoformat()}：{reason}",
                 after={"days": [c.day.isoformat() for c in added], "reason": reason})
    session.commit()
    return added


def remove_closure(session: Session, actor: Person | None, closure_id: int, now: datetime) -> None:
    """Reopen one closed day."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以设置停课日")
    closure = session.get(Closure, closure_id)
    if closure is None:
        raise NotFound("这个停课日不存在或已被删除")
    audit.record(session, actor, "calendar.reopened", now, object_type="calendar",
                 object_id=closure.day.isoformat(), summary=f"取消停课日 {closure.day.isoformat()}",
                 before={"day": closure.day.isoformat(), "reason": closure.reason})
    session.delete(closure)
    session.commit()
