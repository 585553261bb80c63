"""No evidence file outlives its completion: a rolled-back completion removes what it wrote, a crash mid-write
leaves no half file under a stored name, and `spiral uploads sweep` clears files no evidence names."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.workflow import uploads
from engine.workflow.models import Evidence
from engine.workflow.uploads import UploadStore
from tests.web.test_uploads import _kept, _post_file
from web.extensions import db

PDF = b"%PDF-1.4\n" + b"1" * 4096


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_completion_whose_script_fails_leaves_no_file(app, spiral, implement_task, monkeypatch):
    from engine.errors import ScriptError
    from engine.workflow.runtime import Runtime

    def failing(*_args, **_kwargs):
        raise ScriptError("脚本出错：测试")
    monkeypatch.setattr(Runtime, "complete", failing)
    before = _kept(app, implement_task)
    response = _post_file(spiral, implement_task, "证明.pdf", PDF)
    assert response.status_code != 500
    assert _kept(app, implement_task) == before


def test_a_write_cut_short_leaves_nothing_under_the_stored_name(tmp_path, monkeypatch):
    def crash(*_args):
        raise OSError("设备已满")
    monkeypatch.setattr(uploads.os, "replace", crash)
    store = UploadStore(tmp_path)
    with pytest.raises(OSError):
        store.write(7, "证明.pdf", PDF)
    assert list((tmp_path / "7").iterdir()) == []  # neither the file nor its temporary part


def _left_behind(app, instance_id: int, name: str, age: float) -> Path:
    folder = Path(app.config["UPLOAD_DIR"]) / str(instance_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"crash")
    _age(path, age)
    return path


def test_the_sweep_removes_old_files_no_evidence_names_and_keeps_the_rest(app, spiral, implement_task, runner):
    assert _post_file(spiral, implement_task, "证明.pdf", PDF).status_code in (302, 303)
    with app.app_context():
        stored = Path(db.session.scalars(select(Evidence.stored_path)
                                         .where(Evidence.task_id == implement_task.id)).one())
    for earlier in stored.parent.iterdir():  # the cycle's evidence, stored long ago
        _age(earlier, 7200)
    orphan = _left_behind(app, implement_task.instance_id, "0123456789abcdef-崩溃.pdf", 7200)
    part = _left_behind(app, implement_task.instance_id, ".part-deadbeef", 7200)
    young = _left_behind(app, implement_task.instance_id, "fedcba9876543210-写入中.pdf", 10)

    listed = runner.invoke(args=["uploads", "sweep", "--dry-run"])
    assert listed.exit_code == 0 and "将清理 2 个" in listed.output
    assert orphan.exists() and part.exists()

    swept = runner.invoke(args=["uploads", "sweep"])
    assert swept.exit_code == 0 and "已清理 2 个" in swept.output
    assert not orphan.exists() and not part.exists()
    assert stored.exists() and young.exists()  # named by a row; maybe a completion still running
