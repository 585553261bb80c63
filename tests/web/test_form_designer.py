"""The quality office designs a form in the studio: a live preview drawn by the server, problems listed in
Chinese with nothing saved, save (audited) where processes and deploy validation find it, download."""
from __future__ import annotations

import json

import lxml.html
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.definitions.specs import form_registry
from web.extensions import db

REVIEW = {"type": "default", "components": [
    {"type": "radio", "key": "verdict", "label": "评审结论", "validate": {"required": True},
     "values": [{"label": "通过", "value": "pass"}, {"label": "退回修改", "value": "revise"}]},
    {"type": "textarea", "key": "opinion", "label": "评审意见"},
]}
BROKEN = {"type": "default", "components": [
    {"type": "textfield", "key": "1st", "label": "名称"},
    {"type": "select", "key": "kind", "label": "类型"},
    {"type": "number", "key": "kind", "label": "课时", "validate": {"min": "很多"}},
]}


def test_the_preview_is_the_form_as_staff_will_see_it(spiral):
    office = spiral.client_for("zhaohong")
    answer = office.post("/studio/forms/preview", json={"schema": REVIEW}).get_json()
    assert answer["ok"] and answer["fields"] == 2
    page = spiral.page(office.get("/studio/forms/new"))
    assert page.xpath("//div[@id='form-editor']")
    preview = lxml.html.fromstring(answer["html"])
    assert preview.xpath("//input[@type='radio'][@name='verdict'][@value='revise']")
    assert preview.xpath("//textarea[@name='opinion']")


def test_a_broken_form_lists_every_problem_in_chinese_and_nothing_is_saved(spiral, tmp_path):
    office = spiral.client_for("zhaohong")
    preview = office.post("/studio/forms/preview", json={"schema": BROKEN})
    assert preview.status_code == 422
    problems = preview.get_json()["problems"]
    assert len(problems) == 4
    assert "“1st” 无效" in problems[0] and "没有选项" in problems[1] and "重复" in problems[2]
    assert "min 必须是数字" in problems[3]
    saved = office.post("/studio/forms/save", json={"form_id": "course_review", "schema": BROKEN, "new": True})
    assert saved.status_code == 422 and "表单有以下问题" in saved.get_json()["message"]
    assert not (tmp_path / "forms" / "course_review.form").exists()
    not_json = office.post("/studio/forms/preview", json={"schema": "{不是 JSON"}).get_json()
    assert "不是有效的 JSON" in not_json["message"]


def test_a_saved_form_is_offered_to_processes_audited_and_downloadable(spiral, tmp_path):
    office = spiral.client_for("zhaohong")
    saved = office.post("/studio/forms/save", json={"form_id": "course_review", "title": "课程评审意见",
                                                    "schema": REVIEW, "new": True}).get_json()
    assert saved["ok"] and saved["url"] == "/studio/forms/course_review/design"
    stored = json.loads((tmp_path / "forms" / "course_review.form").read_text(encoding="utf-8"))
    assert stored["id"] == "course_review" and stored["title"] == "课程评审意见"
    with spiral.app.app_context():
        assert form_registry(db.session).get("course_review").field("verdict").required
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "form.created")).one()
        assert event.object_id == "course_review" and event.actor.username == "zhaohong"
    assert "课程评审意见" in office.get("/studio/forms").get_data(as_text=True)
    modeler = office.get("/studio/modeler/course_cycle").get_data(as_text=True)
    assert "course_review" in modeler  # the side panel's form list
    download = office.get("/studio/forms/course_review.form")
    assert "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["components"][0]["key"] == "verdict"
    again = office.post("/studio/forms/save", json={"form_id": "course_review", "schema": REVIEW, "new": True})
    assert again.status_code == 409  # a new form never overwrites one that exists


def test_deploy_validation_sees_a_designed_form(spiral):
    office = spiral.client_for("zhaohong")
    xml = office.get("/studio/processes/course_cycle/v1.bpmn").get_data(as_text=True)
    uses_new_form = xml.replace('value="course_goal"', 'value="course_review"', 1)
    assert uses_new_form != xml
    before = office.post("/studio/modeler/validate", json={"xml": uses_new_form}).get_json()
    assert not before["ok"] and any("course_review" in p["message"] for p in before["problems"])
    office.post("/studio/forms/save", json={"form_id": "course_review", "schema": REVIEW, "new": True})
    after = office.post("/studio/modeler/validate", json={"xml": uses_new_form}).get_json()
    assert after["ok"], after["problems"]


def test_editing_a_shipped_form_keeps_the_shipped_file(spiral, tmp_path):
    office = spiral.client_for("zhaohong")
    assert office.get("/studio/forms/course_goal/design").status_code == 200
    with spiral.app.app_context():
        shipped = form_registry(db.session).get("course_goal")
        schema = dict(shipped.raw, components=[*shipped.raw["components"], {"type": "textfield", "key": "extra_note",
                                                                           "label": "补充说明"}])
    assert office.post("/studio/forms/save", json={"form_id": "course_goal", "schema": schema}).get_json()["ok"]
    with spiral.app.app_context():
        assert form_registry(db.session).get("course_goal").field("extra_note") is not None
        assert form_registry(db.session).is_designed("course_goal")
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "form.updated")).one()
    assert (tmp_path / "forms" / "course_goal.form").exists()


def test_staff_cannot_design_forms(spiral):
    teacher = spiral.client_for("chenxiaoyu")
    assert teacher.get("/studio/forms").status_code == 403
    assert teacher.post("/studio/forms/save", json={"form_id": "x1", "schema": REVIEW}).status_code == 403
