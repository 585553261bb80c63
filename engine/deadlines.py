"""Due dates: ISO 8601 durations counted in calendar days or in Chinese working days."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta

import chinese_calendar

log = logging.getLogger(__name__)

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")
END_OF_DAY = time(23, 59, 59)


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration such as P10D, P2W or PT36H; raises ValueError if it is not one."""
    match = _DURATION.match(text.strip().strip("'\"").upper())
    if not match or text.strip().upper() in ("P", "PT") or not any(match.groupdict().values()):
        raise ValueError(f"无法识别的期限 {text!r}，请写成 ISO 8601 时长，例如 P10D（10 天）或 PT36H")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(weeks=parts.get("weeks", 0), days=parts.get("days", 0),
                     hours=parts.get("hours", 0), minutes=parts.get("minutes", 0))


def is_working_day(day: date) -> bool:
    """True on a Chinese official working day (holidays off, 调休 make-up weekend days on)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("chinese_calendar has no data for %s; counting Monday–Friday", day.year)
        return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def compute_due(created: datetime, due: str, calendar: str = "") -> datetime:
    """Due time for a task created at `created`; working-day deadlines end at the close of that day."""
    span = parse_duration(due)
    if calendar.strip().lower() == "working":
        days = span.days + (1 if span.seconds else 0)
        return datetime.combine(add_working_days(created.date(), days), END_OF_DAY)
    return created + span
