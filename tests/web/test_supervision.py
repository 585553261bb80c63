"""Supervisors at work (督办): late items by colour, and each action through the pages; the owner sees it."""
from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.calendar.models import Closure
from engine.org.models import Person
from engine.org.people import find_person
from engine.supervision.models import Ladder, SupervisionNotice
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from tests.conftest import T0
from web.extensions import db

LATE = datetime(2025, 10, 30, 9)  # long after the goal task's deadline: yellow, orange and red have fired


def person_id(app, username: str) -> int:
    with app.app_context():
        return find_person(db.session, username).id


def notices(app, task_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(n.colour, n.status) for n in db.session.scalars(
            select(SupervisionNotice).where(SupervisionNotice.task_id == task_id).order_by(SupervisionNotice.id))]


def red_notice_id(app, task_id: int) -> int:
    with app.app_context():
        return db.session.scalars(select(SupervisionNotice.id).where(SupervisionNotice.task_id == task_id,
                                                                     SupervisionNotice.colour == "red")).one()


@pytest.fixture
def late_goal(app, spiral, goal_task):
    """陈晓雨 never wrote 网店运营's goals; the tick has climbed the whole ladder."""
    app.config["SPIRAL_NOW"] = LATE.isoformat()
    with app.app_context():
        run_tick(db.session, LATE)
    return goal_task


def test_a_supervisor_sees_the_late_item_in_red_and_the_owner_sees_the_notice(app, spiral, late_goal):
    tree = spiral.page(spiral.client_for("zhouqiang").get("/supervision"))
    rows = tree.xpath('//tr[contains(@class, "notice-row")]')
    assert [r.get("class").split()[-1] for r in rows] == ["red"]  # escalated yellow and orange are not active
    assert "制定课程建设目标" in rows[0].text_content() and "陈晓雨" in rows[0].text_content()
    assert tree.xpath('//a[contains(@class, "colour-card") and contains(@class, "red")]/span[@class="n"]')[0].text == "1"

    owner = spiral.client_for("chenxiaoyu")
    task_page = spiral.page(owner.get(f"/tasks/{late_goal.id}"))
    assert "红色问责单" in task_page.xpath('//div[contains(@class, "notice-banner")]')[0].text_content()
    assert task_page.xpath('//span[@class="tag red" and contains(., "督办")]')
    assert spiral.page(owner.get("/inbox")).xpath('//tr//span[@class="tag red" and contains(., "督办")]')
    assert owner.get("/supervision").status_code == 403


def test_reassigning_gives_the_task_to_the_new_person_with_the_reason_in_the_timeline(app, spiral, late_goal):
    notice = red_notice_id(app, late_goal.id)
    supervisor = spiral.client_for("zhouqiang")
    response = supervisor.post(f"/supervision/notices/{notice}/reassign",
                               data={"person": person_id(app, "wangfang"), "reason": "陈晓雨病假，由王芳代办"})
    assert response.status_code == 302
    assert spiral.task(late_goal.id).assignee == "wangfang"
    page = spiral.page(supervisor.get(f"/supervision/notices/{notice}"))
    assert "陈晓雨病假，由王芳代办" in page.xpath('//ul[@class="timeline"]')[0].text_content()
    assert "王芳" in page.xpath('//dl[contains(@class, "facts")]')[0].text_content()
    assert any(r.title == "制定课程建设目标" for r in [spiral.task(late_goal.id)])
    inbox = spiral.page(spiral.client_for("wangfang").get("/inbox"))
    assert inbox.xpath(f'//a[@href="/tasks/{late_goal.id}"]')
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.reassign")).one()


def test_a_reassignment_without_a_reason_is_refused_and_changes_nothing(app, spiral, late_goal):
    notice = red_notice_id(app, late_goal.id)
    client = spiral.client_for("zhouqiang")
    response = client.post(f"/supervision/notices/{notice}/reassign",
                           data={"person": person_id(app, "wangfang"), "reason": " "}, follow_redirects=True)
    assert "请填写改派原因" in response.get_data(as_text=True)
    assert spiral.task(late_goal.id).assignee == "chenxiaoyu"


def test_extending_moves_the_deadline_and_recomputes_the_ladder(app, spiral, late_goal):
    notice = red_notice_id(app, late_goal.id)
    client = spiral.client_for("zhouqiang")
    client.post(f"/supervision/notices/{notice}/extend", data={"due": "2025-11-20", "reason": "参加省级培训"})
    with app.app_context():
        task = db.session.get(HumanTask, late_goal.id)
        assert task.due_at == datetime(2025, 11, 20, 23, 59, 59)
        assert task.rung == "none" and task.next_rung_at > LATE
    assert notices(app, late_goal.id)[-1] == ("red", "extended")
    shown = client.get(f"/supervision/notices/{notice}").get_data(as_text=True)
    assert "新截止 2025-11-20" in shown and "原截止 " in shown  # the old deadline and the new one
    refused = client.post(f"/supervision/notices/{notice}/extend", data={"due": "2025-10-01", "reason": "x"},
                          follow_redirects=True)
    assert "新的截止日期应晚于今天和原截止日期" in refused.get_data(as_text=True)


def test_remind_talk_and_close_are_recorded_on_the_notice(app, spiral, late_goal):
    notice = red_notice_id(app, late_goal.id)
    client = spiral.client_for("zhouqiang")
    client.post(f"/supervision/notices/{notice}/remind", data={"note": "请今天提交"})
    client.post(f"/supervision/notices/{notice}/talk", data={"talked_on": "2025-10-30", "note": "承诺周五前完成"})
    client.post(f"/supervision/notices/{notice}/close", data={"conclusion": "已完成整改"})
    page = spiral.page(client.get(f"/supervision/notices/{notice}")).xpath('//ul[@class="timeline"]')[0]
    text = page.text_content()
    for expected in ("发起督办", "催办", "请今天提交", "约谈", "承诺周五前完成", "办结", "已完成整改"):
        assert expected in text
    assert notices(app, late_goal.id)[-1] == ("red", "closed")


def test_bulk_remind_and_the_excel_export(app, spiral, late_goal):
    with app.app_context():  # 直播电商's cycle started the same day as 网店运营's
        instance_id = start_cycle(db.session, None, "course_cycle", "C-ZBDS", "2025-2026-1", T0).id
        run_tick(db.session, LATE + timedelta(minutes=1))
    second = spiral.open_task(instance_id, "制定课程建设目标")
    ids = [red_notice_id(app, late_goal.id), red_notice_id(app, second.id)]
    client = spiral.client_for("zhouqiang")
    response = client.post("/supervision/bulk", data={"action": "remind", "notice": ids, "note": "统一催办"},
                           follow_redirects=True)
    assert "已催办 2 张督办单" in response.get_data(as_text=True)
    export = client.get("/supervision/export.xlsx?colour=red")
    assert export.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(export.data)).active
    assert sheet["A1"].value == "编号" and sheet.max_row == 3
    assert {sheet.cell(row=r, column=10).value for r in (2, 3)} == {"陈晓雨", "王芳"}
    late_column = [c.value for c in sheet[1]].index("逾期天数") + 1
    assert all(isinstance(sheet.cell(row=r, column=late_column).value, int) for r in (2, 3))
    headers = [c.value for c in sheet[1]]
    for name in ("发出时间", "截止时间"):  # real dates, not ISO text: Excel sorts and filters them
        cell = sheet.cell(row=2, column=headers.index(name) + 1)
        assert isinstance(cell.value, datetime) and cell.number_format == "yyyy-mm-dd hh:mm"


def test_on_time_rates_by_department_level_and_period(app, spiral, late_goal):
    tree = spiral.page(spiral.client_for("zhouqiang").get("/supervision/rates"))
    text = tree.text_content()
    assert "财经商贸部" in text and "课程" in text and "2025-2026-1" in text
    assert "0%" in text  # one overdue open task, nothing on time yet
    rows = tree.xpath('//table[contains(@class, "rates")]/tbody/tr')
    cells = [[td.text_content().strip() for td in row.xpath("td")] for row in rows]
    assert cells == [["财经商贸部", "0", "0", "1", "0%"], ["课程", "0", "0", "1", "0%"],
                     ["2025-2026-1", "0", "0", "1", "0%"]]  # key, on time, late, overdue open, rate


def test_the_quality_office_defines_a_ladder_and_a_bad_rung_is_explained(app, spiral):
    office = spiral.client_for("sunli")
    bad = office.post("/supervision/ladders/edit", data={
        "name": "fast", "label": "快速督办", "rows": "1", "key-0": "y", "label-0": "黄", "colour-0": "purple",
        "when-0": "elapsed", "value-0": "2", "notify-0": "owner, 火星人"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "已用时间比例应在 0 到 1 之间" in body and "火星人" in body and "颜色只能是" in body
    good = office.post("/supervision/ladders/edit", data={
        "name": "fast", "label": "快速督办", "rows": "1", "key-0": "y", "label-0": "黄", "colour-0": "yellow",
        "when-0": "before_due", "value-0": "P2D", "notify-0": "owner, unit_head", "supervisor-0": "unit_head",
        "notice-0": "黄色预警通知单"})
    assert good.status_code == 302
    with app.app_context():
        ladder = db.session.scalars(select(Ladder).where(Ladder.name == "fast")).one()
        assert ladder.rungs[0]["before_due"] == "P2D"
    assert spiral.client_for("chenxiaoyu").get("/supervision/ladders/edit").status_code == 403


def test_the_office_adds_a_closure_and_staff_may_not(app, spiral):
    office = spiral.client_for("sunli")
    office.post("/supervision/calendar", data={"first": "2025-11-05", "last": "2025-11-06", "reason": "校运动会"})
    with app.app_context():
        assert len(db.session.scalars(select(Closure)).all()) == 2
    page = spiral.page(office.get("/supervision/calendar"))
    assert "校运动会" in page.text_content() and "2025-10-11" in page.text_content()  # 调休 Saturday listed
    assert spiral.client_for("zhouqiang").post("/supervision/calendar", data={
        "first": "2025-11-07", "reason": "x"}).status_code == 403


def test_the_owner_sets_a_follow_up_and_the_tick_fires_it_once(app, spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")
    client.post(f"/tasks/{goal_task.id}/follow-up", data={"follow_up": "2025-09-29T09:00"})
    with app.app_context():
        assert db.session.get(HumanTask, goal_task.id).follow_up_at == datetime(2025, 9, 29, 9)
        assert run_tick(db.session, datetime(2025, 9, 29, 9, 1))["follow_ups"] == 1
        assert run_tick(db.session, datetime(2025, 9, 29, 9, 2))["follow_ups"] == 0
        assert db.session.get(HumanTask, goal_task.id).follow_up_at is None


def test_the_list_pages_through_many_notices_red_first(app, spiral, late_goal, monkeypatch):
    import web.supervision.routes as routes
    with app.app_context():
        for code in ("C-ZBDS", "C-PY"):
            start_cycle(db.session, None, "course_cycle", code, "2025-2026-1", T0)
        run_tick(db.session, LATE + timedelta(minutes=1))
    monkeypatch.setattr(routes, "PAGE_SIZE", 2)
    client = spiral.client_for("zhouqiang")
    first = spiral.page(client.get("/supervision?status=all"))
    assert "1 / 5" in first.text_content() and "第 1–2 条，共 9 条" in first.text_content()
    assert [r.get("class").split()[-1] for r in first.xpath('//tr[contains(@class, "notice-row")]')] == ["red", "red"]
    last = spiral.page(client.get("/supervision?status=all&page=5"))
    assert [r.get("class").split()[-1] for r in last.xpath('//tr[contains(@class, "notice-row")]')] == ["yellow"]


@pytest.mark.parametrize("username", ["liuxin", "zhouqiang", "zhanghua"])
def test_reassigning_to_a_student_the_supervisor_himself_or_someone_without_the_role_is_refused(
        app, spiral, late_goal, username):
    notice = red_notice_id(app, late_goal.id)
    client = spiral.client_for("zhouqiang")  # 督导员: holds no 课程负责人 role
    name = {"liuxin": "刘欣", "zhouqiang": "周强", "zhanghua": "张华"}[username]
    response = client.post(f"/supervision/notices/{notice}/reassign",
                           data={"person": person_id(app, username), "reason": "试试"}, follow_redirects=True)
    assert f"{name}不能办理“制定课程建设目标”：只能改派给在该范围内担任" in response.get_data(as_text=True)
    assert spiral.task(late_goal.id).assignee == "chenxiaoyu"
    options = spiral.page(client.get(f"/supervision/notices/{notice}")).xpath('//select[@id="person"]//option/text()')
    assert not any(name in o for o in options) and any("王芳" in o for o in options)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.reassign")).all() == []


def test_the_quality_office_may_take_the_task(app, spiral, late_goal):
    notice = red_notice_id(app, late_goal.id)
    response = spiral.client_for("zhouqiang").post(f"/supervision/notices/{notice}/reassign",
                                                   data={"person": person_id(app, "sunli"), "reason": "质量办接手"})
    assert response.status_code == 302 and spiral.task(late_goal.id).assignee == "sunli"


def test_an_escalated_notice_can_be_neither_reassigned_nor_extended(app, spiral, late_goal):
    with app.app_context():
        yellow = db.session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == late_goal.id,
                                                                    SupervisionNotice.colour == "yellow")).one()
        assert yellow.status == "escalated"
        yellow_id = yellow.id
    client = spiral.client_for("zhouqiang")
    response = client.post(f"/supervision/notices/{yellow_id}/reassign",
                           data={"person": person_id(app, "wangfang"), "reason": "改派"}, follow_redirects=True)
    assert "已升级，不能再改派" in response.get_data(as_text=True)
    response = client.post(f"/supervision/notices/{yellow_id}/extend", data={"due": "2025-11-20", "reason": "延期"},
                           follow_redirects=True)
    assert "已升级，不能再延期" in response.get_data(as_text=True)
    assert spiral.task(late_goal.id).assignee == "chenxiaoyu"
    with app.app_context():
        assert db.session.get(HumanTask, late_goal.id).due_at < LATE
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
            ["notice.reassign", "notice.extend"]))).all() == []


def test_the_bulk_reassign_picker_offers_no_student(spiral, late_goal):
    options = spiral.page(spiral.client_for("zhouqiang").get("/supervision")).xpath("//select//option/text()")
    assert any("王芳" in o for o in options) and not any(n in "".join(options) for n in ("刘欣", "陈浩", "王宇", "李娜"))


def test_the_bulk_reassign_picker_offers_only_people_who_may_do_one_of_the_listed_tasks(app, spiral, late_goal):
    from engine.org.routing import may_do_task
    options = spiral.page(spiral.client_for("zhouqiang").get("/supervision")).xpath(
        "//select[@id='bulk-person']/option/@value")
    offered = {int(v) for v in options if v}
    with app.app_context():
        task = db.session.get(HumanTask, late_goal.id)
        people = db.session.scalars(select(Person.id).where(Person.active.is_(True))).all()
        allowed = {p for p in people if may_do_task(db.session, task.role_name, task.scope_unit_id, p)}
        staff = {p.id for p in db.session.scalars(select(Person)) if p.kind != "student"}
    assert offered == allowed and offered < staff  # not every member of staff: whom the reassign takes
    notice_options = spiral.page(spiral.client_for("zhouqiang").get(
        f"/supervision/notices/{red_notice_id(app, late_goal.id)}")).xpath("//select[@id='person']//option/@value")
    assert {int(v) for v in notice_options if v} == allowed


def test_after_a_claim_the_notice_names_who_holds_the_task_now(app, spiral, implement_task):
    from engine.supervision.models import SupervisionNotice
    with app.app_context():
        run_tick(db.session, spiral.now() + timedelta(days=60))  # the offered task went late
        notice = db.session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == implement_task.id)
                                    .order_by(SupervisionNotice.id.desc())).first()
        assert notice is not None and "陈晓雨、王芳" in notice.matter
    assert spiral.client_for("wangfang").post(f"/tasks/{implement_task.id}/claim").status_code == 302
    with app.app_context():
        notice = db.session.get(SupervisionNotice, notice.id)
        assert notice.responsible_person.username == "wangfang"
        assert notice.matter.endswith("请王芳抓紧办理。")


def test_a_unit_head_sees_the_notices_of_their_units_work_and_no_other_units(app, spiral, late_goal):
    red = red_notice_id(app, late_goal.id)
    head = spiral.client_for("hanxue")  # 教研室主任 of 电子商务教研室, which holds 网店运营; not its supervisor
    rows = spiral.page(head.get("/supervision?status=all")).xpath('//tr[contains(@class, "notice-row")]')
    assert rows and all("制定课程建设目标" in r.text_content() for r in rows)
    assert head.get(f"/supervision/notices/{red}").status_code == 200
    refused = head.post("/supervision/bulk", data={"action": "close", "notice": str(red), "conclusion": "已办"})
    assert refused.status_code in (302, 403)
    assert ("red", "open") in notices(app, late_goal.id)  # seeing is not supervising: nothing closed

    other = spiral.client_for("huangwei")  # heads 机电技术部: not this course's unit
    assert not spiral.page(other.get("/supervision?status=all")).xpath('//tr[contains(@class, "notice-row")]')
    assert other.get(f"/supervision/notices/{red}").status_code == 403
