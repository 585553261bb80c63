"""Script in every free-text field a person can type comes back as text on every page that shows it: form
answers, comments, a substitute's reason, the reasons and notes of supervision actions, a process's and a
task's name from the studio, a form label from the designer; also NUL bytes, right-to-left overrides and a
10 MB comment get a clear answer, never a 500."""
from __future__ import annotations

import json

import lxml.html
import pytest
from markupsafe import escape

from engine.definitions.deploy import deploy
from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from tests.engine.test_deploy import process, props
from tests.web.test_supervision import LATE, red_notice_id
from web.extensions import db

PAYLOADS = ['<script>alert("xss")</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
            "javascript:alert(1)", "{{ 7*7 }}"]
PAYLOAD = "".join(PAYLOADS)


def assert_inert(response) -> None:
    """The page runs nothing a visitor typed: no script of theirs, no handler attribute, no javascript: link,
    no template they wrote evaluated."""
    assert response.status_code < 500
    html = response.get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    for script in tree.iter("script"):  # data for the page's own code is JSON with < escaped, never run
        text = script.text or ""
        assert "<" not in text if script.get("type") == "application/json" else "alert" not in text
    assert not [e for e in tree.iter() if isinstance(e.tag, str) and any(a.startswith("on") for a in e.attrib)]
    assert not [e for e in tree.iter() if any(v.strip().lower().startswith("javascript:")
                                              for k, v in e.attrib.items() if k in ("href", "src", "action"))]
    assert "<svg onload" not in html.lower()


@pytest.fixture
def late_goal(app, spiral, goal_task):
    app.config["SPIRAL_NOW"] = LATE.isoformat()
    with app.app_context():
        run_tick(db.session, LATE)
    return goal_task


def test_answers_and_comments_come_back_as_text_on_every_page(app, spiral, goal_task):
    owner = spiral.client_for("chenxiaoyu")
    owner.post(f"/tasks/{goal_task.id}/comments", data={"body": PAYLOAD})
    answers = spiral.answers("course_goal")
    answers["goal_text"] = PAYLOAD  # also the goal's title in the goal chain
    assert owner.post(f"/tasks/{goal_task.id}/complete", data=answers).status_code == 302
    review = spiral.open_task(goal_task.instance_id, "审核课程建设目标")
    for client, url in [(owner, f"/tasks/{goal_task.id}"), (owner, f"/cycles/{goal_task.instance_id}"),
                        (spiral.client_for("hanxue"), f"/tasks/{review.id}"), (owner, "/inbox"),
                        (spiral.client_for("zhaohong"), f"/cycles/{goal_task.instance_id}"),
                        (spiral.client_for("zhaohong"), "/quality/goals?year=2025-2026")]:
        page = client.get(url)
        assert_inert(page)
    assert str(escape(PAYLOADS[0])) in owner.get(f"/tasks/{goal_task.id}").get_data(as_text=True)


def test_a_substitutes_reason_comes_back_as_text(app, spiral):
    with app.app_context():
        from engine.org.people import find_person
        hanxue = find_person(db.session, "hanxue").id
    wangfang = spiral.client_for("wangfang")
    wangfang.post("/me/substitutes", data={"substitute_id": hanxue, "starts_on": "2025-09-27",
                                           "ends_on": "2025-10-10", "reason": PAYLOAD})
    for client, url in [(wangfang, "/me/settings"), (spiral.client_for("hanxue"), "/substitutes"),
                        (spiral.client_for("hanxue"), "/me/settings"), (spiral.client_for("zhaohong"), "/substitutes")]:
        assert_inert(client.get(url))


def test_supervision_reasons_and_notes_come_back_as_text(app, spiral, late_goal):
    notice = red_notice_id(app, late_goal.id)
    supervisor = spiral.client_for("zhouqiang")
    supervisor.post(f"/supervision/notices/{notice}/remind", data={"note": PAYLOAD})
    supervisor.post(f"/supervision/notices/{notice}/talk", data={"talked_on": "2025-10-30", "with_whom": PAYLOAD,
                                                                   "note": PAYLOAD})
    supervisor.post(f"/supervision/notices/{notice}/extend", data={"due": "2025-11-20", "reason": PAYLOAD})
    for client, url in [(supervisor, f"/supervision/notices/{notice}"), (supervisor, "/supervision"),
                        (supervisor, "/supervision?status=all"), (spiral.client_for("chenxiaoyu"), f"/tasks/{late_goal.id}"),
                        (spiral.client_for("chenxiaoyu"), "/notifications")]:
        assert_inert(client.get(url))
    supervisor.post(f"/supervision/notices/{notice}/close", data={"conclusion": PAYLOAD})
    assert_inert(supervisor.get(f"/supervision/notices/{notice}"))


def test_names_from_the_studio_and_labels_from_the_designer_come_back_as_text(app, spiral):
    office = spiral.client_for("zhaohong")
    form = {"type": "default", "components": [
        {"type": "textfield", "key": "note", "label": PAYLOAD, "description": PAYLOAD,
         "validate": {"required": True}}]}
    saved = office.post("/studio/forms/save", json={"form_id": "hostile_label", "schema": form, "new": True})
    assert saved.status_code < 500
    name = PAYLOAD.replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    xml = process(pid="hostile_names", task_props=props(stage="design", due="P3D", form="hostile_label"))
    xml = xml.replace("我的流程".encode(), name.encode()).replace("写计划".encode(), ("写" + name).encode())
    with app.app_context():
        now = app.extensions["spiral"].clock()
        deploy(db.session, None, [("names.bpmn", xml)], now)
        cycle = start_cycle(db.session, None, "hostile_names", "C-WDYY", "2025-2026-1", now).id
    (task,) = spiral.tasks(cycle)
    assert "<script>" in task.title  # kept as typed; shown as text
    owner = spiral.client_for("chenxiaoyu")
    for client, url in [(office, "/studio/processes"), (office, "/studio/processes/hostile_names"),
                        (office, "/studio/forms"), (office, "/studio/forms/hostile_label/design"),
                        (office, "/cycles"), (office, f"/cycles/{cycle}"), (owner, "/inbox"),
                        (owner, f"/tasks/{task.id}"), (owner, "/notifications"), (office, "/studio/launch")]:
        try:
            assert_inert(client.get(url))
        except AssertionError as exc:
            raise AssertionError(url) from exc


def test_a_nul_character_anywhere_is_a_400_with_a_sentence(app, spiral, goal_task):
    owner = spiral.client_for("chenxiaoyu")
    for answer in (owner.post(f"/tasks/{goal_task.id}/comments", data={"body": "评论\x00带空字符"}),
                   owner.get("/cycles?subject=%00"), owner.get("/cycles?x%00=1"),
                   spiral.client_for("zhaohong").post("/studio/forms/preview",
                                                      json={"schema": {"components": [], "x": "\u0000"}})):
        assert answer.status_code == 400 and "NUL" in answer.get_data(as_text=True)
    assert "带空字符" not in owner.get(f"/tasks/{goal_task.id}").get_data(as_text=True)


@pytest.mark.parametrize("body", ["\u202e文字方向被反转\u202c", "正常" * 10, "x" * (10 * 1024 * 1024)])
def test_odd_comments_get_a_clear_answer(app, spiral, goal_task, body):
    owner = spiral.client_for("chenxiaoyu")
    answer = owner.post(f"/tasks/{goal_task.id}/comments", data={"body": body})
    assert answer.status_code in (302, 413, 400)
    page = owner.get(f"/tasks/{goal_task.id}")
    assert page.status_code == 200 and "\x00" not in page.get_data(as_text=True)


def test_a_designed_form_label_is_plain_json_in_the_download(app, spiral):
    office = spiral.client_for("zhaohong")
    form = {"type": "default", "components": [{"type": "textfield", "key": "note", "label": PAYLOAD}]}
    office.post("/studio/forms/save", json={"form_id": "hostile_download", "schema": form, "new": True})
    download = office.get("/studio/forms/hostile_download.form")
    if download.status_code == 200:
        assert "html" not in download.headers["Content-Type"]
        assert json.loads(download.get_data(as_text=True))["components"][0]["label"] == PAYLOAD
