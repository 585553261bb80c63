"""The ladder from the shell: `spiral tick --now` walks a task up its rungs; `spiral notices` lists them;
`spiral scheduler` ticks on its own."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.engine.test_deploy import process, props
from tests.web.test_cli import spiral_command  # noqa: F401 - the fixture is shared


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_five_working_day_task_turns_yellow_orange_and_red_on_the_ladders_days(runner, tmp_path):
    bpmn = tmp_path / "plan.bpmn"
    bpmn.write_bytes(process(task_props=props(stage="design", due="P5D", dueCalendar="working")))
    assert runner.invoke(args=["deploy", str(bpmn)]).exit_code == 0
    started = runner.invoke(args=["start", "my_review", "--subject", "C-WDYY", "--period", "2025-2026-1",
                                  "--now", "2025-09-26T10:00"])
    assert started.exit_code == 0, started.output

    def rung_after_tick(at: str) -> str:
        assert runner.invoke(args=["tick", "--now", at]).exit_code == 0
        [task] = [t for t in _json(runner.invoke(args=["tasks", "--json"])) if t["title"] == "写计划"]
        assert task["due"] == "2025-10-10T23:59:59"
        return task["rung"]

    days = {"2025-09-30T23:00": "none", "2025-10-08T23:00": "none", "2025-10-09T23:00": "yellow",
            "2025-10-10T12:00": "orange", "2025-10-11T08:00": "red", "2025-10-13T08:00": "red"}
    assert {at: rung_after_tick(at) for at in days} == days

    notices = _json(runner.invoke(args=["notices", "--json"]))
    assert [(n["colour"], n["status"]) for n in notices] == [("yellow", "escalated"), ("orange", "escalated"),
                                                             ("red", "open")]
    assert {n["responsible"] for n in notices} == {"chenxiaoyu"}
    assert [n["supervisor"] for n in notices] == ["hanxue", "liming", "wangjianguo"]
    table = runner.invoke(args=["notices"]).output.splitlines()
    assert len(table) == 3 and "红色问责单" in table[2]


def test_the_standalone_scheduler_ticks_by_itself(spiral_command, tmp_path):  # noqa: F811
    instance = tmp_path / "instance"
    (instance / "config.py").write_text('SPIRAL_NOW = "2025-10-30T09:00"\n')
    bpmn = tmp_path / "plan.bpmn"
    bpmn.write_bytes(process(task_props=props(stage="design", due="P5D", dueCalendar="working")))
    assert spiral_command("deploy", str(bpmn)).returncode == 0
    assert spiral_command("start", "my_review", "--subject", "C-WDYY", "--period", "2025-2026-1",
                          "--now", "2025-09-26T10:00").returncode == 0
    env = {**os.environ, "SPIRAL_INSTANCE": str(instance)}
    env.pop("DATABASE_URL", None)
    scheduler = subprocess.Popen([str(Path(sys.executable).parent / "spiral"), "scheduler", "--seconds", "1"],
                                 env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:  # the scheduler runs on the wall clock; wait (at most 30 s) for its first ticks to land
        for _ in range(60):
            notices = json.loads(spiral_command("notices", "--json").stdout or "[]")
            if len(notices) == 3:
                break
            time.sleep(0.5)
    finally:
        scheduler.terminate()
        output = scheduler.communicate(timeout=20)[0]
    assert "调度器已启动" in output
    assert [n["colour"] for n in notices] == ["yellow", "orange", "red"]
