"""The searchable pickers (page.js select[data-picker]): each offers only whom (or what) the user may pick, its
options carry what the search matches (工号, unit), and a forged choice is refused by the server."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.org.models import Subject
from engine.workflow.models import ProcessInstance
from tests.web.test_supervision import late_goal, red_notice_id  # noqa: F401 (late_goal: a fixture)
from web.extensions import db


def test_every_people_picker_is_searchable_by_username_and_unit(app, spiral, late_goal):  # noqa: F811
    notice = red_notice_id(app, late_goal.id)
    pages = [("zhouqiang", f"/supervision/notices/{notice}", "person"), ("zhouqiang", "/supervision", "bulk-person"),
             ("lijun", "/me/settings", "substitute_id")]
    for username, path, field in pages:
        page = spiral.page(spiral.client_for(username).get(path))
        select_ = page.xpath(f'//select[@id="{field}"]')[0]
        assert select_.get("data-picker") == "输入姓名、工号或单位筛选", path
        wangfang = [o for o in select_.xpath(".//option") if "王芳" in (o.text or "")]
        if field != "substitute_id":
            assert wangfang and wangfang[0].get("data-search").startswith("wangfang "), path
        assert all(o.get("data-search") for o in select_.xpath(".//option[@value!='']")), path


def test_the_start_picker_offers_only_subjects_of_the_process_level_and_refuses_another(app, spiral):
    office = spiral.client_for("zhaohong")
    page = spiral.page(office.get("/studio/start?process_id=course_cycle"))
    offered = {v for v in page.xpath('//select[@id="subject"]/option/@value') if v}
    assert page.xpath('//select[@id="subject"]/@data-picker') == ["输入名称或代码筛选"]
    with app.app_context():
        courses = set(db.session.scalars(select(Subject.code).where(Subject.level == "course")))
        major = db.session.scalars(select(Subject.code).where(Subject.level == "major")).first()
    assert offered == courses and major not in offered
    response = office.post("/studio/start", data={"process_id": "course_cycle", "subject": major,
                                                  "period": "2025-2026-1", "action": "start"})
    assert response.status_code == 422 and "层面" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcessInstance.id))) == 0


def test_the_office_lists_a_department_s_courses_ticks_two_and_only_those_start(app, spiral):
    office = spiral.client_for("zhaohong")
    base = {"process_id": "course_cycle", "period": "2025-2026-1", "within": "B-CJ"}
    page = spiral.page(office.post("/studio/launch", data={**base, "action": "list"}))
    boxes = page.xpath('//ul[@id="launch-subject-list"]//input[@name="subject"]')
    with app.app_context():
        codes = {name: code for name, code in db.session.execute(select(Subject.name, Subject.code))}
    offered = {b.get("value") for b in boxes}
    assert codes["基础会计"] in offered and codes["机械制图"] not in offered
    assert all(b.get("checked") is not None for b in boxes)  # everything not yet started is ticked at first
    chosen = [codes["基础会计"], codes["网店运营"]]
    done = office.post("/studio/launch", data={**base, "action": "launch", "choosing": "1", "subject": chosen})
    assert "共 2 个对象：启动 2，跳过 0，失败 0" in done.get_data(as_text=True)
    forged = office.post("/studio/launch", data={**base, "action": "launch", "choosing": "1",
                                                 "subject": [codes["机械制图"]]})
    assert forged.status_code == 422 and "不是所选范围内的对象" in forged.get_data(as_text=True)
    nothing = office.post("/studio/launch", data={**base, "action": "launch", "choosing": "1"})
    assert nothing.status_code == 422 and "请至少勾选一个" in nothing.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcessInstance.id))) == 2


def test_the_step_by_step_launch_plans_only_the_ticked_and_refuses_a_step_outside_the_scope(app, spiral):
    office = spiral.client_for("zhaohong")
    with app.app_context():
        codes = {name: code for name, code in db.session.execute(select(Subject.name, Subject.code))}
    query = "/studio/launch/plan?process_id=course_cycle&period=2025-2026-1&within=B-CJ&choosing=1"
    plan = office.get(f"{query}&subject={codes['基础会计']}").get_json()
    assert [s["name"] for s in plan["subjects"]] == ["基础会计"]
    outside = office.get(f"{query}&subject={codes['机械制图']}")
    assert outside.status_code == 422 and "不是所选范围内的对象" in outside.get_json()["message"]
    step = office.post("/studio/launch/one", json={"process_id": "course_cycle", "period": "2025-2026-1",
                                                   "subject": codes["机械制图"], "within": "B-CJ"},
                       headers={"Accept": "application/json"})
    assert step.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcessInstance.id))) == 0
