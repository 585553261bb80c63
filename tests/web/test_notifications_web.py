"""The bell, the notification list, 我的设置's channels and the admin's failed sends, through the web."""
from __future__ import annotations

from sqlalchemy import select

from engine.notify.models import ChannelPreference, Delivery, Notification
from engine.notify.notifications import notify
from engine.org.people import find_person
from web.extensions import db

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def bell(spiral, client) -> str:
    (link,) = spiral.page(client.get("/inbox")).xpath('//header//a[@href="/notifications"]')
    return link.text_content().strip()


def test_the_bell_shows_a_new_task_and_opening_it_leads_to_the_task(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")
    assert bell(spiral, client) == "1"
    page = spiral.page(client.get("/notifications"))
    (item,) = page.xpath('//ul[@class="notices"]/li')
    assert "unread" in item.get("class") and f"新任务：{goal_task.title}" in item.text_content()
    form = item.xpath(".//form")[0].get("action")
    opened = client.post(form)
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/tasks/{goal_task.id}")
    assert bell(spiral, client) == ""


def test_mark_all_read_empties_the_bell(app, spiral, goal_task):
    with app.app_context():
        chen = find_person(db.session, "chenxiaoyu")
        for i in range(3):
            notify(db.session, chen.id, kind="remind", title=f"催办 {i}", body="请尽快办理", link="/inbox",
                   now=spiral.now(), dedupe_key=f"remind:{i}")
        db.session.commit()
    client = spiral.client_for("chenxiaoyu")
    assert bell(spiral, client) == "4"
    response = client.post("/notifications/read", follow_redirects=True)
    assert "已将 4 条通知标为已读" in response.get_data(as_text=True)
    assert bell(spiral, client) == ""


def test_nobody_opens_someone_elses_notification(spiral, goal_task, app):
    with app.app_context():
        notice = db.session.scalars(select(Notification)).first()
    assert spiral.client_for("hanxue").post(f"/notifications/{notice.id}/open").status_code == 404


def test_a_teacher_chooses_email_and_her_wecom_group_and_new_tasks_queue_there(app, spiral):
    client = spiral.client_for("chenxiaoyu")
    assert "站内通知（始终开启）" in client.get("/me/settings").get_data(as_text=True)
    response = client.post("/me/channels", data={"email": "on", "wecom_webhook": WECOM, "dingtalk_webhook": ""},
                           follow_redirects=True)
    assert "通知方式已保存" in response.get_data(as_text=True)
    spiral.start("C-WDYY")
    with app.app_context():
        channels = db.session.scalars(select(Delivery.channel).order_by(Delivery.channel)).all()
    assert channels == ["wecom"]  # email waits until the school configures SMTP_HOST


def test_a_made_up_robot_address_is_refused_and_nothing_is_saved(app, spiral):
    client = spiral.client_for("chenxiaoyu")
    response = client.post("/me/channels", data={"wecom_webhook": "http://192.168.1.10/internal"},
                           headers={"Referer": "/me/settings"}, follow_redirects=True)
    assert "机器人地址不正确" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ChannelPreference)).all() == []


def failed_delivery(app, spiral) -> int:
    with app.app_context():
        chen = find_person(db.session, "chenxiaoyu")
        db.session.add(ChannelPreference(person_id=chen.id, email=False, wecom_webhook=WECOM, dingtalk_webhook=""))
        notice_id = notify(db.session, chen.id, kind="remind", title="催办：制定课程建设目标", body="", link="/inbox",
                           now=spiral.now(), dedupe_key="remind:x")
        delivery = db.session.scalars(select(Delivery).where(Delivery.notification_id == notice_id)).one()
        delivery.status, delivery.attempts, delivery.next_attempt_at = "failed", 5, None
        delivery.last_error = "SendError: 机器人拒绝了消息：errcode=93000 invalid webhook url"
        db.session.commit()
        return delivery.id


def test_the_quality_office_sees_a_failed_send_and_queues_it_again(app, spiral):
    delivery_id = failed_delivery(app, spiral)
    client = spiral.client_for("sunli")
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert "errcode=93000" in page and "催办：制定课程建设目标" in page and "陈晓雨" in page
    assert "693a***" in page and "0ec2sifa5aaa" not in page  # the robot's key stays secret
    client.post(f"/admin/deliveries/{delivery_id}/retry")
    with app.app_context():
        delivery = db.session.get(Delivery, delivery_id)
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, spiral.now())


def test_teachers_cannot_see_or_retry_the_sends(app, spiral):
    delivery_id = failed_delivery(app, spiral)
    client = spiral.client_for("chenxiaoyu")
    assert client.get("/admin/deliveries").status_code == 403
    assert client.post(f"/admin/deliveries/{delivery_id}/retry").status_code == 403
