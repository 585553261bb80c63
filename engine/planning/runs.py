"""When a schedule runs: its days in a span, each with the period the launched cycles are for.

after_term_end + N: the N-th working day after each entered term's last day (the school's WorkCalendar, so
holidays, 调休 and closures count); the period is that term. yearly MM-DD: that day every calendar year; the
period is the academic year holding the day (the month rule when no entered year holds it). A schedule
launches each period once: its next run is the first one from a day on whose period comes after the last
period it launched.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from engine.calendar.closures import load_calendar
from engine.calendar.school_year import period_info, school_years

from .models import Schedule

LOOK_AHEAD = timedelta(days=800)  # two school years and a bit: the next run of any rule lies within


@dataclass(frozen=True)
class Run:
    """One launch of a schedule: the day (it runs from that day's start) and the period it launches."""

    day: date
    period: str
    guessed: bool = False  # the period came from the month rule (no entered year holds the day)

    @property
    def at(self) -> datetime:
        """The moment the tick may launch it."""
        return datetime.combine(self.day, time.min)


def runs_between(session: Session, schedule: Schedule, first: date, last: date) -> list[Run]:
    """The schedule's runs from `first` to `last` (inclusive), in order."""
    found: list[Run] = []
    if schedule.rule == "after_term_end":
        cal = load_calendar(session)
        for year in school_years(session):
            for term in year.terms:
                day = cal.add_working_days(term.ends_on, max(schedule.working_days, 0))
                if first <= day <= last:
                    found.append(Run(day, term.code))
    elif schedule.rule == "yearly" and schedule.month_day:
        month, day_of_month = (int(part) for part in schedule.month_day.split("-"))
        for year_number in range(first.year, last.year + 1):
            try:
                day = date(year_number, month, day_of_month)
            except ValueError:
                continue
            if first <= day <= last:
                info = period_info(session, day)
                found.append(Run(day, info.year, info.guessed))
    return sorted(found, key=lambda r: r.day)


def next_run(session: Session, schedule: Schedule, from_day: date) -> Run | None:
    """The first run on or after `from_day` for a period the schedule has not launched yet."""
    for run in runs_between(session, schedule, from_day, from_day + LOOK_AHEAD):
        if run.period > schedule.last_period:
            return run
    return None


def reschedule(session: Session, schedule: Schedule, today: date) -> None:
    """Set the schedule's next run from `today` on (none while paused); a run already due and not yet launched
    (the tick was down) stays due."""
    if schedule.next_run_at is not None and schedule.next_run_at.date() < today:
        today = schedule.next_run_at.date()
    upcoming = next_run(session, schedule, today) if schedule.active else None
    schedule.next_run_at = upcoming.at if upcoming else None
