"""家长学校: the 学生科 plans a year of lectures; parents sign in on their phones without an account, once per phone;
an anonymous questionnaire keeps no trace of who answered; closing a lecture gives its organiser the 活动总结 task;
the year's tally names the 优秀学员 and exports to Excel."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.definitions.specs import form_registry
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.notify.models import Notification
from engine.org.models import Role, Unit
from engine.org.people import find_person
from engine.planning.activities import (
    ActivitySignIn,
    AddressLimit,
    EventFields,
    FeedbackResponse,
    PlanFields,
    Visitor,
    close_event,
    feedback_results,
    normalize_phone,
    plan_tally,
    publish_event,
    save_event,
    save_plan,
    send_due_reminders,
    sign_in_member,
    sign_in_visitor,
    submit_feedback,
    tally_workbook,
)
from engine.tick import run_tick
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0

LECTURE = datetime(2025, 10, 18, 9, 0)


def _unit(session, code: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalars(select(Unit.id).where(Unit.code == code)).one()


def _plan(session, percent: int = 80):  # type: ignore[no-untyped-def]
    chenjing = find_person(session, "chenjing")  # 学生科's head
    return save_plan(session, chenjing, None, PlanFields("家长学校", "2025-2026", _unit(session, "D-XSK"),
                                                         "每学期三次讲座", percent), T0)


def _event(session, plan, starts: datetime = LECTURE, title: str = "如何与青春期孩子沟通", **extra):  # type: ignore[no-untyped-def]
    chenjing = find_person(session, "chenjing")
    head_teacher = session.scalars(select(Role.id).where(Role.name == "班主任")).one()
    fields = EventFields(title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), place="报告厅",
                         organiser_id=chenjing.id, audience="2024级学生家长", audience_role_ids=[head_teacher],
                         questionnaire="parent_school_feedback", **extra)
    event = save_event(session, chenjing, plan.id, None, fields, T0)
    publish_event(session, chenjing, event.id, T0)
    return event


PARENT = Visitor("王大明", "138 0013 8000", "王宇", "2024级电子商务1班")


def test_a_parent_signs_in_without_an_account(session) -> None:
    event = _event(session, _plan(session))
    outcome = sign_in_visitor(session, event.sign_in_token, PARENT, "10.0.0.8", LECTURE - timedelta(minutes=20))
    assert not outcome.already
    row = session.scalars(select(ActivitySignIn)).one()
    assert (row.name, row.phone, row.kind, row.person_id, row.student_name) == (
        "王大明", "13800138000", "external", None, "王宇")


def test_the_same_phone_twice_is_refused_and_changes_nothing(session) -> None:
    event = _event(session, _plan(session))
    first = sign_in_visitor(session, event.sign_in_token, PARENT, "10.0.0.8", LECTURE)
    again = sign_in_visitor(session, event.sign_in_token, Visitor("王小明", "+86 13800138000"), "10.0.0.9",
                            LECTURE + timedelta(minutes=5))
    assert again.already and again.sign_in.id == first.sign_in.id and again.sign_in.signed_at == LECTURE
    assert session.scalar(select(func.count()).select_from(ActivitySignIn)) == 1
    assert session.scalars(select(ActivitySignIn.name)).one() == "王大明"


def test_a_bad_phone_or_no_name_is_refused_field_by_field(session) -> None:
    event = _event(session, _plan(session))
    with pytest.raises(InvalidInput) as caught:
        sign_in_visitor(session, event.sign_in_token, Visitor("", "12345"), "10.0.0.8", LECTURE)
    assert set(caught.value.errors) == {"name", "phone"}
    assert normalize_phone("139-1234-5678") == "13912345678" and normalize_phone("010-12345678") == ""


def test_signing_in_outside_the_window_is_refused_with_when(session) -> None:
    event = _event(session, _plan(session))
    with pytest.raises(Conflict, match="签到尚未开始"):
        sign_in_visitor(session, event.sign_in_token, PARENT, "10.0.0.8", LECTURE - timedelta(hours=2))
    with pytest.raises(Conflict, match="签到已经结束"):
        sign_in_visitor(session, event.sign_in_token, PARENT, "10.0.0.8", LECTURE + timedelta(days=2))
    assert session.scalar(select(func.count()).select_from(ActivitySignIn)) == 0


def test_too_many_attempts_from_one_address_are_refused_until_the_window_passes(session) -> None:
    event = _event(session, _plan(session))
    limit = AddressLimit(attempts=3, window=timedelta(minutes=10))
    for n in range(3):
        sign_in_visitor(session, event.sign_in_token, Visitor(f"家长{n}", f"1390000000{n}"), "10.0.0.8", LECTURE,
                        limit)
    with pytest.raises(NotAllowed, match="过于频繁"):
        sign_in_visitor(session, event.sign_in_token, Visitor("家长9", "13900000009"), "10.0.0.8", LECTURE, limit)
    sign_in_visitor(session, event.sign_in_token, Visitor("家长9", "13900000009"), "10.0.0.7", LECTURE, limit)
    sign_in_visitor(session, event.sign_in_token, Visitor("家长8", "13900000008"), "10.0.0.8",
                    LECTURE + timedelta(minutes=11), limit)
    assert session.scalar(select(func.count()).select_from(ActivitySignIn)) == 5


def test_staff_sign_in_with_one_click_once(session) -> None:
    event = _event(session, _plan(session))
    wangfang = find_person(session, "wangfang")
    assert not sign_in_member(session, wangfang, event.sign_in_token, "10.0.0.8", LECTURE).already
    assert sign_in_member(session, wangfang, event.sign_in_token, "10.0.0.8", LECTURE).already
    row = session.scalars(select(ActivitySignIn)).one()
    assert (row.person_id, row.kind) == (wangfang.id, "staff")


def test_anonymous_feedback_stores_no_person(session) -> None:
    event = _event(session, _plan(session), anonymous=True)
    wangfang = find_person(session, "wangfang")
    signed = sign_in_member(session, wangfang, event.sign_in_token, "10.0.0.8", LECTURE).sign_in
    answers = {"satisfaction": "5", "useful": "3", "gain": "学会了倾听", "suggestion": ""}
    submit_feedback(session, event, signed, answers, LECTURE + timedelta(hours=2))
    row = session.scalars(select(FeedbackResponse)).one()
    assert row.person_id is None and row.sign_in_id is None
    assert row.submitted_at == datetime(2025, 10, 18)  # the day only
    with pytest.raises(Conflict, match="已经提交过"):
        submit_feedback(session, event, signed, answers, LECTURE + timedelta(hours=3))
    count, results = feedback_results(session, event)
    satisfaction = next(r for r in results if r.key == "satisfaction")
    assert count == 1 and satisfaction.choices[0] == ("非常满意", 1, 100.0) and satisfaction.mean == 5.0
    assert next(r for r in results if r.key == "gain").texts == ["学会了倾听"]


def test_named_feedback_keeps_who_answered_and_bad_answers_are_refused(session) -> None:
    event = _event(session, _plan(session), anonymous=False)
    signed = sign_in_visitor(session, event.sign_in_token, PARENT, "10.0.0.8", LECTURE).sign_in
    with pytest.raises(InvalidInput) as caught:
        submit_feedback(session, event, signed, {"satisfaction": "9"}, LECTURE)
    assert "satisfaction" in caught.value.errors and "useful" in caught.value.errors
    submit_feedback(session, event, signed, {"satisfaction": "4", "useful": "2"}, LECTURE)
    assert session.scalars(select(FeedbackResponse.sign_in_id)).one() == signed.id


def test_publishing_tells_the_audience_and_the_tick_reminds_them_the_day_before(session) -> None:
    _event(session, _plan(session))
    told = set(session.scalars(select(Notification.person_id).where(Notification.kind == "activity.published")))
    assert {find_person(session, "wangfang").id, find_person(session, "zhaolei").id} <= told  # the 班主任
    assert find_person(session, "lijun").id not in told
    assert send_due_reminders(session, LECTURE - timedelta(days=2)) == 0
    assert send_due_reminders(session, LECTURE - timedelta(hours=23)) == 1
    assert send_due_reminders(session, LECTURE - timedelta(hours=22)) == 0
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.kind == "activity.reminder")) == len(told)


def test_only_the_quality_office_or_the_units_head_keep_a_plan(session) -> None:
    with pytest.raises(NotAllowed):
        save_plan(session, find_person(session, "lijun"), None,
                  PlanFields("家长学校", "2025-2026", _unit(session, "D-XSK")), T0)
    with pytest.raises(InvalidInput) as caught:
        save_plan(session, find_person(session, "zhaohong"), None,
                  PlanFields("家长学校", "2025-2027", _unit(session, "D-XSK")), T0)
    assert "year" in caught.value.errors


def test_closing_the_lecture_puts_the_summary_task_in_the_organisers_inbox(session) -> None:
    plan = _plan(session)
    first, second = _event(session, plan), _event(session, plan, LECTURE + timedelta(days=30), "家庭劳动教育")
    chenjing = find_person(session, "chenjing")
    with pytest.raises(Conflict, match="开始后才能结束"):
        close_event(session, chenjing, first.id, LECTURE - timedelta(days=1))
    for event in (first, second):
        close_event(session, chenjing, event.id, event.ends_at)
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.status == "open",
                                                         HumanTask.title == "活动总结")))
    assert len(tasks) == 2 and {t.assignee_id for t in tasks} == {chenjing.id}
    assert all(t.due_at is not None for t in tasks)
    form_data = {"summary": "本次讲座到场家长踊跃，反馈满意度高，下次增加互动环节。", "attendance": 40}
    form = form_registry(session).get("activity_summary")
    complete_task(session, chenjing, tasks[0].id, form_data, LECTURE + timedelta(days=1),
                  uploads=sample_uploads(form, "现场照片.pdf"))
    assert session.get(HumanTask, tasks[0].id).status == "done"


def test_the_tally_names_the_excellent_parents_and_exports_to_excel(session) -> None:
    plan = _plan(session, percent=60)
    events = [_event(session, plan, LECTURE + timedelta(days=30 * n), f"第{n + 1}讲") for n in range(3)]
    upcoming = _event(session, plan, LECTURE + timedelta(days=200), "第4讲")
    regular, once = PARENT, Visitor("李芳", "13900001111")
    for n, event in enumerate(events):
        sign_in_visitor(session, event.sign_in_token, regular, f"10.0.1.{n}", event.starts_at)
        if n == 0:
            sign_in_visitor(session, event.sign_in_token, once, f"10.0.2.{n}", event.starts_at)
    sign_in_member(session, find_person(session, "wangfang"), events[1].sign_in_token, "10.0.3.1",
                   events[1].starts_at)
    office = find_person(session, "zhaohong")
    tally = plan_tally(session, office, plan, events[-1].ends_at)
    assert upcoming not in tally.events and len(tally.events) == 3 and tally.needed == 2
    by_name = {a.name: a for a in tally.attendees}
    assert (by_name["王大明"].attended, by_name["王大明"].excellent) == (3, True)
    assert (by_name["李芳"].attended, by_name["李芳"].excellent) == (1, False)
    assert by_name["王芳"].contact == "wangfang"
    with pytest.raises(NotAllowed):
        plan_tally(session, find_person(session, "lijun"), plan, events[-1].ends_at)
    sheet = load_workbook(io.BytesIO(tally_workbook(tally)))["出勤统计"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "类别", "手机/工号") and rows[0][-3:] == ("出勤次数", "出勤率", "优秀学员")
    assert rows[1][0] == "王大明" and rows[1][-3:] == (3, "100%", "是")
    assert len(rows) == 4


def test_the_schedulers_tick_sends_the_reminder_once(session) -> None:
    _event(session, _plan(session))
    assert run_tick(session, LECTURE - timedelta(hours=20), holder="test")["activity_reminders"] == 1
    assert run_tick(session, LECTURE - timedelta(hours=19), holder="test")["activity_reminders"] == 0
