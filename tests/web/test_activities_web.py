"""家长学校 through the browser: the 学生科's head plans a lecture and publishes it; on the day a parent opens the QR
link on a phone with no account, signs in, is told 已签到 on a second try, and answers the anonymous questionnaire;
a teacher signs in with one click; the organiser sees the sign-ins, the counts and the results, closes the lecture
and finds 活动总结 in the inbox; the tally downloads as Excel."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import lxml.html
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.org.models import Role, Unit
from engine.org.people import find_person
from engine.planning.activities import ActivityEvent, ActivityPlan, ActivitySignIn, FeedbackResponse
from web.extensions import db

LECTURE = datetime(2025, 10, 18, 9, 0)


def _at(app, when: datetime) -> None:  # type: ignore[no-untyped-def]
    app.extensions["spiral"].clock = lambda: when


def _plan_and_event(client, auth) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    auth.login("chenjing")
    with client.application.app_context():
        unit = db.session.scalars(select(Unit.id).where(Unit.code == "D-XSK")).one()
        role = db.session.scalars(select(Role.id).where(Role.name == "班主任")).one()
    made = client.post("/activities/plans", data={"name": "家长学校", "year": "2025-2026", "unit_id": unit,
                                                  "excellent_percent": "80"})
    assert made.status_code == 302
    with client.application.app_context():
        plan_id = db.session.scalars(select(ActivityPlan.id)).one()
    added = client.post(f"/activities/plans/{plan_id}/events", data={
        "title": "如何与青春期孩子沟通", "starts_at": "2025-10-18T09:00", "ends_at": "2025-10-18T11:00",
        "place": "报告厅", "organiser": "chenjing", "audience": "2024级家长", "audience_role_ids": str(role),
        "questionnaire": "parent_school_feedback", "anonymous": "1"})
    assert added.status_code == 302
    with client.application.app_context():
        event = db.session.scalars(select(ActivityEvent)).one()
        event_id, token = event.id, event.sign_in_token
    assert client.post(f"/activities/events/{event_id}/publish").status_code == 302
    auth.logout()
    return plan_id, event_id, token


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return lxml.html.fromstring(response.get_data(as_text=True)).text_content()


def test_a_parent_signs_in_on_the_phone_without_an_account_once(app, client, auth) -> None:
    _plan_id, _event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE - timedelta(minutes=15))
    page = client.get(f"/s/{token}")
    assert page.status_code == 200 and "如何与青春期孩子沟通" in _text(page) and 'name="phone"' in page.text
    parent = {"name": "王大明", "phone": "138 0013 8000", "student_name": "王宇", "student_class": "2024级电商1班"}
    signed = client.post(f"/s/{token}", data=parent, follow_redirects=True)
    assert "签到成功" in _text(signed) and "家长学校活动反馈" in _text(signed)
    other_phone = app.test_client()  # the same number from another phone: told, nothing changes
    again = other_phone.post(f"/s/{token}", data={**parent, "name": "王小明"}, follow_redirects=True)
    assert "已签到：王大明 已于 2025-10-18 08:45 签到" in _text(again)
    with app.app_context():
        assert db.session.scalars(select(ActivitySignIn.name)).all() == ["王大明"]


def test_the_phone_page_fits_a_narrow_screen_and_says_when_signing_in_opens(app, client, auth) -> None:
    _plan_id, _event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE - timedelta(days=1))
    page = client.get(f"/s/{token}")
    assert "签到尚未开始" in _text(page) and 'name="phone"' not in page.text
    refused = client.post(f"/s/{token}", data={"name": "王大明", "phone": "13800138000"})
    assert refused.status_code == 409 and "签到尚未开始" in _text(refused)
    assert 'name="viewport"' in page.text
    assert client.get("/s/not-a-token").status_code == 404


def test_a_bad_phone_is_answered_next_to_the_field(app, client, auth) -> None:
    _plan_id, _event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE)
    refused = client.post(f"/s/{token}", data={"name": "王大明", "phone": "12345"})
    assert refused.status_code == 422 and "请填写 11 位手机号码" in _text(refused)
    assert 'value="王大明"' in refused.text


def test_the_public_form_needs_its_csrf_token(app, client, auth) -> None:
    _plan_id, _event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/s/{token}", data={"name": "王大明", "phone": "13800138000"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_anonymous_feedback_from_the_phone_keeps_no_name(app, client, auth) -> None:
    _plan_id, event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE)
    client.post(f"/s/{token}", data={"name": "王大明", "phone": "13800138000"})
    missing = client.post(f"/s/{token}/feedback", data={"gain": "很有收获"})
    assert missing.status_code == 422
    answered = client.post(f"/s/{token}/feedback", data={"satisfaction": "5", "useful": "3", "gain": "学会倾听"},
                           follow_redirects=True)
    assert "感谢您的反馈" in _text(answered) and "您已提交反馈" in _text(answered)
    stranger = app.test_client().post(f"/s/{token}/feedback", data={"satisfaction": "1", "useful": "1"})
    assert stranger.status_code == 409  # only who signed in here may answer
    with app.app_context():
        row = db.session.scalars(select(FeedbackResponse)).one()
        assert (row.person_id, row.sign_in_id) == (None, None)
    auth.login("chenjing")
    page = _text(client.get(f"/activities/events/{event_id}"))
    assert "非常满意" in page and "学会倾听" in page and "王大明" in page and "13800138000" in page


def test_a_teacher_signs_in_with_one_click(app, client, auth) -> None:
    _plan_id, _event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE)
    auth.login("wangfang")
    page = client.get(f"/s/{token}")
    assert "以 王芳 的身份签到" in _text(page)
    assert client.post(f"/s/{token}", data={"as_member": "1"}).status_code == 302
    with app.app_context():
        row = db.session.scalars(select(ActivitySignIn)).one()
        assert (row.kind, row.person_id) == ("staff", find_person(db.session, "wangfang").id)


def test_the_audience_is_told_and_sees_the_event_others_do_not(app, client, auth) -> None:
    _plan_id, event_id, _token = _plan_and_event(client, auth)
    auth.login("wangfang")  # a 班主任: in the audience
    assert "活动通知：如何与青春期孩子沟通" in _text(client.get("/notifications"))
    page = client.get(f"/activities/events/{event_id}")
    assert page.status_code == 200 and "签到二维码" not in _text(page)
    auth.logout()
    auth.login("lijun")
    assert client.get(f"/activities/events/{event_id}").status_code == 404
    assert client.get(f"/activities/events/{event_id}/edit").status_code == 403


def test_the_organiser_closes_the_lecture_and_finds_the_summary_task(app, client, auth) -> None:
    plan_id, event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE)
    client.post(f"/s/{token}", data={"name": "王大明", "phone": "13800138000"})
    auth.login("chenjing")
    page = client.get(f"/activities/events/{event_id}")
    assert "<svg" in page.text and f"/s/{token}" in page.text  # the QR code and its link
    assert client.get(f"/activities/events/{event_id}/poster").status_code == 200
    _at(app, LECTURE + timedelta(hours=2))
    closed = client.post(f"/activities/events/{event_id}/close", follow_redirects=True)
    assert "活动总结”任务已发给组织人 陈静" in _text(closed)
    inbox = _text(client.get("/inbox"))
    assert "活动总结" in inbox
    tally = client.get(f"/activities/plans/{plan_id}/tally.xlsx")
    rows = list(load_workbook(io.BytesIO(tally.data))["出勤统计"].iter_rows(values_only=True))
    assert rows[1][0] == "王大明" and rows[1][-3:] == (1, "100%", "是")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ActivitySignIn)) == 1


def test_one_address_trying_too_often_is_asked_to_wait(app, client, auth) -> None:
    _plan_id, _event_id, token = _plan_and_event(client, auth)
    _at(app, LECTURE)
    answers = [client.post(f"/s/{token}", data={"name": "试探", "phone": "123"}).status_code for _ in range(61)]
    assert set(answers[:60]) == {422} and answers[60] == 429
    refused = client.post(f"/s/{token}", data={"name": "王大明", "phone": "13800138000"})
    assert refused.status_code == 429 and "签到尝试过于频繁" in _text(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ActivitySignIn)) == 0
