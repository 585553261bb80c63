"""A parent at a 家长学校 lecture scans the QR code: on a 360 px phone screen, with no account and CSRF on, signs in,
answers the anonymous questionnaire, and never scrolls sideways."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.org.models import Unit
from engine.org.people import find_person
from engine.planning.activities import (
    ActivityEvent,
    ActivitySignIn,
    EventFields,
    FeedbackResponse,
    PlanFields,
    publish_event,
    save_event,
    save_plan,
)
from tests.e2e.conftest import serve
from web.extensions import db

LECTURE = datetime(2025, 10, 18, 9, 0)


def _lecture(session: Any) -> None:
    chenjing = find_person(session, "chenjing")
    unit = session.scalars(select(Unit.id).where(Unit.code == "D-XSK")).one()
    plan = save_plan(session, chenjing, None, PlanFields("家长学校", "2025-2026", unit), LECTURE - timedelta(days=9))
    event = save_event(session, chenjing, plan.id, None, EventFields(
        title="如何与青春期孩子有效沟通", starts_at=LECTURE, ends_at=LECTURE + timedelta(hours=2), place="学校报告厅",
        organiser_id=chenjing.id, audience="全体家长", questionnaire="parent_school_feedback"),
        LECTURE - timedelta(days=9))
    publish_event(session, chenjing, event.id, LECTURE - timedelta(days=9))


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.e2e
def test_a_parent_signs_in_and_answers_on_a_phone(tmp_path, browser_page):
    with serve(tmp_path, LECTURE - timedelta(minutes=20), _lecture) as server:
        with server.app.app_context():
            token = db.session.scalars(select(ActivityEvent.sign_in_token)).one()
        page = browser_page
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(f"{server.url}/s/{token}")
        _no_sideways_scroll(page)
        page.fill("#s-name", "王大明")
        page.fill("#s-phone", "138 0013 8000")
        page.fill("#s-student", "王宇")
        page.fill("#s-class", "2024级电子商务1班")
        page.get_by_role("button", name="签到").click()
        page.wait_for_selector("text=签到成功")
        _no_sideways_scroll(page)
        page.get_by_label("非常满意").check()
        page.get_by_label("很有帮助").check()
        page.fill("#field-gain", "学会了先听孩子说完")
        page.get_by_role("button", name="提交反馈").click()
        page.wait_for_selector("text=感谢您的反馈")
        _no_sideways_scroll(page)
        with server.app.app_context():
            assert db.session.scalars(select(ActivitySignIn.phone)).one() == "13800138000"
            answer = db.session.scalars(select(FeedbackResponse)).one()
            assert answer.person_id is None and answer.answers["satisfaction"] == "5"
