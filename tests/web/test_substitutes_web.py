"""Through the web: a teacher names a substitute and hands over her tasks, supervisors see it, and a
supervisor claims several offered tasks at once."""
from __future__ import annotations

from sqlalchemy import select

from engine.org.models import Substitution
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.tasks import claim_task
from web.extensions import db

PERIOD = "2025-2026-1"


def person_id(app, username: str) -> int:
    with app.app_context():
        return find_person(db.session, username).id


def test_a_teacher_on_training_names_a_substitute_and_hands_over_her_goal_task(app, spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")
    response = client.post("/me/substitutes", data={"substitute_id": person_id(app, "wangfang"),
                                                     "starts_on": "2025-09-26", "ends_on": "2025-10-10",
                                                     "reason": "省级骨干教师培训"}, follow_redirects=True)
    page = spiral.page(response)
    (row,) = page.xpath('//section[@id="substitutes"]//tbody/tr')
    assert "王芳" in row.text_content() and "进行中" in row.text_content() and "省级骨干教师培训" in row.text_content()
    (handover,) = row.xpath('.//form[contains(@action, "/handover")]')
    response = client.post(handover.get("action"), follow_redirects=True)
    assert "已将 1 项待办移交给代理人" in response.get_data(as_text=True)
    assert spiral.task(goal_task.id).assignee == "wangfang"
    assert f"/tasks/{goal_task.id}" in spiral.client_for("wangfang").get("/inbox").get_data(as_text=True)


def test_a_substitute_for_an_overlapping_period_is_refused_on_the_page(app, spiral):
    client = spiral.client_for("chenxiaoyu")
    form = {"substitute_id": person_id(app, "wangfang"), "starts_on": "2025-10-09", "ends_on": "2025-10-12"}
    client.post("/me/substitutes", data=form)
    response = client.post("/me/substitutes", data={**form, "starts_on": "2025-10-12", "ends_on": "2025-10-20"},
                           headers={"Referer": "/me/settings"}, follow_redirects=True)
    assert "日期重叠" in response.get_data(as_text=True)
    response = client.post("/me/substitutes", data={**form, "ends_on": "10月20日"},
                           headers={"Referer": "/me/settings"}, follow_redirects=True)
    assert "请填写日期" in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(Substitution)).all()) == 1


def test_ending_a_substitution_early_from_the_settings_page(app, spiral):
    client = spiral.client_for("chenxiaoyu")
    client.post("/me/substitutes", data={"substitute_id": person_id(app, "wangfang"), "starts_on": "2025-09-20",
                                         "ends_on": "2025-10-10"})
    (end,) = spiral.page(client.get("/me/settings")).xpath('//form[contains(@action, "/end")]')
    assert "结束代理" in end.text_content()
    client.post(end.get("action"))
    with app.app_context():
        assert str(db.session.scalars(select(Substitution.ends_on)).one()) == "2025-09-25"


def test_supervisors_see_who_stands_in_for_whom_and_teachers_do_not(app, spiral):
    spiral.client_for("hanxue").post("/me/substitutes", data={
        "substitute_id": person_id(app, "gaofeng"), "starts_on": "2025-10-09", "ends_on": "2025-10-17",
        "reason": "病假"})
    supervisor = spiral.client_for("zhouqiang")
    nav = spiral.page(supervisor.get("/inbox")).xpath('//header//a[@href="/substitutes"]')
    assert nav, "supervisors find 代理安排 in the top bar"
    (row,) = spiral.page(supervisor.get("/substitutes")).xpath("//tbody/tr")
    assert [c.text_content().strip() for c in row.xpath("td")][:5] == [
        "韩雪", "电子商务教研室", "高峰", "2025-10-09 — 2025-10-17", "病假"]
    teacher = spiral.client_for("chenxiaoyu")
    assert teacher.get("/substitutes").status_code == 403
    assert not spiral.page(teacher.get("/inbox")).xpath('//header//a[@href="/substitutes"]')


def offered_to_supervisors(app, spiral) -> list[int]:
    with app.app_context():
        ids = []
        for code in ("C-PY", "C-WEB", "C-DG"):
            instance = start_cycle(db.session, None, "improvement", code, PERIOD, spiral.now(),
                                   {"responsible_role": "督导员", "problem": "听课评价偏低"})
            ids.append(db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance.id)).one())
        return ids


def test_a_supervisor_ticks_three_offered_tasks_and_claims_them_at_once(app, spiral):
    ids = offered_to_supervisors(app, spiral)
    client = spiral.client_for("zhouqiang")
    boxes = spiral.page(client.get("/inbox?view=claimable")).xpath('//input[@name="task_ids"]/@value')
    assert sorted(int(b) for b in boxes) == ids
    response = client.post("/tasks/claim", data={"task_ids": [str(i) for i in ids]}, follow_redirects=True)
    assert "已认领 3 项任务" in response.get_data(as_text=True)
    assert all(spiral.task(i).assignee == "zhouqiang" for i in ids)


def test_a_multi_claim_says_which_task_a_colleague_got_first(app, spiral):
    ids = offered_to_supervisors(app, spiral)
    with app.app_context():
        claim_task(db.session, find_person(db.session, "wuping"), ids[0], spiral.now())
    client = spiral.client_for("zhouqiang")
    response = client.post("/tasks/claim", data={"task_ids": [str(i) for i in ids]}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "已认领 2 项任务" in body and "未能认领" in body and "已由吴平认领" in body
    assert spiral.task(ids[0]).assignee == "wuping"


def test_claiming_with_nothing_ticked_asks_to_tick_first(spiral):
    response = spiral.client_for("zhouqiang").post("/tasks/claim", data={}, follow_redirects=True)
    assert "请先勾选要认领的任务" in response.get_data(as_text=True)


def test_a_student_is_neither_offered_nor_accepted_as_a_substitute(app, spiral):
    client = spiral.client_for("lijun")
    options = spiral.page(client.get("/me/settings")).xpath('//select[@id="substitute_id"]/option/text()')
    assert any("赵磊" in o for o in options) and not any(n in "".join(options) for n in ("刘欣", "陈浩", "系统管理员"))
    response = client.post("/me/substitutes", data={"substitute_id": person_id(app, "liuxin"),
                                                     "starts_on": "2025-10-09", "ends_on": "2025-10-12"},
                           headers={"Referer": "/me/settings"}, follow_redirects=True)
    assert "刘欣不能担任代理人：代理人须是在岗教职工" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Substitution)).all() == []


def test_her_unit_head_sees_the_arrangement_and_ends_it_from_the_list(app, spiral):
    spiral.client_for("chenxiaoyu").post("/me/substitutes", data={
        "substitute_id": person_id(app, "wangfang"), "starts_on": "2025-10-09", "ends_on": "2025-10-17"})
    assert "【代理】您被指定为陈晓雨的代理人" in spiral.client_for("wangfang").get("/notifications").get_data(as_text=True)
    head = spiral.client_for("xuna")  # 专业部主任 above 电子商务教研室
    assert spiral.page(head.get("/inbox")).xpath('//header//a[@href="/substitutes"]')
    (row,) = spiral.page(head.get("/substitutes")).xpath("//tbody/tr")
    assert "陈晓雨" in row.text_content()
    (end,) = row.xpath('.//form[contains(@action, "/end")]')
    response = head.post(end.get("action"), data={"back": "list"}, follow_redirects=True)
    assert "代理安排已结束" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Substitution)).all() == []
    assert spiral.client_for("luojia").post(end.get("action"), data={"back": "list"}).status_code in (403, 404)
