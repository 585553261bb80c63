"""Due dates and working time: ISO 8601 durations counted in calendar days or in Chinese working days.

A `WorkCalendar` is the official calendar (chinese_calendar: holidays and 调休 make-up days, corrected or
completed by the official days the quality office entered for a year the library does not know) plus the
school's own closures and make-up working days. Working time runs only on working days, 24 hours each, so that ladder rungs placed at a fraction
of the time or an offset from due always fall on a working day.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import chinese_calendar

log = logging.getLogger(__name__)

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")
END_OF_DAY = time(23, 59, 59)
DAY = timedelta(days=1)
MAX_DAYS = 3650  # ten years: no deadline, offset or timer the quality office types may reach further
MAX_DURATION = timedelta(days=MAX_DAYS)
MAX_AHEAD = timedelta(days=366)  # an extension, a follow-up or a closure lies within a year of today


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration such as P10D, P2W or PT36H; raises ValueError if it is not one."""
    match = _DURATION.match(text.strip().strip("'\"").upper()[:40])  # 40 characters bound the digits
    if not match or text.strip().upper() in ("P", "PT") or not any(match.groupdict().values()):
        raise ValueError(f"无法识别的期限 {text!r}，请写成 ISO 8601 时长，例如 P10D（10 天）或 PT36H")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    minutes = ((parts.get("weeks", 0) * 7 + parts.get("days", 0)) * 24 + parts.get("hours", 0)) * 60 \
        + parts.get("minutes", 0)
    if minutes > MAX_DAYS * 24 * 60:
        raise ValueError(f"期限 {text.strip()} 过长：最长 {MAX_DAYS} 天（P{MAX_DAYS}D，约 10 年），请改短")
    return timedelta(minutes=minutes)


def check_span(span: timedelta, text: str) -> None:
    """Raise ValueError (a Chinese sentence) when a duration parsed elsewhere is longer than ten years."""
    if abs(span) > MAX_DURATION:
        raise ValueError(f"时长 {text.strip()} 过长：最长 {MAX_DAYS} 天（P{MAX_DAYS}D，约 10 年），请改短")


@lru_cache(maxsize=256)
def library_knows(year: int) -> bool:
    """True when the chinese_calendar package has the State Council's holidays and 调休 days for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def _warn_unknown_year(year: int) -> None:
    """Log once per year and process (not once per day asked) that the library lacks the year."""
    log.warning("chinese_calendar has no data for %s; counting Monday–Friday", year)


@lru_cache(maxsize=8192)
def _official_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkCalendar:
    """The official Chinese calendar (the library's, with the entered official days winning) plus the school's
    closures and make-up working days."""

    closures: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # the school's own make-up working days
    holidays: frozenset[date] = field(default_factory=frozenset)  # entered official holidays
    makeups: frozenset[date] = field(default_factory=frozenset)  # entered official 调休 working days
    _known: dict[date, bool] = field(default_factory=dict, init=False, compare=False, repr=False)  # answers so far

    def is_working_day(self, day: date) -> bool:
        """True on an official working day (调休 days included) that the school has not closed, or on a day the
        school works."""
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = day not in self.closures and (day in self.workdays
                                                                    or self.is_official_working_day(day))
        return known

    def is_official_working_day(self, day: date) -> bool:
        """The State Council's answer: an entered day wins, then the library, then Monday–Friday."""
        if day in self.holidays:
            return False
        if day in self.makeups:
            return True
        return _official_working_day(day)

    def entered_years(self) -> frozenset[int]:
        """Years for which the quality office entered official days."""
        return frozenset(d.year for d in self.holidays | self.makeups)

    def source(self, year: int) -> str:
        """Where the year's official days come from: "library" (entered days correct it), "entered" (the library
        does not know the year, the quality office entered it) or "unknown" (counted Monday–Friday)."""
        if library_knows(year):
            return "library"
        return "entered" if year in self.entered_years() else "unknown"

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
        for _ in range(3 * MAX_DAYS):  # MAX_DAYS of working time fits in this many calendar days
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


_VARIABLE = re.compile(r"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*$")


def due_variable(meta: dict[str, Any]) -> str:
    """The data field a task's `dueDate` names (`${完成时限}` → "完成时限"), or "" when it names none."""
    match = _VARIABLE.match(str(meta.get("due_date") or "").strip().strip("'\""))
    return match.group(1) if match else ""


def task_due(meta: dict[str, Any], created: datetime, data: dict[str, Any],
             cal: WorkCalendar = OFFICIAL) -> datetime | None:
    """A task's due time from its BPMN metadata: `due` (a duration from `created`), else `dueDate` — an ISO
    date or time, or `${variable}` naming one in the task's data (a plan task's 完成时限); a date ends at the
    close of that day. None when it has neither or the value is not a date."""
    if meta.get("due"):
        return compute_due(created, meta["due"], meta.get("due_calendar", ""), cal)
    text = str(meta.get("due_date") or "").strip().strip("'\"")
    match = _VARIABLE.match(text)
    if match:
        text = str(data.get(match.group(1)) or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), END_OF_DAY)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def compute_due(created: datetime, due: str, calendar: str = "", cal: WorkCalendar = OFFICIAL) -> datetime:
    """Due time for a task created at `created`; working-day deadlines end at the close of that day."""
    span = parse_duration(due)
    if is_working_calendar(calendar):
        days = span.days + (1 if span.seconds else 0)
        return datetime.combine(cal.add_working_days(created.date(), days), END_OF_DAY)
    return created + span
