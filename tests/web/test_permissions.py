"""Nobody acts on a task that is not theirs, and no form post is taken without its CSRF token."""
from __future__ import annotations

from datetime import datetime

import lxml.html
import pytest
from sqlalchemy import select

from engine.demo.school import deploy_shipped, seed_org
from engine.tables import create_schema
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from web import create_app
from web.extensions import db


def test_student_cannot_open_a_teachers_task(spiral, goal_task):
    student = spiral.client_for("liuxin")

    response = student.get(f"/tasks/{goal_task.id}")

    assert response.status_code == 403
    assert "制定课程建设目标" not in response.get_data(as_text=True)


def test_student_cannot_complete_a_teachers_task(spiral, goal_task):
    student = spiral.client_for("liuxin")
    before = spiral.tasks(goal_task.instance_id, status=None)

    response = student.post(f"/tasks/{goal_task.id}/complete", data=spiral.answers("course_goal"))

    assert response.status_code in (403, 409)
    assert spiral.tasks(goal_task.instance_id, status=None) == before


def test_another_teacher_cannot_complete_a_course_leads_task(spiral, goal_task):
    colleague = spiral.client_for("wangfang")
    before = spiral.tasks(goal_task.instance_id, status=None)

    response = colleague.post(f"/tasks/{goal_task.id}/complete", data=spiral.answers("course_goal"))

    assert response.status_code in (403, 409)
    assert spiral.tasks(goal_task.instance_id, status=None) == before


@pytest.fixture
def csrf_app(tmp_path):
    """The app as it runs for real: CSRF protection on."""
    now = datetime(2025, 9, 26, 10, 0)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite'}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "SPIRAL_NOW": now.isoformat()})
    with app.app_context():
        create_schema(db.engine)
        seed_org(db.session)
        deploy_shipped(db.session, now)
        instance = start_cycle(db.session, None, "course_cycle", "C-WDYY", "2025-2026-1", now)
        goal_task_id = db.session.scalars(select(HumanTask.id).filter_by(instance_id=instance.id)).one()
    yield app, goal_task_id
    with app.app_context():
        db.engine.dispose()


def _token(response) -> str:
    tree = lxml.html.fromstring(response.get_data(as_text=True))
    return tree.xpath('//input[@name="csrf_token"]/@value')[0]


def _task_status(app, task_id: int) -> str:
    with app.app_context():
        return db.session.get(HumanTask, task_id).status


def test_task_post_without_csrf_token_is_refused_and_changes_nothing(csrf_app):
    app, task_id = csrf_app
    client = app.test_client()
    token = _token(client.get("/login"))
    assert client.post("/login", data={"username": "chenxiaoyu", "password": "demo123",
                                       "csrf_token": token}).status_code == 302

    response = client.post(f"/tasks/{task_id}/complete", data={"goal_text": "没有令牌的提交"})

    assert response.status_code == 400
    assert _task_status(app, task_id) == "open"


def test_login_without_csrf_token_is_refused(csrf_app):
    client = csrf_app[0].test_client()

    response = client.post("/login", data={"username": "chenxiaoyu", "password": "demo123"})

    assert response.status_code == 400
    assert client.get("/inbox").status_code == 302


def test_task_post_with_the_pages_csrf_token_goes_through(csrf_app, form_answers):
    app, task_id = csrf_app
    client = app.test_client()
    client.post("/login", data={"username": "chenxiaoyu", "password": "demo123",
                                "csrf_token": _token(client.get("/login"))})
    token = _token(client.get(f"/tasks/{task_id}"))

    response = client.post(f"/tasks/{task_id}/complete",
                           data={**form_answers("course_goal"), "csrf_token": token})

    assert response.status_code == 302
    assert _task_status(app, task_id) == "done"
