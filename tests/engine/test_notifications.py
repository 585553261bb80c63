"""Notifications: the in-app notice, the queued sends, and their delivery to a real local SMTP server and a
local group-robot webhook — once each, retried when the receiver fails, never twice with two ticks at once."""
from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from engine.assembly import session_factory
from engine.audit import AuditEvent
from engine.db.session import make_engine
from engine.errors import InvalidInput, NotAllowed
from engine.notify.delivery import MAX_ATTEMPTS, default_sender, deliver_pending, retry_delivery
from engine.notify.models import ChannelPreference, Delivery, Notification
from engine.notify.notifications import notify, set_channels, unread_count
from engine.org.people import find_person
from engine.parts import engine_of
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from tests.conftest import T0

PERIOD = "2025-2026-1"


def _person(session, username):
    return find_person(session, username)


def _choose(session, username, *, email=False, wecom="", dingtalk=""):
    person = _person(session, username)
    set_channels(session, person, person.id, email=email, wecom_webhook=wecom, dingtalk_webhook=dingtalk, now=T0)
    return person


def _notify(session, person, key="k1", title="课程目标待审核"):
    return notify(session, person.id, kind="test", title=title, body="请在 10 月 10 日前办理。",
                  link="/tasks/1", now=T0, dedupe_key=key)


def test_course_lead_is_told_of_her_new_goal_task_in_the_app(session):
    instance = start_cycle(session, None, "course_cycle", "C-WDYY", PERIOD, T0)
    chen = _person(session, "chenxiaoyu")
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    (notice,) = session.scalars(select(Notification).where(Notification.person_id == chen.id)).all()
    assert notice.title == f"新任务：{task.title}"
    assert notice.link == f"/tasks/{task.id}" and "网店运营" in notice.body
    assert unread_count(session, chen) == 1


def test_each_candidate_of_a_claimable_task_is_told_once(session):
    instance = start_cycle(session, None, "course_cycle", "C-PY", PERIOD, T0)
    rows = session.scalars(select(Notification).where(Notification.link.like("/tasks/%"))).all()
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert {n.person_id for n in rows} == ({task.assignee_id} if task.assignee_id
                                           else {p.id for p in task.candidates})
    assert len(rows) == len({n.person_id for n in rows})


def test_the_same_dedupe_key_notifies_nobody_twice(session):
    chen = _person(session, "chenxiaoyu")
    assert _notify(session, chen) is not None
    assert _notify(session, chen) is None
    session.commit()
    assert _notify(session, chen) is None
    assert session.scalar(select(func.count()).select_from(Notification)) == 1


def test_notify_leaves_the_commit_to_the_caller(session):
    chen = _choose(session, "chenxiaoyu", email=True)
    _notify(session, chen)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Notification)) == 0
    assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_email_reaches_the_schools_smtp_server_once(session, outbound):
    mailbox, _robot = outbound
    chen = _choose(session, "chenxiaoyu", email=True)
    _notify(session, chen)
    session.commit()
    assert deliver_pending(session, T0) == {"sent": 1, "retry": 0, "failed": 0, "skipped": 0}
    assert deliver_pending(session, T0 + timedelta(hours=3))["sent"] == 0
    (message,) = mailbox.messages
    assert mailbox.recipients == [["chenxiaoyu@demo.school.example"]]
    assert "课程目标待审核" in str(message["Subject"]) and "spiral@school.example" in message["From"]
    text = message.get_content()
    assert "请在 10 月 10 日前办理。" in text and "https://zg.school.example/tasks/1" in text


def test_wecom_and_dingtalk_robots_get_markdown_messages(session, outbound):
    _mailbox, local = outbound
    chen = _choose(session, "chenxiaoyu", wecom=local.url + "wecom?key=abc", dingtalk=local.url + "ding?access_token=t")
    _notify(session, chen)
    session.commit()
    assert deliver_pending(session, T0)["sent"] == 2
    got = dict(local.received)
    assert set(got) == {"/wecom?key=abc", "/ding?access_token=t"}
    wecom, ding = got["/wecom?key=abc"], got["/ding?access_token=t"]
    assert wecom["msgtype"] == "markdown" and "课程目标待审核" in wecom["markdown"]["content"]
    assert ding["msgtype"] == "markdown" and "课程目标待审核" in ding["markdown"]["title"]
    assert "https://zg.school.example/tasks/1" in ding["markdown"]["text"]


def test_a_refusing_robot_is_retried_with_backoff_and_the_task_is_untouched(session, outbound):
    _mailbox, local = outbound
    chen = _choose(session, "chenxiaoyu", wecom=local.url + "wecom?key=abc")
    local.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"}), (500, {"error": "busy"})]
    _notify(session, chen)
    session.commit()
    assert deliver_pending(session, T0)["retry"] == 1
    delivery = session.scalars(select(Delivery)).one()
    assert delivery.status == "pending" and "93000" in delivery.last_error
    assert delivery.next_attempt_at == T0 + timedelta(minutes=1)
    assert deliver_pending(session, T0 + timedelta(seconds=30))["retry"] == 0  # not due yet
    assert deliver_pending(session, T0 + timedelta(minutes=1))["retry"] == 1  # HTTP 500
    assert deliver_pending(session, T0 + timedelta(minutes=6))["sent"] == 1
    assert len(local.received) == 3
    session.refresh(delivery)
    assert delivery.status == "sent" and delivery.attempts == 3 and delivery.next_attempt_at is None


def test_after_the_last_attempt_the_send_is_failed_and_an_admin_can_retry_it(session, outbound):
    _mailbox, local = outbound
    chen = _choose(session, "chenxiaoyu", dingtalk=local.url + "ding?access_token=t")
    local.answers = [(200, {"errcode": 310000, "errmsg": "keywords not in content"})] * MAX_ATTEMPTS
    _notify(session, chen)
    session.commit()
    at = T0
    for _ in range(MAX_ATTEMPTS):
        deliver_pending(session, at)
        at += timedelta(hours=3)
    delivery = session.scalars(select(Delivery)).one()
    assert delivery.status == "failed" and "310000" in delivery.last_error
    assert deliver_pending(session, at + timedelta(days=30))["sent"] == 0
    with pytest.raises(NotAllowed):
        retry_delivery(session, chen, delivery.id, at)
    retry_delivery(session, _person(session, "admin"), delivery.id, at)
    assert deliver_pending(session, at)["sent"] == 1
    assert len(local.received) == MAX_ATTEMPTS + 1


def test_a_channel_error_never_escapes_the_tick(session):
    chen = _choose(session, "chenxiaoyu", email=False)
    _notify(session, chen)
    session.add(Delivery(notification_id=session.scalars(select(Notification.id)).one(), channel="wecom",
                         target="http://127.0.0.1:9/nothing-listens", status="pending", attempts=0,
                         next_attempt_at=T0, last_error=""))
    session.commit()
    assert deliver_pending(session, T0)["retry"] == 1


def test_two_ticks_at_once_send_every_message_exactly_once(session, outbound, tmp_path: Path):
    _mailbox, local = outbound
    chen = _choose(session, "chenxiaoyu", wecom=local.url + "wecom?key=abc")
    for i in range(20):
        _notify(session, chen, key=f"k{i}", title=f"第 {i} 条")
    session.commit()
    db_engine = make_engine(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    factory = session_factory(db_engine, engine_of(session))
    both_sending = threading.Barrier(2, timeout=20)
    results = []

    def tick() -> None:
        first = [True]

        def sender(delivery, notification):
            if first[0]:  # hold the first send until the other tick is sending too: they truly overlap
                first[0] = False
                both_sending.wait()
            default_sender(delivery, notification)

        with factory() as own:
            results.append(deliver_pending(own, T0, sender=sender))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db_engine.dispose()
    titles = [payload["markdown"]["content"].splitlines()[0] for _path, payload in local.received]
    assert len(titles) == 20 and len(set(titles)) == 20
    assert sum(r["sent"] for r in results) == 20 and all(r["sent"] > 0 for r in results)


def test_robot_addresses_must_be_the_official_ones(session):
    chen = _person(session, "chenxiaoyu")
    with pytest.raises(InvalidInput, match="Webhook"):
        set_channels(session, chen, chen.id, email=False, wecom_webhook="http://10.0.0.5/admin",
                     dingtalk_webhook="", now=T0)
    set_channels(session, chen, chen.id, email=False,
                 wecom_webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6",
                 dingtalk_webhook="", now=T0)
    with pytest.raises(NotAllowed):
        set_channels(session, _person(session, "hanxue"), chen.id, email=True, wecom_webhook="",
                     dingtalk_webhook="", now=T0)


def test_whoever_submits_a_step_is_not_told_of_their_own_next_step(session):
    from engine.definitions.specs import form_registry
    from engine.workflow.sample import sample_answers
    from engine.workflow.tasks import complete_task
    sunli = _person(session, "sunli")  # 质量专员 writes the sheet here and also reviews it
    instance = start_cycle(session, None, "improvement", "C-WDYY", PERIOD, T0,
                           {"responsible_role": "质量专员", "problem": "督导听课发现的问题"})
    sheet = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert session.scalars(select(Notification.person_id).where(Notification.link == f"/tasks/{sheet.id}")).all() \
        == [sunli.id]
    complete_task(session, sunli, sheet.id, sample_answers(form_registry(session).get(sheet.form_id), {}),
                  T0 + timedelta(hours=1))
    review = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                     HumanTask.status == "open")).one()
    assert review.assignee_id == sunli.id
    assert session.scalars(select(Notification).where(Notification.link == f"/tasks/{review.id}")).all() == []


def test_each_rung_of_the_ladder_reaches_her_mailbox_and_her_wecom_group_once(session, outbound):
    from datetime import datetime

    from engine.tick import run_tick
    from tests.engine.test_ladder import start_plan
    mailbox, local = outbound
    chen = _choose(session, "chenxiaoyu", email=True, wecom=local.url + "wecom?key=abc")
    start_plan(session)  # due in five working days, on 10 October 2025
    run_tick(session, datetime(2025, 10, 20, 9))  # after ten days off: every rung at once, in order
    run_tick(session, datetime(2025, 10, 20, 9, 5))
    run_tick(session, datetime(2025, 10, 21, 9))
    mine = session.scalars(select(Notification).where(Notification.person_id == chen.id)
                           .order_by(Notification.id)).all()
    assert [n.kind for n in mine] == ["task.assigned", "rung.yellow", "rung.remind", "rung.orange", "rung.red"]
    expected = [f"【Spiral 诊改】{n.title}" for n in mine]
    assert [str(m["Subject"]) for m in mailbox.messages] == expected
    assert [p["markdown"]["content"].splitlines()[0] for _path, p in local.received] == [f"### {e}" for e in expected]


def test_two_first_saves_of_notification_settings_at_once_both_succeed(session):
    two_first_saves_at_once(session)


def two_first_saves_at_once(session) -> None:
    """陈晓雨 saves her first settings in two sessions at once; both saves go through (the later wins)."""
    session.commit()
    factory = session_factory(session.get_bind(), engine_of(session))
    first, second = factory(), factory()
    wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=second"

    def the_other_save_lands_after_this_one_looked(state):  # the second save has just seen no row
        if state.is_select and ChannelPreference in [m.class_ for m in state.all_mappers] and not saved:
            result = state.invoke_statement()
            saved.append(set_channels(first, _person(first, "chenxiaoyu"), _person(first, "chenxiaoyu").id,
                                      email=True, wecom_webhook="", dingtalk_webhook="", now=T0))
            return result
        return None

    saved: list[object] = []
    event.listen(second, "do_orm_execute", the_other_save_lands_after_this_one_looked)
    chen = _person(second, "chenxiaoyu")
    set_channels(second, chen, chen.id, email=False, wecom_webhook=wecom, dingtalk_webhook="", now=T0)
    first.close()
    second.close()

    assert saved  # the two saves really overlapped
    session.expire_all()
    row = session.get(ChannelPreference, _person(session, "chenxiaoyu").id)
    assert (row.email, row.wecom_webhook) == (False, wecom)  # the later save wins, as any two saves
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "notification.channels")) == 2
