"""The quality office enters the school's academic years and terms; each change is audited and commits once."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.bus import publish
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .events import CalendarChanged
from .models import AcademicYear, Term
from .school_year import YEAR_CODE, get_year

MAX_YEAR_DAYS = 400
OFFICE_ONLY = "只有管理员和质量管理办公室可以设置学年和学期"


def _office(session: Session, actor: Person | None) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed(OFFICE_ONLY)


def _fmt(day: date) -> str:
    return day.isoformat()


def save_year(session: Session, actor: Person | None, code: str, starts_on: date, ends_on: date, now: datetime,
              year_id: int | None = None) -> AcademicYear:
    """Add an academic year (or change the one `year_id` names): its code and first and last day.

    Raises NotAllowed, NotFound, InvalidInput (bad code, dates, an overlap, a term left outside)."""
    _office(session, actor)
    year = get_year(session, year_id) if year_id else None
    code = code.strip()
    errors: dict[str, list[str]] = {}
    match = YEAR_CODE.match(code)
    if not match or int(match[2]) != int(match[1]) + 1:
        errors["code"] = ["学年应写成相邻两年，例如 2025-2026"]
    elif starts_on.year != int(match[1]):
        errors["starts_on"] = [f"{code} 学年应在 {match[1]} 年开始"]
    if ends_on <= starts_on:
        errors["ends_on"] = ["学年结束日期应晚于开始日期"]
    elif (ends_on - starts_on).days > MAX_YEAR_DAYS:
        errors["ends_on"] = [f"一个学年最长 {MAX_YEAR_DAYS} 天"]
    same = session.scalars(select(AcademicYear).where(AcademicYear.code == code)).first()
    if same is not None and same is not year:
        errors["code"] = [f"学年 {code} 已经存在"]
    for other in session.scalars(select(AcademicYear).where(AcademicYear.starts_on <= ends_on,
                                                            AcademicYear.ends_on >= starts_on)):
        if other is not year:
            errors.setdefault("starts_on", []).append(
                f"与学年 {other.code}（{_fmt(other.starts_on)} 至 {_fmt(other.ends_on)}）重叠")
    for term in year.terms if year else []:
        if term.starts_on < starts_on or term.ends_on > ends_on:
            errors.setdefault("ends_on", []).append(f"第 {term.number} 学期（{_fmt(term.starts_on)} 至 "
                                                    f"{_fmt(term.ends_on)}）将落在学年之外，请先修改学期")
    if errors:
        raise InvalidInput("学年设置有误，请修改标红的项目", errors)
    before = {"code": year.code, "starts_on": _fmt(year.starts_on), "ends_on": _fmt(year.ends_on)} if year else None
    if year is None:
        year = AcademicYear(code=code, starts_on=starts_on, ends_on=ends_on)
        session.add(year)
    else:
        if year.code != code:
            for term in year.terms:
                term.code = f"{code}-{term.number}"
        year.code, year.starts_on, year.ends_on = code, starts_on, ends_on
    session.flush()
    audit.record(session, actor, "calendar.year_saved", now, object_type="academic_year", object_id=year.id,
                 summary=f"{'修改' if before else '新增'}学年 {code}（{_fmt(starts_on)} 至 {_fmt(ends_on)}）",
                 before=before, after={"code": code, "starts_on": _fmt(starts_on), "ends_on": _fmt(ends_on)})
    publish(session, CalendarChanged(now))
    session.commit()
    return year


def delete_year(session: Session, actor: Person | None, year_id: int, now: datetime) -> None:
    """Delete an academic year and its terms. Raises NotAllowed, NotFound."""
    _office(session, actor)
    year = get_year(session, year_id)
    audit.record(session, actor, "calendar.year_deleted", now, object_type="academic_year", object_id=year.id,
                 summary=f"删除学年 {year.code}",
                 before={"code": year.code, "starts_on": _fmt(year.starts_on), "ends_on": _fmt(year.ends_on),
                         "terms": [[t.code, _fmt(t.starts_on), _fmt(t.ends_on)] for t in year.terms]})
    session.delete(year)
    publish(session, CalendarChanged(now))
    session.commit()


def save_term(session: Session, actor: Person | None, year_id: int, number: int, starts_on: date, ends_on: date,
              now: datetime) -> Term:
    """Set term `number` (1 or 2) of a year: added, or its dates changed.

    Raises NotAllowed, NotFound, InvalidInput (outside the year, an overlap, term 2 before term 1)."""
    _office(session, actor)
    year = get_year(session, year_id)
    errors: dict[str, list[str]] = {}
    if number not in (1, 2):
        errors["number"] = ["学期只能是第 1 或第 2 学期"]
    if ends_on < starts_on:
        errors["ends_on"] = ["学期结束日期不能早于开始日期"]
    if starts_on < year.starts_on or ends_on > year.ends_on:
        errors.setdefault("starts_on", []).append(
            f"学期应在学年 {year.code} 之内（{_fmt(year.starts_on)} 至 {_fmt(year.ends_on)}）")
    for other in year.terms:
        if other.number == number:
            continue
        if other.starts_on <= ends_on and other.ends_on >= starts_on:
            errors.setdefault("starts_on", []).append(
                f"与第 {other.number} 学期（{_fmt(other.starts_on)} 至 {_fmt(other.ends_on)}）重叠")
        elif (other.number < number) != (other.ends_on < starts_on):
            errors.setdefault("starts_on", []).append("第 1 学期应在第 2 学期之前")
    if errors:
        raise InvalidInput("学期设置有误，请修改标红的项目", errors)
    term = next((t for t in year.terms if t.number == number), None)
    before = {"starts_on": _fmt(term.starts_on), "ends_on": _fmt(term.ends_on)} if term else None
    if term is None:
        term = Term(number=number, code=f"{year.code}-{number}", starts_on=starts_on, ends_on=ends_on)
        year.terms.append(term)
    else:
        term.starts_on, term.ends_on = starts_on, ends_on
    session.flush()
    audit.record(session, actor, "calendar.term_saved", now, object_type="term", object_id=term.id,
                 summary=f"{'修改' if before else '新增'}学期 {term.code}（{_fmt(starts_on)} 至 {_fmt(ends_on)}）",
                 before=before, after={"code": term.code, "starts_on": _fmt(starts_on), "ends_on": _fmt(ends_on)})
    publish(session, CalendarChanged(now))
    session.commit()
    return term


def delete_term(session: Session, actor: Person | None, term_id: int, now: datetime) -> None:
    """Delete one term. Raises NotAllowed, NotFound."""
    _office(session, actor)
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound("这个学期不存在或已被删除")
    audit.record(session, actor, "calendar.term_deleted", now, object_type="term", object_id=term.id,
                 summary=f"删除学期 {term.code}",
                 before={"code": term.code, "starts_on": _fmt(term.starts_on), "ends_on": _fmt(term.ends_on)})
    term.year.terms.remove(term)
    publish(session, CalendarChanged(now))
    session.commit()
