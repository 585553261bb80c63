"""Due dates and working time: ISO 8601 durations counted in calendar days or in Chinese working days.

A `WorkCalendar` is the official calendar (chinese_calendar: holidays and 调休 make-up days) plus the school's
own closures. Working time runs only on working days, 24 hours each, so that ladder rungs placed at a fraction
of the time or an offset from due always fall on a working day.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")
END_OF_DAY = time(23, 59, 59)
DAY = timedelta(days=1)


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration such as P10D, P2W or PT36H; raises ValueError if it is not one."""
    match = _DURATION.match(text.strip().strip("'\"").upper())
    if not match or text.strip().upper() in ("P", "PT") or not any(match.groupdict().values()):
        raise ValueError(f"无法识别的期限 {text!r}，请写成 ISO 8601 时长，例如 P10D（10 天）或 PT36H")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(weeks=parts.get("weeks", 0), days=parts.get("days", 0),
                     hours=parts.get("hours", 0), minutes=parts.get("minutes", 0))


@lru_cache(maxsize=8192)
def _official_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("chinese_calendar has no data for %s; counting Monday–Friday", day.year)
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkCalendar:
    """The official Chinese calendar plus the school's closures."""

    closures: frozenset[date] = field(default_factory=frozenset)
    _known: dict[date, bool] = field(default_factory=dict, init=False, compare=False, repr=False)  # answers so far

    def is_working_day(self, day: date) -> bool:
        """True on an official working day (调休 days included) that the school has not closed."""
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = day not in self.closures and _official_working_day(day)
        return known

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (start itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds between `start` and `end` that fall on working days."""
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                lo = max(start, datetime.combine(day, time.min))
                hi = min(end, datetime.combine(day + DAY, time.min))
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += DAY
        return total

    def shift(self, moment: datetime, seconds: float) -> datetime:
        """`moment` moved by `seconds` of working time (backwards when negative)."""
        remaining = abs(seconds)
        current = moment
        for _ in range(3660):  # ten years of days: a guard, never reached by a sane ladder
            day = current.date()
            if seconds >= 0:
                edge = datetime.combine(day + DAY, time.min)
                room = (edge - current).total_seconds() if self.is_working_day(day) else 0.0
                if remaining <= room:
                    return current + timedelta(seconds=remaining)
                current = edge
            else:
                start = datetime.combine(day, time.min)
                if current == start:
                    start -= DAY
                    day = start.date()
                room = (current - start).total_seconds() if self.is_working_day(day) else 0.0
                if remaining <= room:
                    return current - timedelta(seconds=remaining)
                current = start
            remaining -= room
        raise ValueError("working-time shift out of range")


OFFICIAL = WorkCalendar()


def is_working_day(day: date) -> bool:
    """True on a Chinese official working day (holidays off, 调休 make-up weekend days on)."""
    return OFFICIAL.is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th official working day after `start` (start itself not counted)."""
    return OFFICIAL.add_working_days(start, count)


def is_working_calendar(calendar: str) -> bool:
    """True when a task's `dueCalendar` asks for working days."""
    return calendar.strip().lower() == "working"


def compute_due(created: datetime, due: str, calendar: str = "", cal: WorkCalendar = OFFICIAL) -> datetime:
    """Due time for a task created at `created`; working-day deadlines end at the close of that day."""
    span = parse_duration(due)
    if is_working_calendar(calendar):
        days = span.days + (1 if span.seconds else 0)
        return datetime.combine(cal.add_working_days(created.date(), days), END_OF_DAY)
    return created + span
