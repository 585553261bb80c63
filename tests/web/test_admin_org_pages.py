"""The administrator's stories on the admin pages: the unit tree, people and their passwords, roles, holdings
with a preview, subjects; every change is refused to the quality office."""
from __future__ import annotations

from sqlalchemy import select

from engine.org.models import Person, Role, RoleHolding, Unit
from web.extensions import db


def ids(spiral, model, **where):
    with spiral.app.app_context():
        query = select(model.id)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalars(query).one()


def test_the_admin_adds_renames_and_moves_a_unit_and_a_cycle_is_refused(spiral):
    admin = spiral.client_for("admin")
    parent = ids(spiral, Unit, code="B-CJ")
    answer = admin.post("/admin/units", data={"code": "T-WL", "name": "物流教研室", "kind": "office",
                                              "parent_id": parent, "aliases": "物流室"})
    assert answer.status_code == 302
    new = ids(spiral, Unit, code="T-WL")
    assert "物流教研室" in admin.get("/admin/units").get_data(as_text=True)
    assert admin.post(f"/admin/units/{new}/edit", data={"name": "现代物流教研室", "kind": "office",
                                                         "aliases": "物流室、物流"}).status_code == 302
    refused = admin.post(f"/admin/units/{parent}/move", data={"parent_id": new})
    assert refused.status_code == 422 and "循环" in refused.get_data(as_text=True)
    assert admin.post(f"/admin/units/{new}/move", data={"parent_id": ids(spiral, Unit, code="B-IT")}).status_code == 302
    assert admin.post(f"/admin/units/{new}/close").status_code == 302
    tree = spiral.page(admin.get("/admin/units?q=现代物流"))
    assert tree.xpath("//tr[contains(@class, 'closed')]//a[text()='现代物流教研室']")
    duplicate = admin.post("/admin/units", data={"code": "T-WL", "name": "又一个", "kind": "office",
                                                 "parent_id": parent})
    assert duplicate.status_code == 422 and "已被使用" in duplicate.get_data(as_text=True)


def test_a_unit_with_people_is_not_closed_and_the_page_says_why(spiral):
    admin = spiral.client_for("admin")
    office = ids(spiral, Unit, code="T-DS")
    assert "在职人员" in admin.get(f"/admin/units/{office}").get_data(as_text=True)
    refused = admin.post(f"/admin/units/{office}/close")
    assert refused.status_code == 409 and "在职人员" in refused.get_data(as_text=True)


def test_a_new_person_sees_a_one_time_password_once_and_signs_in_with_it(spiral):
    admin = spiral.client_for("admin")
    answer = admin.post("/admin/people", data={"username": "t2025001", "name": "钱多多", "kind": "staff",
                                               "unit_id": ids(spiral, Unit, code="T-DS"), "email": "",
                                               "phone": "13800000000"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    password = spiral.page(answer).xpath("//*[@id='one-time-password']/text()")[0]
    visitor = spiral.app.test_client()
    signed_in = visitor.post("/login", data={"username": "t2025001", "password": password})
    assert signed_in.status_code == 302
    assert "t2025001" in admin.get("/admin/people?q=钱多多").get_data(as_text=True)
    with spiral.app.app_context():
        assert db.session.scalars(select(Person).where(Person.username == "t2025001")).one().must_change_password


def test_a_deactivated_person_cannot_sign_in_and_their_open_tasks_are_listed_for_reassignment(spiral, goal_task):
    admin = spiral.client_for("admin")
    leaver = ids(spiral, Person, username="chenxiaoyu")
    their_browser = spiral.client_for("chenxiaoyu")
    assert their_browser.get("/inbox").status_code == 200
    assert admin.post(f"/admin/people/{leaver}/deactivate").status_code == 302
    assert their_browser.get("/inbox").status_code == 302  # their session ended
    assert spiral.app.test_client().post("/login", data={"username": "chenxiaoyu",
                                                         "password": "demo123"}).status_code == 401
    page = spiral.page(admin.get(f"/admin/people/{leaver}"))
    assert page.xpath(f"//section[@id='open-tasks']//a[@href='/tasks/{goal_task.id}']")
    offered = page.xpath(f"//select[@name='to_{goal_task.id}']/option/@value")
    taker = ids(spiral, Person, username="wangfang")
    assert str(taker) in offered and str(ids(spiral, Person, username="liuxin")) not in offered
    moved = admin.post(f"/admin/people/{leaver}/tasks", data={f"to_{goal_task.id}": taker, "reason": "离职"})
    assert moved.status_code == 302
    assert spiral.task(goal_task.id).assignee == "wangfang"


def test_the_admin_resets_a_password_and_the_person_must_change_it(spiral):
    admin = spiral.client_for("admin")
    person = ids(spiral, Person, username="wangfang")
    answer = admin.post(f"/admin/people/{person}/password")
    password = spiral.page(answer).xpath("//*[@id='one-time-password']/text()")[0]
    assert spiral.app.test_client().post("/login", data={"username": "wangfang",
                                                         "password": password}).status_code == 302
    assert "重置了王芳" in admin.get(f"/admin/people/{person}").get_data(as_text=True)


def test_a_role_is_added_and_its_flags_set(spiral):
    admin = spiral.client_for("admin")
    assert admin.post("/admin/roles", data={"code": "lab_head", "name": "实训室主任",
                                            "heads_unit": "1"}).status_code == 302
    role = ids(spiral, Role, code="lab_head")
    admin.post(f"/admin/roles/{role}/flags", data={"receives_unroutable": "1"})
    with spiral.app.app_context():
        found = db.session.get(Role, role)
        assert (found.heads_unit, found.receives_unroutable) == (False, True)


def test_a_holding_change_is_previewed_then_saved_with_its_tasks_moved(spiral, goal_task):
    admin = spiral.client_for("admin")
    holding = ids(spiral, RoleHolding, person_id=ids(spiral, Person, username="chenxiaoyu"),
                  role_id=ids(spiral, Role, code="course_lead"))
    preview = admin.post("/admin/holdings/preview", data={"action": "end", "holding_id": holding})
    page = spiral.page(preview)
    assert page.xpath(f"//section[@id='moves']//a[@href='/tasks/{goal_task.id}']")
    assert spiral.task(goal_task.id).assignee == "chenxiaoyu"  # only a preview
    add = admin.post("/admin/holdings/preview", data={"action": "add", "username": "nobody",
                                                      "role_id": ids(spiral, Role, code="course_lead"),
                                                      "unit_id": ids(spiral, Unit, code="C-WDYY")})
    assert add.status_code == 422 and "nobody" in add.get_data(as_text=True)
    fields = {i.get("name"): i.get("value") for i in page.xpath("//form[@action='/admin/holdings/apply']//input")
              if i.get("type") == "hidden"}
    saved = admin.post("/admin/holdings/apply", data={**fields, "move_tasks": "1"})
    assert saved.status_code == 302
    task = spiral.task(goal_task.id)
    assert task.assignee is None and "zhaohong" in task.candidates  # unroutable now: the quality office
