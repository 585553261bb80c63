"""The quality office plans the school year: enters years and terms, the official holidays of a year the
built-in calendar does not know, and scheduled cycles; every page with a deadline in such a year says so."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from engine.planning.models import Schedule
from engine.workflow.models import HumanTask
from web.extensions import db

NOTE = "2027 年的法定节假日尚未录入，期限按周一至周五计算"


def enter_demo_year(office) -> None:
    office.post("/planning/calendar/years", data={"code": "2025-2026", "starts_on": "2025-08-01",
                                                  "ends_on": "2026-07-31"})
    with office.application.app_context():
        from engine.calendar.models import AcademicYear
        year_id = db.session.scalars(select(AcademicYear.id)).one()
    for number, first, last in ((1, "2025-09-01", "2026-01-23"), (2, "2026-02-23", "2026-07-10")):
        office.post(f"/planning/calendar/years/{year_id}/terms",
                    data={"number": number, "starts_on": first, "ends_on": last})


def test_the_office_enters_a_year_and_its_terms_and_an_overlap_is_refused_in_chinese(spiral):
    office = spiral.client_for("zhaohong")
    before = office.get("/planning/calendar").get_data(as_text=True)
    assert "按月份推算" in before
    enter_demo_year(office)
    page = office.get("/planning/calendar").get_data(as_text=True)
    assert "2025-2026-1" in page and "2026-01-23" in page and "2025-2026-2" in page
    assert "按月份推算：尚未录入包含今天的学年" not in page
    with office.application.app_context():
        from engine.calendar.models import AcademicYear
        year_id = db.session.scalars(select(AcademicYear.id)).one()
    refused = office.post(f"/planning/calendar/years/{year_id}/terms", follow_redirects=True,
                          data={"number": 2, "starts_on": "2026-01-10", "ends_on": "2026-07-10"})
    assert "重叠" in refused.get_data(as_text=True)


def test_a_deadline_in_2027_carries_the_note_until_the_office_enters_its_holidays(spiral):
    instance_id = spiral.start()
    task = spiral.tasks(instance_id)[0]
    with spiral.app.app_context():
        db.session.execute(update(HumanTask).where(HumanTask.id == task.id)
                           .values(due_at=datetime(2027, 1, 5, 23, 59, 59)))
        db.session.commit()
    lead = spiral.client_for("chenxiaoyu")
    assert NOTE in lead.get("/inbox").get_data(as_text=True)
    assert NOTE in lead.get(f"/tasks/{task.id}").get_data(as_text=True)
    office = spiral.client_for("zhaohong")
    assert NOTE in office.get(f"/cycles/{instance_id}").get_data(as_text=True)
    assert NOTE in office.get("/planning/calendar?year=2027").get_data(as_text=True)
    entered = office.post("/planning/calendar/official", follow_redirects=True,
                          data={"first": "2027-01-01", "last": "2027-01-03", "kind": "holiday", "name": "元旦"})
    assert "已录入 3 天" in entered.get_data(as_text=True)
    assert NOTE not in lead.get("/inbox").get_data(as_text=True)
    assert NOTE not in lead.get(f"/tasks/{task.id}").get_data(as_text=True)
    year_2027 = office.get("/planning/calendar?year=2027").get_data(as_text=True)
    assert "元旦" in year_2027 and "2027-01-01" in year_2027 and NOTE not in year_2027


def test_the_office_schedules_the_course_cycles_and_sees_the_year_and_its_dry_run(spiral):
    office = spiral.client_for("zhaohong")
    enter_demo_year(office)
    saved = office.post("/planning/schedules", follow_redirects=True,
                        data={"process_id": "course_cycle", "rule": "after_term_end", "working_days": "10"})
    page = saved.get_data(as_text=True)
    assert "定期启动已保存" in page and "每学期结束后第 10 个工作日" in page and "2026-02-06" in page
    refused = office.post("/planning/schedules", data={"process_id": "improvement", "rule": "after_term_end",
                                                      "working_days": "10"})
    assert refused.status_code == 422 and "没有声明层面" in refused.get_data(as_text=True)
    year = office.get("/planning/year?year=2025-2026").get_data(as_text=True)
    assert "2026-02-06" in year and "2026-07-24" in year and "12 个" in year
    walked = office.get("/planning/year/dry-run?year=2025-2026").get_data(as_text=True)
    assert "第 1 / 4 页" in walked and "电工技术基础与技能" in walked and "2026-02-06" in walked
    with spiral.app.app_context():
        schedule_id = db.session.scalars(select(Schedule.id)).one()
    office.post(f"/planning/schedules/{schedule_id}/pause")
    assert "已暂停" in office.get("/planning/schedules").get_data(as_text=True)
    office.post(f"/planning/schedules/{schedule_id}/delete")
    assert "尚未设置定期启动" in office.get("/planning/schedules").get_data(as_text=True)


def test_staff_cannot_open_the_planning_pages(spiral):
    for path in ("/planning/calendar", "/planning/schedules", "/planning/year"):
        assert spiral.client_for("liuxin").get(path).status_code == 403


def test_a_notice_due_in_2027_says_its_deadline_counts_monday_to_friday(app, spiral, goal_task):
    from engine.supervision.models import SupervisionNotice
    from engine.tick import run_tick
    late = datetime(2025, 10, 30, 9)
    app.config["SPIRAL_NOW"] = late.isoformat()
    with app.app_context():
        run_tick(db.session, late)
        notice_id = db.session.scalars(select(SupervisionNotice.id).where(
            SupervisionNotice.task_id == goal_task.id, SupervisionNotice.colour == "red")).one()
        db.session.execute(update(SupervisionNotice).where(SupervisionNotice.id == notice_id)
                           .values(deadline=datetime(2027, 1, 8, 23, 59, 59)))
        db.session.commit()
    supervisor = spiral.client_for("zhouqiang")
    assert NOTE in supervisor.get("/supervision").get_data(as_text=True)
    assert NOTE in supervisor.get(f"/supervision/notices/{notice_id}").get_data(as_text=True)
