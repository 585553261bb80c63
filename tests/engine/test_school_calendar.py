"""The school calendar: years and terms give the period, and the quality office enters the official days of a
year the library does not know, so 2027's deadlines skip 元旦 and 春节."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.calendar.closures import add_school_workday, load_calendar
from engine.calendar.deadlines import compute_due, library_knows
from engine.calendar.official_days import enter_official_days, special_days, unknown_years, year_source
from engine.calendar.school_year import period_at, period_info, year_for
from engine.calendar.years_admin import delete_term, save_term, save_year
from engine.demo.calendar import seed_years
from engine.errors import InvalidInput, NotAllowed
from engine.org.models import Person

NOW = datetime(2026, 12, 1, 9, 0)


def person(session, username: str) -> Person:
    return session.scalars(select(Person).where(Person.username == username)).one()


def enter_2027_holidays(session) -> None:
    office = person(session, "zhaohong")
    enter_official_days(session, office, date(2027, 1, 1), date(2027, 1, 3), "holiday", "元旦", NOW)
    enter_official_days(session, office, date(2027, 2, 6), date(2027, 2, 13), "holiday", "春节", NOW)
    enter_official_days(session, office, date(2027, 2, 14), date(2027, 2, 14), "workday", "春节", NOW)


def test_the_library_knows_2026_but_not_2027_so_2027_counts_monday_to_friday_and_says_so(org_session):
    assert library_knows(2026) and not library_knows(2027)
    assert year_source(org_session, 2026) == "library"
    assert year_source(org_session, 2027) == "unknown"
    assert unknown_years(org_session, [datetime(2026, 12, 31, 23), date(2027, 1, 4), None]) == [2027]
    cal = load_calendar(org_session)
    assert compute_due(datetime(2026, 12, 30, 10), "P3D", "working", cal) == datetime(2027, 1, 4, 23, 59, 59)


def test_2027_deadlines_skip_new_year_and_spring_festival_once_the_office_enters_them(org_session):
    enter_2027_holidays(org_session)
    cal = load_calendar(org_session)  # a new snapshot: the entered days changed the token
    assert compute_due(datetime(2026, 12, 30, 10), "P3D", "working", cal) == datetime(2027, 1, 5, 23, 59, 59)
    # 5 February (Friday) counts, 6–13 February are off, Sunday 14 February is a 调休 working day.
    assert compute_due(datetime(2027, 2, 4, 10), "P5D", "working", cal) == datetime(2027, 2, 17, 23, 59, 59)
    assert year_source(org_session, 2027) == "entered"
    assert unknown_years(org_session, [date(2027, 3, 1)]) == []
    days = {d.day: (d.kind, d.name, d.source) for d in special_days(org_session, 2027)}
    assert days[date(2027, 2, 8)] == ("holiday", "春节", "entered")
    assert days[date(2027, 2, 14)] == ("workday", "春节", "entered")
    events = org_session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar.official_entered")).all()
    assert [e.actor_id for e in events] == [person(org_session, "zhaohong").id] * 3


def test_entered_days_win_over_the_library(org_session):
    office = person(org_session, "zhaohong")
    assert load_calendar(org_session).is_working_day(date(2026, 6, 1))  # a Monday
    enter_official_days(org_session, office, date(2026, 6, 1), date(2026, 6, 1), "holiday", "儿童节（示例）", NOW)
    assert not load_calendar(org_session).is_working_day(date(2026, 6, 1))
    names = {d.day: d.name for d in special_days(org_session, 2026)}
    assert names[date(2026, 2, 17)] == "春节"  # the library's days are listed with their Chinese names
    assert names[date(2026, 6, 1)] == "儿童节（示例）"


def test_a_school_make_up_working_day_counts_for_deadlines(org_session):
    office = person(org_session, "zhaohong")
    saturday = date(2026, 12, 5)
    assert not load_calendar(org_session).is_working_day(saturday)
    add_school_workday(org_session, office, saturday, "运动会调休", NOW)
    assert load_calendar(org_session).is_working_day(saturday)
    with pytest.raises(InvalidInput) as refused:
        add_school_workday(org_session, office, date(2026, 12, 7), "周一", NOW)
    assert "本来就是工作日" in refused.value.errors["day"][0]


def test_entering_official_days_is_for_the_quality_office_and_checks_the_range(org_session):
    with pytest.raises(NotAllowed):
        enter_official_days(org_session, person(org_session, "liuxin"), date(2027, 1, 1), date(2027, 1, 1),
                            "holiday", "元旦", NOW)
    with pytest.raises(InvalidInput) as refused:
        enter_official_days(org_session, None, date(2027, 2, 1), date(2027, 1, 1), "holiday", "", NOW)
    assert set(refused.value.errors) == {"name", "last"}


def test_the_period_comes_from_the_terms_and_only_falls_back_to_the_month(org_session):
    assert period_info(org_session, date(2026, 2, 10)).guessed  # nothing entered: the month rule
    assert period_at(org_session, date(2026, 2, 10)) == ("2025-2026", "2025-2026-2")
    seed_years(org_session, NOW)
    assert period_at(org_session, date(2025, 10, 8)) == ("2025-2026", "2025-2026-1")
    # winter break, before term 2 begins on 23 February: still term 1 (the month alone would say term 2)
    assert period_at(org_session, date(2026, 2, 10)) == ("2025-2026", "2025-2026-1")
    assert period_at(org_session, date(2026, 2, 23)) == ("2025-2026", "2025-2026-2")
    assert period_at(org_session, date(2026, 8, 20)) == ("2026-2027", "2026-2027-1")
    assert not period_info(org_session, date(2027, 3, 1)).guessed
    assert period_info(org_session, date(2028, 3, 1)).guessed
    span, first, last = year_for(org_session, "2025-2026")
    assert span is not None and len(span.terms) == 2 and (first, last) == (date(2025, 8, 1), date(2026, 7, 31))


def test_terms_stay_inside_their_year_and_do_not_overlap(org_session):
    year = save_year(org_session, None, "2025-2026", date(2025, 8, 1), date(2026, 7, 31), NOW)
    save_term(org_session, None, year.id, 1, date(2025, 9, 1), date(2026, 1, 23), NOW)
    with pytest.raises(InvalidInput) as outside:
        save_term(org_session, None, year.id, 2, date(2026, 2, 23), date(2026, 8, 10), NOW)
    assert "之内" in outside.value.errors["starts_on"][0]
    with pytest.raises(InvalidInput) as overlap:
        save_term(org_session, None, year.id, 2, date(2026, 1, 10), date(2026, 7, 10), NOW)
    assert "重叠" in overlap.value.errors["starts_on"][0]
    with pytest.raises(InvalidInput) as years_overlap:
        save_year(org_session, None, "2026-2027", date(2026, 7, 1), date(2027, 7, 31), NOW)
    assert "重叠" in years_overlap.value.errors["starts_on"][0]
    with pytest.raises(InvalidInput) as bad_code:
        save_year(org_session, None, "2026-2028", date(2026, 8, 1), date(2027, 7, 31), NOW)
    assert "相邻两年" in bad_code.value.errors["code"][0]
    with pytest.raises(NotAllowed):
        save_year(org_session, person(org_session, "chenxiaoyu"), "2027-2028", date(2027, 8, 1),
                  date(2028, 7, 31), NOW)
    term = year.terms[0]
    delete_term(org_session, None, term.id, NOW)
    assert period_info(org_session, date(2025, 10, 1)).term == "2025-2026-1"  # a year without terms: term 1
    actions = [e.action for e in org_session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["calendar.year_saved", "calendar.term_saved", "calendar.term_deleted"]
