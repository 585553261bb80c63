"""The school's own closures and make-up working days on top of the official calendar; the calendar deadlines
are counted in."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.bus import publish
from engine.db.cache import snapshot
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .deadlines import MAX_AHEAD, WorkCalendar
from .events import CalendarChanged
from .models import Closure, OfficialDay, SchoolWorkday

MAX_CLOSURE_DAYS = 60
DayRow = TypeVar("DayRow", Closure, SchoolWorkday)  # a day the school set: closed, or worked


def load_calendar(session: Session) -> WorkCalendar:
    """The official calendar with the official days, closures and make-up working days the school entered."""
    return snapshot(session).section("calendar.closures", session, _load)


def _load(session: Session) -> WorkCalendar:
    entered = session.execute(select(OfficialDay.day, OfficialDay.kind)).all()
    return WorkCalendar(frozenset(session.scalars(select(Closure.day))),
                        frozenset(session.scalars(select(SchoolWorkday.day))),
                        frozenset(day for day, kind in entered if kind == "holiday"),
                        frozenset(day for day, kind in entered if kind == "workday"))


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
    publish(session, CalendarChanged(now))
    session.commit()
    return added


def remove_closure(session: Session, actor: Person | None, closure_id: int, now: datetime) -> None:
    """Reopen one closed day. Raises NotAllowed, NotFound."""
    _remove_day(session, actor, Closure, closure_id, now, noun="停课日", action="calendar.reopened",
                summary="取消停课日")


def school_workdays(session: Session) -> list[SchoolWorkday]:
    """Every make-up working day the school has set, by date."""
    return list(session.scalars(select(SchoolWorkday).order_by(SchoolWorkday.day)))


def add_school_workday(session: Session, actor: Person | None, day: date, reason: str,
                       now: datetime) -> SchoolWorkday:
    """Make `day` (a weekend or holiday) a working day of the school; deadlines computed afterwards count it.

    Raises NotAllowed, InvalidInput (no reason, a day already working or closed, too far from today)."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以设置调休上班日")
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["请填写原因，例如“运动会调休”"]
    if not now.date() - MAX_AHEAD <= day <= now.date() + MAX_AHEAD:
        errors["day"] = ["调休上班日应在今天前后一年之内"]
    elif session.scalar(select(SchoolWorkday.id).where(SchoolWorkday.day == day)) is not None:
        errors["day"] = [f"{day.isoformat()} 已经是学校的调休上班日"]
    elif load_calendar(session).is_working_day(day):
        errors["day"] = [f"{day.isoformat()} 本来就是工作日，无需设置调休上班"]
    if errors:
        raise InvalidInput("调休上班日设置有误", errors)
    workday = SchoolWorkday(day=day, reason=reason[:200])
    session.add(workday)
    audit.record(session, actor, "calendar.workday_added", now, object_type="calendar", object_id=day.isoformat(),
                 summary=f"设置学校调休上班日 {day.isoformat()}：{reason}", after={"day": day.isoformat(), "reason": reason})
    publish(session, CalendarChanged(now))
    session.commit()
    return workday


def remove_school_workday(session: Session, actor: Person | None, workday_id: int, now: datetime) -> None:
    """Take back one of the school's make-up working days. Raises NotAllowed, NotFound."""
    _remove_day(session, actor, SchoolWorkday, workday_id, now, noun="调休上班日",
                action="calendar.workday_removed", summary="取消学校调休上班日")


def _remove_day(session: Session, actor: Person | None, model: type[DayRow], row_id: int,
                now: datetime, *, noun: str, action: str, summary: str) -> None:
    """Delete one closed day or make-up day the school set, audited; the deadlines computed afterwards follow."""
    if not is_quality_office(session, actor):
        raise NotAllowed(f"只有管理员和质量管理办公室可以设置{noun}")
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"这个{noun}不存在或已被删除")
    audit.record(session, actor, action, now, object_type="calendar", object_id=row.day.isoformat(),
                 summary=f"{summary} {row.day.isoformat()}", before={"day": row.day.isoformat(), "reason": row.reason})
    session.delete(row)
    publish(session, CalendarChanged(now))
    session.commit()
