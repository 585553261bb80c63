"""The JSON API as another system uses it: a token acts as its person; tasks are queried like Camunda's; a course
cycle is driven start to finish through the API alone; errors are Problem Details; retries with an
Idempotency-Key never do the work twice."""
from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.org.models import ApiToken
from engine.quality.models import ImprovementLoop
from engine.workflow.models import ProcessInstance
from tests.web.api_helpers import Caller
from tests.web.test_quality_pages import INDICATOR
from web.extensions import db

PROBLEM = "application/problem+json"


def test_without_a_token_the_api_answers_401_as_a_problem(spiral):
    answer = spiral.app.test_client().get("/api/v1/tasks")
    assert answer.status_code == 401 and answer.mimetype == PROBLEM
    assert answer.json["code"] == "unauthorized" and "令牌" in answer.json["detail"]
    bad = spiral.app.test_client().get("/api/v1/tasks", headers={"Authorization": "Bearer spiral_nope"})
    assert bad.status_code == 401


def test_a_teachers_token_lists_only_her_tasks_and_cannot_complete_another_teachers(spiral):
    mine = spiral.open_task(spiral.start("C-WDYY"), "制定课程建设目标")  # 陈晓雨's
    other = spiral.open_task(spiral.start("C-PY"), "制定课程建设目标")  # 李军's
    chen = Caller(spiral, "chenxiaoyu")
    listed = chen.get("/api/v1/tasks")
    assert listed.status_code == 200 and [t["id"] for t in listed.json] == [mine.id]
    assert chen.get("/api/v1/tasks/count").json == {"count": 1}
    assert chen.get(f"/api/v1/tasks?assignee={other.assignee}").json == []  # asking for his gives nothing
    assert chen.get(f"/api/v1/tasks/{other.id}").status_code == 403
    refused = chen.post(f"/api/v1/tasks/{other.id}/complete", json={"data": {}})
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert spiral.task(other.id).status == "open"


def test_the_quality_office_queries_like_camunda(spiral):
    spiral.start("C-WDYY"), spiral.start("C-PY")
    office = Caller(spiral, "zhaohong", "read")
    found = office.get("/api/v1/tasks?processDefinitionKey=course_cycle&sortBy=due&sortOrder=desc&maxResults=1")
    assert found.status_code == 200 and len(found.json) == 1
    assert office.get("/api/v1/tasks/count?processDefinitionKey=course_cycle").json["count"] == 2
    assert office.get("/api/v1/tasks/count?candidateGroup=课程负责人&subject=C-PY").json["count"] == 1
    wrong = office.get("/api/v1/tasks?rung=purple&maxResults=1000&nonsense=1")
    assert wrong.status_code == 422 and wrong.mimetype == PROBLEM
    assert set(wrong.json["errors"]) == {"rung", "maxResults"}  # an unknown query parameter is ignored
    read_only = office.post("/api/v1/cycles", json={"processDefinitionKey": "course_cycle", "subject": "C-JCKJ",
                                                     "period": "2025-2026-1"})
    assert read_only.status_code == 403 and read_only.json["code"] == "insufficient_scope"


def test_a_course_cycle_is_driven_start_to_finish_through_the_api(spiral):
    office = Caller(spiral, "zhaohong")
    started = office.post("/api/v1/cycles", json={"processDefinitionKey": "course_cycle", "subject": "C-WDYY",
                                                   "period": "2025-2026-1"}, headers={"Idempotency-Key": "start-1"})
    assert started.status_code == 201, started.json
    again = office.post("/api/v1/cycles", json={"processDefinitionKey": "course_cycle", "subject": "C-WDYY",
                                                 "period": "2025-2026-1"}, headers={"Idempotency-Key": "start-1"})
    assert again.status_code == 201 and again.json["id"] == started.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    cycle_id = started.json["id"]
    callers: dict[str, Caller] = {}
    for _step in range(30):
        cycle = office.get(f"/api/v1/cycles/{cycle_id}").json
        if cycle["status"] == "completed":
            break
        task = next(t for t in cycle["tasks"] if t["status"] == "open")
        who = task["assignee"] or task["candidates"][0]
        caller = callers.setdefault(who, Caller(spiral, who))
        if task["assignee"] is None:
            assert caller.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
        detail = caller.get(f"/api/v1/tasks/{task['id']}").json
        form = detail["form_definition"]
        answers = spiral.answers(task["form"], decision="approve") if form else {}
        files = [c["key"] for c in (form or {}).get("components", []) if c.get("type") == "filepicker"]
        if files:
            fields = {k: v for k, v in answers.items() if k not in files}
            body = {"data": json.dumps(fields)}
            body.update({k: (io.BytesIO(b"%PDF-1.4 evidence"), "evidence.pdf") for k in files})
            done = caller.post(f"/api/v1/tasks/{task['id']}/complete", data=body, content_type="multipart/form-data")
        else:
            done = caller.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": answers})
        assert done.status_code == 200, (task["title"], done.json)
    assert office.get(f"/api/v1/cycles/{cycle_id}").json["status"] == "completed"
    with spiral.app.app_context():
        vias = set(db.session.scalars(select(AuditEvent.via).where(AuditEvent.instance_id == cycle_id)))
    assert "API 令牌“zhaohong 的脚本”" in vias and "API 令牌“chenxiaoyu 的脚本”" in vias


def test_a_red_value_pushed_twice_with_its_key_starts_the_improvement_once(spiral):
    spiral.client_for("zhaohong").post("/quality/indicators", data=INDICATOR)
    office = Caller(spiral, "zhaohong")
    body = {"values": [{"indicator": "W-HG", "subject": "C-JCKJ", "period": "2025-2026-1", "value": 70,
                        "measuredOn": "2025-10-10", "source": "教务系统"}]}
    with spiral.app.app_context():
        loops = db.session.scalar(select(func.count()).select_from(ImprovementLoop)) or 0
        cycles = db.session.scalar(select(func.count()).select_from(ProcessInstance))
    first = office.post("/api/v1/values", json=body, headers={"Idempotency-Key": "push-7"})
    assert first.status_code == 201, first.json
    second = office.post("/api/v1/values", json=body, headers={"Idempotency-Key": "push-7"})
    assert second.json == first.json and len(first.json["improvements_started"]) == 1
    with spiral.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImprovementLoop)) == loops + 1
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == cycles + 1
    changed = {"values": [{**body["values"][0], "value": 71}]}
    other = office.post("/api/v1/values", json=changed, headers={"Idempotency-Key": "push-7"})
    assert other.status_code == 409 and other.mimetype == PROBLEM


def test_bad_bodies_are_answered_cleanly(spiral):
    office = Caller(spiral, "zhaohong")
    for body, kwargs in (("{not json", {"content_type": "application/json"}),
                         ('{"values": "x"}', {"content_type": "application/json"}),
                         ('{"values": [{"indicator": 5}]}', {"content_type": "application/json"}),
                         ("a=b", {"content_type": "application/x-www-form-urlencoded"})):
        answer = office.post("/api/v1/values", data=body, **kwargs)
        assert answer.status_code in (400, 415, 422) and answer.mimetype == PROBLEM, (body, answer.data)
    assert office.get("/api/v1/cycles/999999").status_code == 404


def test_the_openapi_document_and_its_page(spiral):
    doc = spiral.app.test_client().get("/api/v1/openapi.json")
    assert doc.status_code == 200 and "/api/v1/tasks" in doc.json["paths"]
    assert "application/problem+json" in str(doc.json["components"]["responses"]["DEFAULT_ERROR"])
    page = spiral.app.test_client().get("/api/v1/docs")
    assert page.status_code == 200 and "GET /api/v1/tasks" in page.get_data(as_text=True)


def test_spiral_token_create_prints_a_token_once_that_the_api_takes(runner, app):
    made = runner.invoke(args=["token", "create", "zhaohong", "--name", "教务系统同步", "--scope", "write"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert secret.startswith("spiral_")
    answer = app.test_client().get("/api/v1/tasks/count", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    unknown = runner.invoke(args=["token", "create", "nobody", "--name", "x"])
    assert unknown.exit_code != 0


def test_a_revoked_token_no_longer_opens_the_api(spiral):
    office = Caller(spiral, "zhaohong")
    assert office.get("/api/v1/tasks/count").status_code == 200
    page = spiral.client_for("zhaohong")
    assert "zhaohong 的脚本" in page.get("/me/tokens").get_data(as_text=True)
    with spiral.app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    assert spiral.client_for("chenxiaoyu").post(f"/me/tokens/{token_id}/revoke").status_code == 403
    assert page.post(f"/me/tokens/{token_id}/revoke").status_code == 302
    assert office.get("/api/v1/tasks/count").status_code == 401


def test_a_person_creates_a_token_on_my_settings_and_sees_it_once(spiral):
    page = spiral.client_for("chenxiaoyu")
    shown = page.post("/me/tokens", data={"name": "我的脚本", "scope": "read"})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    secret = next(w for w in shown.get_data(as_text=True).replace("<", " ").replace(">", " ").split()
                  if w.startswith("spiral_"))
    assert secret not in page.get("/me/tokens").get_data(as_text=True)
    answer = spiral.app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    refused = page.post("/me/tokens", data={"name": "管理", "scope": "admin"})
    assert refused.status_code in (302, 422)  # a teacher may not hold an admin token


def test_the_personnel_system_syncs_the_org_all_or_nothing_with_errors_by_item(spiral):
    admin = Caller(spiral, "admin", "admin")
    units = [{"code": "D-NEW", "name": "新设办公室", "kind": "处室", "parent": "SCHOOL"}]
    checked = admin.post("/api/v1/org/sync", json={"units": units, "dryRun": True})
    assert checked.status_code == 200 and checked.json["dryRun"] is True, checked.json
    bad = admin.post("/api/v1/org/sync", json={"units": units + [{"code": "D-BAD", "name": "坏单位", "kind": "车间",
                                                                   "parent": "NOPE"}]})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert any(key.startswith("units[1].") for key in bad.json["errors"]), bad.json
    office = Caller(spiral, "zhaohong", "write")
    assert office.post("/api/v1/org/sync", json={"units": units}).status_code == 403


def test_problems_speak_the_callers_language(spiral):
    answer = spiral.app.test_client().get("/api/v1/cycles/999999", headers={"Accept-Language": "en"})
    assert answer.status_code == 401 and "token" in answer.json["detail"].lower()


def test_the_admin_registers_a_webhook_and_reads_its_log(spiral):
    admin = spiral.client_for("admin")
    saved = admin.post("/admin/webhooks", data={"name": "数据中心", "url": "https://data.example/spiral",
                                                 "events": ["task.created", "cycle.finished"]}, follow_redirects=True)
    assert "已保存 Webhook“数据中心”" in saved.get_data(as_text=True)
    spiral.start("C-WDYY")
    page = admin.get("/admin/webhooks").get_data(as_text=True)
    assert "task.created" in page and "待发送" in page
    bad = admin.post("/admin/webhooks", data={"name": "x", "url": "javascript:alert(1)", "events": ["task.created"]})
    assert bad.status_code == 422
    assert spiral.client_for("zhaohong").post("/admin/webhooks", data={"name": "x"}).status_code == 403


def test_an_id_too_large_for_any_column_is_a_404_and_a_wrong_method_names_the_allowed_ones(spiral):
    office = Caller(spiral, "zhaohong")
    huge = office.post("/api/v1/notices/7759062373359675278098432/remind", json={"note": "催办"})
    assert huge.status_code == 404 and huge.mimetype == PROBLEM
    assert spiral.client_for("zhaohong").get("/tasks/99999999999999999999").status_code == 404  # the pages too
    wrong = office.client.open("/api/v1/cycles", method="TRACE", headers=office.headers)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert office.post("/api/v1/org/sync", json={"units": [], "dryRun": 0}).status_code in (403, 422)


def test_a_supervisor_acts_on_a_notice_through_the_api(spiral):
    from engine.tick import run_tick
    cycle = spiral.start("C-WDYY")
    with spiral.app.app_context():
        run_tick(db.session, spiral.now() + timedelta(days=30))  # the goal task went late: a red notice
        from engine.supervision.models import SupervisionNotice
        notice_id = db.session.scalars(select(SupervisionNotice.id).where(SupervisionNotice.instance_id == cycle)
                                       .order_by(SupervisionNotice.id.desc())).first()
    boss = Caller(spiral, "zhaohong")
    listed = boss.get("/api/v1/notices?status=all").json
    assert notice_id in [n["id"] for n in listed["items"]] and listed["total"] >= 1
    moved = boss.post(f"/api/v1/notices/{notice_id}/extend", json={"newDue": "2025-12-31", "reason": "参加省赛"})
    assert moved.status_code == 200, moved.json
    talked = boss.post(f"/api/v1/notices/{notice_id}/talk", json={"talkedOn": "2025-10-30", "withWhom": "陈晓雨",
                                                                  "note": "约定本周内提交"})
    assert talked.status_code == 200, talked.json
    nobody = boss.post(f"/api/v1/notices/{notice_id}/reassign", json={"person": "nobody", "reason": "x"})
    assert nobody.status_code == 422
    teacher = Caller(spiral, "chenxiaoyu")
    assert teacher.post(f"/api/v1/notices/{notice_id}/remind", json={"note": "快"}).status_code == 403
