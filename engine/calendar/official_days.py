"""The State Council's holidays and 调休 make-up working days for a year the chinese_calendar package does not
know yet: the quality office enters them from the notice, and deadlines count them (entered days win).

`unknown_years` tells a page which of the deadlines it shows fall in a year nobody knows (neither the library
nor the quality office): those are counted Monday–Friday, and the page says so.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.bus import publish
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .closures import load_calendar
from .deadlines import library_knows
from .events import CalendarChanged
from .models import OfficialDay

KINDS = {"holiday": "放假", "workday": "调休上班"}
MAX_RANGE_DAYS = 31
SOURCES = {"library": "内置日历", "entered": "已录入", "unknown": "尚未录入"}
_LIBRARY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                  "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                  "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日"}


@dataclass(frozen=True)
class SpecialDay:
    """A weekday off or a weekend day on, by the official calendar, with its festival and where it is from."""

    day: date
    kind: str  # "holiday" | "workday"
    name: str
    source: str  # "library" | "entered"
    entry_id: int | None = None


def _office(session: Session, actor: Person | None) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以录入法定节假日")


def year_source(session: Session, year: int) -> str:
    """Where `year`'s official days come from: "entered", "library" or "unknown" (counted Monday–Friday)."""
    return load_calendar(session).source(year)


def unknown_years(session: Session, moments: Iterable[date | datetime | None]) -> list[int]:
    """The years, in order, of the given dates that neither the library nor the entered days know."""
    cal = load_calendar(session)
    years = {m.year for m in moments if m is not None}
    return sorted(y for y in years if cal.source(y) == "unknown")


def special_days(session: Session, year: int) -> list[SpecialDay]:
    """The year's official holidays on weekdays, its 调休 make-up weekend days, and every entered day."""
    entered = {d.day: d for d in session.scalars(select(OfficialDay).where(
        OfficialDay.day >= date(year, 1, 1), OfficialDay.day <= date(year, 12, 31)))}
    cal = load_calendar(session)
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        entry = entered.get(day)
        if entry is not None:
            days.append(SpecialDay(day, entry.kind, entry.name, "entered", entry.id))
        elif library_knows(year):
            working = cal.is_official_working_day(day)
            if working == (day.weekday() >= 5):
                days.append(SpecialDay(day, "workday" if working else "holiday", _library_name(day), "library"))
        day += timedelta(days=1)
    return days


def _library_name(day: date) -> str:
    try:
        _on, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return _LIBRARY_NAMES.get(str(name), str(name or ""))


def enter_official_days(session: Session, actor: Person | None, first: date, last: date, kind: str, name: str,
                        now: datetime) -> list[OfficialDay]:
    """Enter `first`…`last` (inclusive) as official holidays or 调休 working days named `name` (元旦, 春节…);
    a day entered before is overwritten. Raises NotAllowed, InvalidInput."""
    _office(session, actor)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = ["请选择“放假”或“调休上班”"]
    if not name:
        errors["name"] = ["请填写节日名称，例如“春节”"]
    if last < first:
        errors["last"] = ["结束日期不能早于开始日期"]
    elif (last - first).days >= MAX_RANGE_DAYS:
        errors["last"] = [f"一次最多录入 {MAX_RANGE_DAYS} 天"]
    if not 2000 <= first.year <= 2100 or abs(first.year - now.year) > 2:
        errors["first"] = ["只能录入今年前后两年之内的日期"]
    if errors:
        raise InvalidInput("法定节假日录入有误，请修改标红的项目", errors)
    existing = {d.day: d for d in session.scalars(select(OfficialDay).where(OfficialDay.day >= first,
                                                                            OfficialDay.day <= last))}
    saved = []
    day = first
    while day <= last:
        entry = existing.get(day) or OfficialDay(day=day)
        entry.kind, entry.name = kind, name[:50]
        session.add(entry)
        saved.append(entry)
        day += timedelta(days=1)
    audit.record(session, actor, "calendar.official_entered", now, object_type="calendar",
                 object_id=first.isoformat(),
                 summary=f"录入法定{KINDS[kind]} {first.isoformat()} 至 {last.isoformat()}：{name}",
                 before={"days": {d.isoformat(): [e.kind, e.name] for d, e in existing.items()}} if existing else None,
                 after={"days": [d.day.isoformat() for d in saved], "kind": kind, "name": name})
    publish(session, CalendarChanged(now))
    session.commit()
    return saved


def remove_official_day(session: Session, actor: Person | None, entry_id: int, now: datetime) -> None:
    """Remove one entered official day (the library, or Monday–Friday, answers for it again).

    Raises NotAllowed, NotFound."""
    _office(session, actor)
    entry = session.get(OfficialDay, entry_id)
    if entry is None:
        raise NotFound("这个法定节假日记录不存在或已被删除")
    audit.record(session, actor, "calendar.official_removed", now, object_type="calendar",
                 object_id=entry.day.isoformat(), summary=f"删除法定{KINDS.get(entry.kind, '')} {entry.day.isoformat()}",
                 before={"day": entry.day.isoformat(), "kind": entry.kind, "name": entry.name})
    session.delete(entry)
    publish(session, CalendarChanged(now))
    session.commit()
