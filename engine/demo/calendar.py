"""The demo school's calendar: the 2025–2026 and 2026–2027 school years with their terms (DOMAIN.md), and its
scheduled course cycles (every course, 10 working days after each term ends)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from engine.calendar.years_admin import save_term, save_year
from engine.planning.schedules import ScheduleFields, save_schedule

YEARS = [  # code, first day, last day, (term 1), (term 2); a year runs August to July, like the month rule
    ("2025-2026", date(2025, 8, 1), date(2026, 7, 31),
     (date(2025, 9, 1), date(2026, 1, 23)), (date(2026, 2, 23), date(2026, 7, 10))),
    ("2026-2027", date(2026, 8, 1), date(2027, 7, 31),
     (date(2026, 9, 1), date(2027, 1, 22)), (date(2027, 2, 22), date(2027, 7, 9))),
]
COURSE_SCHEDULE = ScheduleFields("course_cycle", "after_term_end", working_days=10)


def seed_years(session: Session, now: datetime) -> None:
    """The demo's academic years and terms (each saved through the quality office's service, audited)."""
    for code, first, last, *terms in YEARS:
        year = save_year(session, None, code, first, last, now)
        for number, (starts, ends) in enumerate(terms, start=1):
            save_term(session, None, year.id, number, starts, ends, now)


def seed_schedules(session: Session, now: datetime) -> None:
    """The scheduled course cycles: each term's course cycles start 10 working days after it ends."""
    save_schedule(session, None, COURSE_SCHEDULE, now)
