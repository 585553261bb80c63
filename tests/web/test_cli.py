"""The `spiral` command line: the same services as the pages, answering in JSON or one line of error."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from engine.assembly import build_engine, session_factory
from engine.db.migrate import head
from engine.db.session import make_engine
from engine.demo.school import seed_org
from engine.tables import create_schema
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers
from forms import default_registry
from web.extensions import db

TASK_KEYS = {"id", "title", "process", "stage", "subject", "assignee", "candidates", "due", "status"}


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_subjects_are_listed_as_json(runner):
    subjects = _json(runner.invoke(args=["subjects", "--json"]))

    assert {"code": "C-WDYY", "name": "网店运营", "level": "course", "unit": "网店运营"} in subjects


def test_people_holding_a_role_are_listed_as_json(runner):
    people = _json(runner.invoke(args=["people", "--role", "课程负责人", "--json"]))

    usernames = {p["username"] for p in people}
    assert {"chenxiaoyu", "wangfang", "lijun"} <= usernames
    assert "liuxin" not in usernames and "hanxue" not in usernames


def test_course_lead_lists_her_tasks_as_json(runner, goal_task):
    tasks = _json(runner.invoke(args=["tasks", "--user", "chenxiaoyu", "--json"]))

    (task,) = tasks
    assert TASK_KEYS <= set(task)
    assert {k: task[k] for k in ("id", "process", "stage", "subject", "assignee", "status")} == {
        "id": goal_task.id, "process": "course_cycle", "stage": "goal", "subject": "C-WDYY",
        "assignee": "chenxiaoyu", "status": "open"}
    assert task["due"].startswith("2025-10-16")


def test_course_lead_completes_her_task_from_the_shell(app, spiral, runner, goal_task):
    data = json.dumps(sample_answers(default_registry().get("course_goal")), ensure_ascii=False)

    result = runner.invoke(args=["complete", str(goal_task.id), "--user", "chenxiaoyu", "--data", data,
                                 "--now", "2025-09-29T09:00"])

    assert result.exit_code == 0, result.output
    assert "已完成任务" in result.output
    assert "审核课程建设目标" in result.output and "hanxue" in result.output
    with app.app_context():
        done = db.session.get(HumanTask, goal_task.id)
        assert (done.status, done.completed_at) == ("done", datetime(2025, 9, 29, 9, 0))


def test_data_that_is_not_json_is_refused_in_one_line(spiral, runner, goal_task):
    result = runner.invoke(args=["complete", str(goal_task.id), "--user", "chenxiaoyu",
                                 "--data", "{goal_text:"])

    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if "--data" in line and "JSON" in line]
    assert len(errors) == 1
    assert "Traceback" not in result.output
    assert spiral.task(goal_task.id).status == "open"


def _spiral_script(tmp_path: Path, instance: Path):
    """Run the installed `spiral` script on `instance` (DATABASE_URL unset, so its SQLite file is used)."""
    script = Path(sys.executable).parent / "spiral"
    if not script.exists():
        pytest.skip(f"the console script is not installed at {script}")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["SPIRAL_INSTANCE"] = str(instance)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=60)
    return run


@pytest.fixture
def spiral_command(tmp_path):
    """The `spiral` script on a fresh instance folder holding the demo org."""
    instance = tmp_path / "instance"
    instance.mkdir()
    db_engine = make_engine(f"sqlite:///{instance / 'spiral.sqlite'}")
    create_schema(db_engine)
    with session_factory(db_engine, build_engine(upload_dir=tmp_path / "uploads"))() as session:
        seed_org(session)
    db_engine.dispose()
    return _spiral_script(tmp_path, instance)


def test_shell_gets_one_line_of_error_and_no_traceback(spiral_command):
    result = spiral_command("complete", "99999", "--user", "nobody")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误")
    assert "nobody" in line


def test_shell_is_told_when_a_task_does_not_exist(spiral_command):
    result = spiral_command("complete", "99999", "--user", "chenxiaoyu", "--data", "{}")

    assert result.returncode == 1
    assert result.stderr.splitlines() == ["错误：任务 #99999 不存在"]


def test_shell_gets_one_line_even_before_the_database_is_created(tmp_path):
    run = _spiral_script(tmp_path, tmp_path / "empty")

    result = run("complete", "1", "--user", "nobody")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_release_0_1_database_is_upgraded_from_the_shell_and_keeps_working(tmp_path):
    from engine.db.migrate import head
    from tests.engine.test_migrations import load_release_0_1
    instance = tmp_path / "instance"
    instance.mkdir()
    load_release_0_1(instance / "spiral.sqlite").dispose()
    run = _spiral_script(tmp_path, instance)

    upgraded = run("db", "upgrade")

    assert upgraded.returncode == 0, upgraded.stderr
    assert f"最新版本：{head()}" in upgraded.stdout
    again = run("init-db")
    assert again.returncode == 0 and f"结构版本 {head()}" in again.stdout
    notices = run("notices", "--status", "all", "--json")
    assert notices.returncode == 0 and len(json.loads(notices.stdout)) == 22


def test_a_developer_writes_the_next_migration_script_from_the_shell(runner, tmp_path, monkeypatch):
    import shutil

    from engine.db import migrate
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    script = f"{int(head()) + 1:04d}_move_the_deadlines.py"  # after the shipped scripts

    result = runner.invoke(args=["db", "revision", "-m", "move the deadlines", "--empty"])

    assert result.exit_code == 0, result.output
    assert script in result.output
    assert (folder / "versions" / script).exists()


def test_the_scheduler_loop_logs_a_failing_tick_and_ticks_again(caplog):
    import threading

    from web.scheduler import tick_forever
    stop = threading.Event()
    calls = []

    def tick() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise SystemExit(0)
        if len(calls) == 2:
            raise RuntimeError("database away")
        stop.set()

    tick_forever(tick, 0, stop)
    assert len(calls) == 3
    failures = [r for r in caplog.records if "scheduler tick failed" in r.getMessage()]
    assert len(failures) == 2 and all(r.exc_info for r in failures)
