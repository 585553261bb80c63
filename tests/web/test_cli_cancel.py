"""`spiral cancel`: the quality office cancels a running cycle from the shell; its notices are settled;
a refusal is one line and a non-zero exit."""
from __future__ import annotations

import pytest

import web.cli
from tests.engine.test_deploy import process, props
from tests.web.test_cli import spiral_command  # noqa: F401 - the fixture is shared
from tests.web.test_cli_ladder import _json


def test_quality_office_cancels_a_cycle_and_its_notices_are_settled(runner, tmp_path):
    bpmn = tmp_path / "plan.bpmn"
    bpmn.write_bytes(process(task_props=props(stage="design", due="P5D", dueCalendar="working")))
    assert runner.invoke(args=["deploy", str(bpmn)]).exit_code == 0
    started = runner.invoke(args=["start", "my_review", "--subject", "C-WDYY", "--period", "2025-2026-1",
                                  "--now", "2025-09-26T10:00"])
    cycle_id = int(started.output.split("#")[1].split("：")[0])
    assert runner.invoke(args=["tick", "--now", "2025-10-11T08:00"]).exit_code == 0
    assert _json(runner.invoke(args=["notices", "--status", "active", "--json"]))  # the late task is supervised

    result = runner.invoke(args=["cancel", str(cycle_id), "--reason", " 专业停招 ", "--user", "zhaohong",
                                 "--now", "2025-10-11T09:00"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"已取消周期 #{cycle_id}：专业停招"]
    assert _json(runner.invoke(args=["notices", "--status", "active", "--json"])) == []
    assert _json(runner.invoke(args=["tasks", "--json"])) == []


def test_cancel_refusals_are_one_line_and_exit_non_zero(spiral_command, tmp_path):  # noqa: F811
    bpmn = tmp_path / "plan.bpmn"
    bpmn.write_bytes(process(task_props=props(stage="design", due="P5D")))
    assert spiral_command("deploy", str(bpmn)).returncode == 0
    started = spiral_command("start", "my_review", "--subject", "C-WDYY", "--period", "2025-2026-1")
    cycle_id = started.stdout.split("#")[1].split("：")[0]

    def refusal(*args: str) -> list[str]:
        result = spiral_command("cancel", *args)
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        return result.stderr.splitlines()

    assert refusal("99999", "--reason", "重复", "--user", "zhaohong") == ["错误：诊改周期 #99999 不存在"]
    assert refusal(cycle_id, "--reason", "重复", "--user", "chenxiaoyu") == ["错误：只有质量管理办公室可以取消诊改周期"]
    assert refusal(cycle_id, "--reason", " ", "--user", "zhaohong") == [
        "错误：请填写取消原因（不超过 500 字）（reason: 请填写取消原因）"]
    assert spiral_command("cancel", cycle_id, "--reason", "重复", "--user", "zhaohong").returncode == 0
    assert refusal(cycle_id, "--reason", "重复", "--user", "zhaohong") == [
        f"错误：周期 #{cycle_id} 不在进行中，不能取消"]


def test_an_unexpected_error_is_one_line_in_the_shell_and_a_traceback_in_the_log(tmp_path, monkeypatch, capsys):
    instance = tmp_path / "instance"
    monkeypatch.setenv("SPIRAL_INSTANCE", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)

    def broken(username: str):
        raise RuntimeError("the directory is on fire\nsecond line")
    monkeypatch.setattr(web.cli, "_person", broken)

    with pytest.raises(SystemExit) as exit_:
        web.cli.main.main(args=["complete", "1", "--user", "chenxiaoyu"], prog_name="spiral")

    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith("错误：RuntimeError: the directory is on fire") and "spiral-cli.log" in line
    log = (instance / "spiral-cli.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "the directory is on fire" in log and "in broken" in log
