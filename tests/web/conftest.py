"""Helpers for the web stories: start and drive cycles with engine calls, post forms as a browser would,
and look at pages through lxml."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import lxml.html
import pytest
from flask import has_app_context
from sqlalchemy import select

from engine.definitions.specs import form_registry
from engine.org.people import find_person
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from engine.workflow.uploads import UploadStore
from forms import default_registry, encode_form_post
from web.extensions import db

PERIOD = "2025-2026-1"


@dataclass(frozen=True)
class TaskRow:
    """What a test needs to know about a task row, read in its own app context."""

    id: int
    instance_id: int
    title: str
    status: str
    stage: str
    form_id: str | None
    assignee: str | None
    candidates: tuple[str, ...]
    completed_by: str | None


def html_post(form: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """The fields a browser posts for `answers` in `form`, as the test client takes them."""
    posted: dict[str, Any] = {}
    for name, value in encode_form_post(form, answers):
        posted[name] = [*posted[name], value] if isinstance(posted.get(name), list) else (
            [posted[name], value] if name in posted else value)
    return posted


def posted_answers(form_id: str, **choices: Any) -> dict[str, Any]:
    """Valid answers to a form, as the browser would post them."""
    registry = form_registry(db.session) if has_app_context() else default_registry()
    form = registry.get(form_id)
    return html_post(form, sample_answers(form, choices))


@pytest.fixture
def form_answers():
    """posted_answers, for tests that run their own app."""
    return posted_answers


class Spiral:
    """The school seen from the tests: start cycles, move them on, read task rows, log people in."""

    def __init__(self, app: Any) -> None:
        self.app, self._db = app, db

    def now(self) -> datetime:
        return datetime.fromisoformat(self.app.config["SPIRAL_NOW"])

    def start(self, subject: str = "C-WDYY", process_id: str = "course_cycle") -> int:
        with self.app.app_context():
            return start_cycle(self._db.session, None, process_id, subject, PERIOD, self.now()).id

    def tasks(self, instance_id: int, status: str | None = "open") -> list[TaskRow]:
        with self.app.app_context():
            query = select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.id)
            if status:
                query = query.where(HumanTask.status == status)
            return [self._row(t) for t in self._db.session.scalars(query)]

    def task(self, task_id: int) -> TaskRow:
        with self.app.app_context():
            return self._row(self._db.session.get(HumanTask, task_id))

    def open_task(self, instance_id: int, title: str) -> TaskRow:
        (found,) = [t for t in self.tasks(instance_id) if t.title == title]
        return found

    def advance_to(self, instance_id: int, title: str) -> TaskRow:
        """Complete the cycle's open tasks with sample answers (approving reviews) until `title` is open."""
        with self.app.app_context():
            session, at = self._db.session, self.now()
            for _ in range(20):
                task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                               HumanTask.status == "open")
                                       .order_by(HumanTask.id)).first()
                assert task is not None, f"the cycle ended before “{title}”"
                if task.title == title:
                    return self._row(task)
                form = form_registry(session).get(task.form_id)
                at += timedelta(hours=1)
                complete_task(session, task.assignee or task.candidates[0], task.id,
                              sample_answers(form, {"decision": "approve"}), at, uploads=sample_uploads(form))
        raise AssertionError(f"“{title}” never came")

    def answers(self, form_id: str, **choices: Any) -> dict[str, Any]:
        return posted_answers(form_id, **choices)

    def client_for(self, username: str) -> Any:
        """A browser session signed in as `username` (test_auth.py logs in through the page; this skips the
        password hash, which costs a tenth of a second per login)."""
        with self.app.app_context():
            person = find_person(self._db.session, username)
            assert person is not None, f"no such person {username}"
            user_id = person.get_id()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, True
        return client

    @staticmethod
    def page(response: Any) -> Any:
        """The response body as an lxml tree (xpath works on it)."""
        return lxml.html.fromstring(response.get_data(as_text=True))

    @staticmethod
    def _row(task: HumanTask) -> TaskRow:
        return TaskRow(task.id, task.instance_id, task.title, task.status, task.stage, task.form_id,
                       task.assignee.username if task.assignee else None,
                       tuple(p.username for p in task.candidates),
                       task.completed_by.username if task.completed_by else None)


@pytest.fixture
def spiral(app) -> Spiral:
    return Spiral(app)


@pytest.fixture
def goal_task(spiral) -> TaskRow:
    """网店运营's course cycle just started: 陈晓雨 holds 制定课程建设目标."""
    return spiral.open_task(spiral.start("C-WDYY"), "制定课程建设目标")


@pytest.fixture
def implement_task(spiral) -> TaskRow:
    """网店运营's cycle driven to 实施教学并上传佐证, offered to 陈晓雨 and 王芳."""
    return spiral.advance_to(spiral.start("C-WDYY"), "实施教学并上传佐证")


@pytest.fixture
def small_uploads(app):
    """Uploads are capped at 1 MB for the test; the previous limit comes back afterwards."""
    assembled = app.extensions["spiral"]
    previous = app.config["MAX_UPLOAD_MB"], assembled.uploads
    app.config["MAX_UPLOAD_MB"] = 1
    assembled.uploads = UploadStore(previous[1].root, 1)
    yield 1
    app.config["MAX_UPLOAD_MB"], assembled.uploads = previous
