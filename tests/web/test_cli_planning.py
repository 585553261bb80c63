"""The school year from the shell: a year's terms and official days, and the schedules with their next run."""
from __future__ import annotations

import json
from datetime import datetime

from engine.demo.calendar import seed_schedules, seed_years
from web.extensions import db

NOW = datetime(2025, 12, 1, 9)


def _seed(app) -> None:
    with app.app_context():
        seed_years(db.session, NOW)
        seed_schedules(db.session, NOW)


def test_the_calendar_of_a_school_year_lists_its_terms_and_says_2027_is_unknown(app, runner):
    _seed(app)
    result = runner.invoke(args=["calendar", "--year", "2026-2027"])
    assert result.exit_code == 0, result.output
    assert "2026-2027-1  2026-09-01 至 2027-01-22" in result.output
    assert "2026 年法定节假日：内置日历" in result.output
    assert "2027 年法定节假日：尚未录入，期限按周一至周五计算" in result.output
    assert "2026-10-01  放假  国庆节" in result.output
    data = json.loads(runner.invoke(args=["calendar", "--year", "2026", "--json"]).output)
    assert data["official"] == {"2026": "library"} and data["school_year"] == "2026-2027"
    assert {"date": "2026-02-14", "kind": "workday", "name": "春节", "source": "library"} in data["days"]


def test_a_wrong_year_exits_non_zero_with_one_line(runner):
    result = runner.invoke(args=["calendar", "--year", "2026-2028"])
    assert result.exit_code != 0 and "相邻两年" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_schedules_lists_the_course_schedule_with_its_next_run(app, runner):
    _seed(app)
    result = runner.invoke(args=["schedules"])
    assert "course_cycle  每学期结束后第 10 个工作日  下次 2026-02-06" in result.output
    rows = json.loads(runner.invoke(args=["schedules", "--json"]).output)
    assert rows[0]["next_run_at"] == "2026-02-06T00:00:00" and rows[0]["active"] is True
