"""The school year: academic years and their terms, and the period (学年, 学期) a day belongs to.

Periods come from the years and terms the quality office entered (engine/calendar/years_admin.py). A day
between two terms of a year belongs to the term that began last (winter break → term 1, summer → term 2);
only when no entered year holds the day is the period guessed from the month (`month_period`), and the
result says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.db.cache import snapshot
from engine.errors import InvalidInput, NotFound

from .models import AcademicYear

YEAR_CODE = re.compile(r"^(\d{4})-(\d{4})$")


@dataclass(frozen=True)
class TermSpan:
    """A term as the cache keeps it."""

    code: str
    number: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class YearSpan:
    """An academic year as the cache keeps it, with its terms in order."""

    code: str
    starts_on: date
    ends_on: date
    terms: tuple[TermSpan, ...]

    def holds(self, day: date) -> bool:
        """True when `day` lies within the year."""
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class PeriodInfo:
    """The academic year and term of a day; `guessed` when no entered year holds it (the month rule)."""

    year: str
    term: str
    guessed: bool


def school_years(session: Session) -> tuple[YearSpan, ...]:
    """Every entered year with its terms, oldest first (cached under the change token)."""
    return snapshot(session).section("calendar.years", session, _load_years)


def _load_years(session: Session) -> tuple[YearSpan, ...]:
    rows = session.scalars(select(AcademicYear).options(selectinload(AcademicYear.terms))
                           .order_by(AcademicYear.starts_on))
    return tuple(YearSpan(y.code, y.starts_on, y.ends_on,
                          tuple(TermSpan(t.code, t.number, t.starts_on, t.ends_on) for t in y.terms)) for y in rows)


def month_period(day: date) -> tuple[str, str]:
    """The month rule: a year runs August to July; term 1 from August to January, term 2 from February."""
    start = day.year if day.month >= 8 else day.year - 1
    year = f"{start}-{start + 1}"
    term = f"{year}-1" if day.month >= 8 or day.month == 1 else f"{year}-2"
    return year, term


def period_info(session: Session, day: date) -> PeriodInfo:
    """The period of `day` from the school's calendar, or guessed from the month when no year holds it."""
    for year in school_years(session):
        if year.holds(day):
            begun = [t for t in year.terms if t.starts_on <= day]
            term = begun[-1].code if begun else (year.terms[0].code if year.terms else f"{year.code}-1")
            return PeriodInfo(year.code, term, False)
    guess = month_period(day)
    return PeriodInfo(guess[0], guess[1], True)


def period_at(session: Session, day: date) -> tuple[str, str]:
    """(academic year, term) of `day`, e.g. ('2025-2026', '2025-2026-1'): from the entered years and terms,
    falling back to the month rule for a day no entered year holds."""
    info = period_info(session, day)
    return info.year, info.term


def year_for(session: Session, text: str) -> tuple[YearSpan | None, date, date]:
    """The span a CLI or page asks for: '2025-2026' (an academic year, entered or not: Aug 1 – Jul 31 when
    not) or '2026' (the calendar year, with the entered academic year that begins in it if any).

    Raises InvalidInput for anything else."""
    text = text.strip()
    match = YEAR_CODE.match(text)
    if match:
        first, second = int(match[1]), int(match[2])
        if second != first + 1 or not 2000 <= first <= 2100:
            raise InvalidInput(f"学年“{text}”有误：应写成相邻两年，例如 2025-2026")
        found = next((y for y in school_years(session) if y.code == text), None)
        if found is not None:
            return found, found.starts_on, found.ends_on
        return None, date(first, 8, 1), date(second, 7, 31)
    if re.fullmatch(r"\d{4}", text) and 2000 <= int(text) <= 2100:
        calendar_year = int(text)
        found = next((y for y in school_years(session) if y.starts_on.year == calendar_year), None)
        return found, date(calendar_year, 1, 1), date(calendar_year, 12, 31)
    raise InvalidInput(f"无法识别的年份“{text}”：请写日历年（2026）或学年（2025-2026）")


def get_year(session: Session, year_id: int) -> AcademicYear:
    """The academic year with this id; raises NotFound."""
    year = session.get(AcademicYear, year_id)
    if year is None:
        raise NotFound("这个学年不存在或已被删除")
    return year


def academic_years(session: Session) -> list[AcademicYear]:
    """Every entered academic year with its terms, newest first (for the calendar page)."""
    return list(session.scalars(select(AcademicYear).options(selectinload(AcademicYear.terms))
                                .order_by(AcademicYear.starts_on.desc())))
