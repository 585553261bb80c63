"""Item 7: the JSON API (issue 16), measured in-process through Flask's test client (server time, no network).

(a) `GET /api/v1/tasks?assignee=…` for a province's people among 1,000,000 human_task rows (item 4's data), goal
p95 ≤ 20 ms; (b) a completion through `POST /api/v1/tasks/{id}/complete` (JSON) against the page's POST of the
same form (multipart, as the browser sends it), alternating on twin tasks, goal API ≤ 1.2 × page.
"""
from __future__ import annotations

import io
import random
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from engine.org.models import Person
from engine.org.people import find_person
from engine.org.tokens import create_token
from engine.workflow.cycle_counts import recount
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import SAMPLE_PDF, sample_answers
from forms import encode_form_post

from .common import SEED, T0, Timer, form_of, fresh_database, load_note, table
from .province import NOW, PEOPLE_PER_SCHOOL, ROWS, SCHOOLS, _bulk

REPEAT = 50
TWINS = {"small": 8, "medium": 16, "large": 24}


def _app(database: Path, folder: Path) -> Any:
    from web import create_app
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                       "UPLOAD_DIR": str(folder / "uploads"), "SPIRAL_NOW": NOW.isoformat(),
                       "WTF_CSRF_ENABLED": False, "SCHEDULER_ENABLED": False, "API_RATE_PER_MINUTE": 10**6})


def _token(sessions: Any, username: str) -> str:
    with sessions() as session:
        _row, secret = create_token(session, None, find_person(session, username), "bench", "write", NOW)
        return secret


def _list_queries(folder: Path, size: str) -> tuple[str, Timer, Timer]:
    db_engine, sessions = fresh_database(folder / "api-province")
    facts = _bulk(db_engine, ROWS[size], SCHOOLS[size])
    with db_engine.begin() as conn:
        recount(conn)
        conn.execute(text("ANALYZE"))
    rng = random.Random(SEED)
    with sessions() as session:
        people = [session.get(Person, facts["person0"] + rng.randrange(SCHOOLS[size] * PEOPLE_PER_SCHOOL)).username
                  for _ in range(REPEAT)]
    secret = _token(sessions, "zhaohong")  # the quality office: the query itself filters by assignee
    client = _app(folder / "api-province" / "spiral.sqlite", folder).test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    listed, counted = Timer(), Timer()
    for username in people:
        with listed:
            answer = client.get(f"/api/v1/tasks?assignee={username}", headers=headers)
        assert answer.status_code == 200, answer.data
        with counted:
            assert client.get(f"/api/v1/tasks/count?assignee={username}", headers=headers).status_code == 200
    return f"{ROWS[size]:,} human_task rows, {SCHOOLS[size]} schools", listed, counted


def _completions(folder: Path, size: str) -> tuple[int, Timer, Timer]:
    db_engine, sessions = fresh_database(folder / "api-complete", copies=max(1, TWINS[size] // 8))
    with sessions() as session:
        courses = [code for (code,) in session.execute(text("SELECT code FROM subject WHERE level = 'course' "
                                                            "ORDER BY code"))][:TWINS[size] * 2]
        for code in courses:
            start_cycle(session, None, "course_cycle", code, "2025-2026-1", T0)
    app = _app(folder / "api-complete" / "spiral.sqlite", folder)
    with sessions() as session:
        tasks = list(session.execute(select(HumanTask.id, HumanTask.form_id, Person.username)
                                     .join(Person, Person.id == HumanTask.assignee_id)
                                     .where(HumanTask.status == "open").order_by(HumanTask.id)))
    tokens: dict[str, str] = {}
    page, api = Timer(), Timer()
    for index, (task_id, form_id, username) in enumerate(tasks):
        form = form_of(form_id)
        answers = sample_answers(form)
        if index % 2 == 0:
            client = app.test_client()
            with sessions() as session:
                user_id = find_person(session, username).get_id()
            with client.session_transaction() as cookie:
                cookie["_user_id"], cookie["_fresh"] = user_id, True
            data: dict[str, Any] = {}
            for name, value in encode_form_post(form, answers):
                data.setdefault(name, []).append(value)
            for key in form.file_fields:
                data[key] = (io.BytesIO(SAMPLE_PDF), "evidence.pdf")
            with page:
                answer = client.post(f"/tasks/{task_id}/complete", data=data, content_type="multipart/form-data")
            assert answer.status_code == 302, answer.data[:300]
        else:
            secret = tokens.setdefault(username, _token(sessions, username))
            body = {k: v for k, v in answers.items() if k not in form.file_fields}
            with api:
                answer = app.test_client().post(f"/api/v1/tasks/{task_id}/complete", json={"data": body},
                                                headers={"Authorization": f"Bearer {secret}"})
            assert answer.status_code == 200, answer.data[:300]
    return len(tasks), page, api


def bench_api(folder: Path, size: str) -> list[str]:
    """Item 7's two tables."""
    started = time.perf_counter()
    what, listed, counted = _list_queries(folder, size)
    note = load_note()
    out = [table(f"7. The JSON API — GET /api/v1/tasks?assignee=… among {what}, {REPEAT} people, in-process "
                 f"({note}; data built in {time.perf_counter() - started:.0f} s)",
                 ["request", "runs", "p50 ms", "p95 ms (goal ≤ 20)", "mean ms"],
                 [("GET /api/v1/tasks?assignee=…", len(listed.samples), listed.pct(50), listed.pct(95), listed.mean),
                  ("GET /api/v1/tasks/count?assignee=…", len(counted.samples), counted.pct(50), counted.pct(95),
                   counted.mean)])]
    n, page, api = _completions(folder, size)
    ratio = api.mean / page.mean if page.mean else float("nan")
    out.append(table(f"7. A completion of 制定课程建设目标: the page's multipart POST against the API's JSON POST, "
                     f"alternating over {n} twin tasks, in-process ({load_note()}); API/page = {ratio:.2f} "
                     f"(goal ≤ 1.2)", ["path", "runs", "p50 ms", "p95 ms", "mean ms"],
                     [("POST /tasks/{id}/complete (page, multipart)", len(page.samples), page.pct(50), page.pct(95),
                       page.mean),
                      ("POST /api/v1/tasks/{id}/complete (JSON)", len(api.samples), api.pct(50), api.pct(95),
                       api.mean)]))
    return out
