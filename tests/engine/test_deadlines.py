from datetime import date, datetime

import pytest

from engine.calendar.deadlines import add_working_days, compute_due, is_working_day, parse_duration


def test_five_working_days_from_the_friday_before_national_day_2025_end_on_10_october():
    # 28 Sep (Sunday) is a make-up working day; 1–8 Oct are off; 9 and 10 Oct are working days.
    assert compute_due(datetime(2025, 9, 26, 10), "P5D", "working") == datetime(2025, 10, 10, 23, 59, 59)


def test_make_up_weekend_days_count_and_holidays_do_not():
    assert is_working_day(date(2025, 9, 28))
    assert is_working_day(date(2025, 10, 11))
    assert not is_working_day(date(2025, 10, 3))
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_calendar_days_are_plain_time_spans():
    assert compute_due(datetime(2025, 9, 26, 10), "P5D") == datetime(2025, 10, 1, 10)
    assert compute_due(datetime(2025, 9, 26, 10), "PT36H") == datetime(2025, 9, 27, 22)


@pytest.mark.parametrize("text", ["10 days", "P", "PT", "5D", ""])
def test_a_due_that_is_not_an_iso_duration_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="P10D"):
        parse_duration(text)


def test_due_soon_counts_working_days_as_the_deadlines_do(session):
    from engine.workflow.inbox import due_state, soon_until
    from engine.workflow.models import HumanTask
    from tests.conftest import T0
    # Friday 26 September 2025: Sunday the 28th is worked (调休), so three working days end on Tuesday the 30th
    assert soon_until(session, T0) == datetime(2025, 9, 30, 23, 59, 59)
    before_the_holiday = HumanTask(status="open", due_at=datetime(2025, 9, 30, 18, 0))
    after_it = HumanTask(status="open", due_at=datetime(2025, 10, 9, 18, 0))
    assert due_state(before_the_holiday, T0, soon_until(session, T0)) == "soon"
    assert due_state(after_it, T0, soon_until(session, T0)) == "ok"
    # on Tuesday the 30th, the National Day week counts for nothing: Thursday 9 October is the second working day
    assert due_state(after_it, datetime(2025, 9, 30, 9, 0), soon_until(session, datetime(2025, 9, 30, 9, 0))) == "soon"
