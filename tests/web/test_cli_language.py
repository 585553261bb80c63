"""The shell is answered in one language: click's own refusals (missing option, bad value, unknown command) are
one Chinese line like the engine's, never "Error:" before a Chinese sentence."""
from __future__ import annotations

import pytest

import web.cli


def _refusal(capsys, monkeypatch, tmp_path, *args: str) -> tuple[int, list[str]]:
    monkeypatch.setenv("SPIRAL_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(SystemExit) as exit_:
        web.cli.main.main(args=list(args), prog_name="spiral")
    return int(exit_.value.code or 0), capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("args", "line"), [
    (("complete",), "错误：缺少参数 TASK_ID（用法见 spiral complete --help）"),
    (("complete", "abc", "--user", "x"), "错误：TASK_ID 的值无效：abc 不是整数（用法见 spiral complete --help）"),
    (("complete", "1", "--usr", "x"), "错误：没有选项 --usr（是否想用 --user？）（用法见 spiral complete --help）"),
    (("nosuch",), "错误：没有命令 nosuch（用法见 spiral --help）"),
    (("tick", "--now", "yesterday"), "错误：值无效：--now 应为 ISO 时间，例如 2025-09-26T10:00：yesterday"
                                     "（用法见 spiral tick --help）"),
])
def test_a_usage_error_is_one_chinese_line(capsys, monkeypatch, tmp_path, args, line):
    code, err = _refusal(capsys, monkeypatch, tmp_path, *args)

    assert code == 2
    assert err == [line]


def test_a_missing_file_is_said_in_chinese(capsys, monkeypatch, tmp_path):
    code, err = _refusal(capsys, monkeypatch, tmp_path, "import", str(tmp_path / "none.xlsx"))

    assert code == 2
    (line,) = err
    assert line.startswith("错误：FILE 的值无效：") and line.endswith("none.xlsx 不存在（用法见 spiral import --help）")
    assert "Error" not in line
