"""`spiral backup` and `spiral restore`: the database and the uploaded evidence travel together in one archive,
come back in a fresh instance folder, and an archive that is not a Spiral backup for this database is refused
in one line with nothing changed."""
from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from engine.backup import BackupError
from engine.workflow.models import Evidence, HumanTask, ProcessInstance
from tests.conftest import T0
from web.extensions import db

EVIDENCE = "%PDF-1.4\n网店运营 实施佐证 第 1 周\n".encode() + bytes(range(256)) * 64


def _upload_evidence(spiral, task) -> None:
    """陈晓雨 completes 实施教学并上传佐证 with a file, as the browser posts it."""
    data = {**spiral.answers("course_implement"),
            "impl_evidence": FileStorage(io.BytesIO(EVIDENCE), "实施佐证.pdf", content_type="application/pdf")}
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    response = spiral.client_for("chenxiaoyu").post(
        f"/tasks/{task.id}/complete", input_stream=body, content_length=length,
        content_type=f'multipart/form-data; boundary="{boundary}"')
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]


def _state(app) -> dict:
    """What a restore must bring back: cycles, tasks (title, status, who), evidence (name, bytes)."""
    with app.app_context():
        cycles = [(i.id, i.subject.code, i.period, i.status) for i in db.session.scalars(
            select(ProcessInstance).order_by(ProcessInstance.id))]
        tasks = [(t.id, t.instance_id, t.title, t.status) for t in db.session.scalars(
            select(HumanTask).order_by(HumanTask.id))]
        evidence = [(e.id, e.task_id, e.filename, Path(e.stored_path).read_bytes()) for e in db.session.scalars(
            select(Evidence).order_by(Evidence.id))]
    return {"cycles": cycles, "tasks": tasks, "evidence": evidence}


def _files(app) -> int:
    return sum(1 for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def _fresh_app(folder: Path, monkeypatch, database_url: str | None = None):
    """A second Spiral on another instance folder, as on the machine a backup is brought back to."""
    from web import create_app
    monkeypatch.setenv("SPIRAL_INSTANCE", str(folder))
    return create_app({
        "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "SPIRAL_NOW": T0.isoformat(),
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'spiral.sqlite'}",
        "UPLOAD_DIR": str(folder / "uploads"), "FORMS_DIR": str(folder / "forms"),
    })


@pytest.fixture
def school_with_evidence(app, spiral):
    """网店运营's cycle past 实施教学并上传佐证, completed with an evidence file."""
    task = spiral.advance_to(spiral.start("C-WDYY"), "实施教学并上传佐证")
    _upload_evidence(spiral, task)
    state = _state(app)
    assert [e[3] for e in state["evidence"] if e[1] == task.id] == [EVIDENCE]
    return task, state


def test_a_backup_brings_back_the_cycle_its_tasks_and_the_evidence_in_a_fresh_instance(
        app, runner, school_with_evidence, tmp_path, monkeypatch):
    task, before = school_with_evidence
    archive = tmp_path / "spiral-backup.tar.gz"

    made = runner.invoke(args=["backup", str(archive)])

    assert made.exit_code == 0, made.output
    assert "备份完成" in made.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json" and "database.sqlite" in names
    assert any(n.startswith(f"uploads/{task.instance_id}/") and n.endswith("实施佐证.pdf") for n in names)
    assert manifest["format"] == "spiral-backup" and manifest["version"] == 1
    assert manifest["database"] == "sqlite" and manifest["uploads"] == _files(app) and manifest["created"]

    other = tmp_path / "elsewhere"
    restored_app = _fresh_app(other, monkeypatch)
    restored = restored_app.test_cli_runner()
    assert restored.invoke(args=["init-db"]).exit_code == 0

    result = restored.invoke(args=["restore", str(archive), "--yes"])

    assert result.exit_code == 0, result.output
    assert "恢复完成" in result.output
    after = _state(restored_app)
    assert after == before
    assert ("C-WDYY", "2025-2026-1") in {(c[1], c[2]) for c in after["cycles"]}
    assert {t[0]: t[3] for t in after["tasks"]}[task.id] != "open"  # done, with the next step open
    with restored_app.app_context():
        stored = db.session.scalars(select(Evidence.stored_path)).all()
    assert stored and all(Path(s).is_relative_to(other / "uploads") for s in stored)  # this instance's folder
    # and the restored instance serves the file to the person who uploaded it
    client = restored_app.test_client()
    with restored_app.app_context():
        from engine.org.people import find_person
        user_id = find_person(db.session, "chenxiaoyu").get_id()
        evidence_id = db.session.scalar(select(Evidence.id).where(Evidence.task_id == task.id))
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    with client.get(f"/evidence/{evidence_id}") as download:
        assert download.status_code == 200 and download.data == EVIDENCE
    with restored_app.app_context():
        db.engine.dispose()


def test_restore_replaces_what_the_instance_held_since(app, spiral, runner, school_with_evidence, tmp_path):
    _, before = school_with_evidence
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    spiral.start("C-PY")  # a cycle started after the backup
    stray = Path(app.config["UPLOAD_DIR"]) / "stray.txt"
    stray.write_text("after the backup")

    result = runner.invoke(args=["restore", str(archive), "--yes"])

    assert result.exit_code == 0, result.output
    assert _state(app) == before
    assert not stray.exists()
    assert not [p for p in Path(app.config["UPLOAD_DIR"]).iterdir() if p.name.startswith(".")]


def _tar(path: Path, entries: dict[str, bytes], kinds: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, body in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        for name, target in (kinds or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target.decode()
            tar.addfile(info)
    return path


def _manifest(**changes) -> bytes:
    manifest = {"format": "spiral-backup", "version": 1, "created": "2025-09-26T10:00:00+08:00",
                "database": "sqlite", "upload_dir": "/srv/spiral/uploads", "uploads": 0, **changes}
    return json.dumps(manifest).encode()


BAD_ARCHIVES = {
    "not_an_archive": (lambda p: (p.write_bytes(b"PK\x03\x04 not a backup at all"), p)[1], "不是 Spiral 备份文件"),
    "no_manifest": (lambda p: _tar(p, {"database.sqlite": b"x"}), "缺少 manifest.json"),
    "someone_elses_manifest": (lambda p: _tar(p, {"manifest.json": b'{"format": "other"}',
                                                  "database.sqlite": b"x"}), "不是 Spiral"),
    "postgresql_backup": (lambda p: _tar(p, {"manifest.json": _manifest(database="postgresql"),
                                             "database.pgdump": b"PGDMP"}), "postgresql"),
    "newer_format": (lambda p: _tar(p, {"manifest.json": _manifest(version=99), "database.sqlite": b"x"}),
                     "升级 Spiral"),
    "no_database": (lambda p: _tar(p, {"manifest.json": _manifest()}), "缺少数据库文件"),
    "path_outside": (lambda p: _tar(p, {"manifest.json": _manifest(), "database.sqlite": b"x",
                                        "uploads/../../evil.txt": b"x"}), "不允许的条目"),
    "symlink": (lambda p: _tar(p, {"manifest.json": _manifest(), "database.sqlite": b"x"},
                               {"uploads/1/link": b"/etc/passwd"}), "不允许的条目"),
    "database_not_sqlite": (lambda p: _tar(p, {"manifest.json": _manifest(), "database.sqlite": b"x" * 4096}),
                            "已损坏"),
}


@pytest.mark.parametrize("case", list(BAD_ARCHIVES))
def test_an_archive_that_is_not_a_spiral_backup_for_this_database_is_refused_and_changes_nothing(
        app, runner, school_with_evidence, tmp_path, case):
    make, reason = BAD_ARCHIVES[case]
    bad = make(tmp_path / f"{case}.tar.gz")
    uploads = Path(app.config["UPLOAD_DIR"])
    files_before = sorted((p.relative_to(uploads), p.read_bytes()) for p in uploads.rglob("*") if p.is_file())
    around_db = sorted(os.listdir(tmp_path))
    _, before = school_with_evidence

    result = runner.invoke(args=["restore", str(bad), "--yes"])

    assert result.exit_code == 1
    assert isinstance(result.exception, BackupError), result.output
    message = result.exception.message
    assert reason in message and "\n" not in message
    assert _state(app) == before
    assert sorted((p.relative_to(uploads), p.read_bytes()) for p in uploads.rglob("*") if p.is_file()) == files_before
    assert sorted(os.listdir(tmp_path)) == around_db  # no temporary file left beside the database


def test_a_database_another_process_still_has_open_is_not_replaced(app, runner, school_with_evidence, tmp_path):
    import sqlite3
    _, before = school_with_evidence
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    server = sqlite3.connect(tmp_path / "web.sqlite")  # as a running `spiral run` would
    try:
        server.execute("SELECT count(*) FROM person").fetchone()

        result = runner.invoke(args=["restore", str(archive), "--yes"])

        assert result.exit_code == 1 and isinstance(result.exception, BackupError)
        assert "请先停止" in result.exception.message
    finally:
        server.close()
    assert _state(app) == before
    assert not [p for p in Path(app.config["UPLOAD_DIR"]).iterdir() if p.name.startswith(".")]


def test_the_shell_is_told_in_one_line_of_chinese(tmp_path):
    from tests.web.test_cli import _spiral_script
    run = _spiral_script(tmp_path, tmp_path / "instance")
    (tmp_path / "notes.tar.gz").write_bytes(b"hello")

    result = run("restore", "notes.tar.gz", "--yes")

    assert result.returncode == 1
    assert result.stderr.splitlines() == ["错误：notes.tar.gz 不是 Spiral 备份文件（无法作为 .tar.gz 读取）"]


def test_a_backup_is_written_whole_or_not_at_all(app, runner, tmp_path):
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcessInstance.id))) == 0
    result = runner.invoke(args=["backup", str(tmp_path / "missing-folder" / "b.tar.gz")])

    assert result.exit_code == 1 and isinstance(result.exception, BackupError)
    assert not (tmp_path / "missing-folder").exists()


# ------------------------------------------------------------------------------------------------ PostgreSQL

PG_URL = os.environ.get("SPIRAL_TEST_POSTGRES_URL")


@pytest.mark.skipif(not PG_URL, reason="set SPIRAL_TEST_POSTGRES_URL to run against PostgreSQL")
def test_a_postgresql_backup_round_trips_with_pg_dump_and_pg_restore(tmp_path, monkeypatch):
    import shutil

    from engine.demo.school import deploy_shipped, seed_org
    from engine.tables import create_schema, drop_schema
    from tests.web.conftest import Spiral

    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not on PATH (Debian: postgresql-client)")
    first = _fresh_app(tmp_path / "first", monkeypatch, PG_URL)
    with first.app_context():
        drop_schema(db.engine)  # the tables and the migration version: the next upgrade builds them anew
        create_schema(db.engine)
        seed_org(db.session)
        deploy_shipped(db.session, T0)
    spiral = Spiral(first)
    task = spiral.advance_to(spiral.start("C-WDYY"), "实施教学并上传佐证")
    _upload_evidence(spiral, task)
    before = _state(first)
    archive = tmp_path / "pg.tar.gz"
    try:
        made = first.test_cli_runner().invoke(args=["backup", str(archive)])
        if isinstance(made.exception, BackupError) and "version mismatch" in made.exception.message:
            pytest.skip(f"pg_dump does not match the server: {made.exception.message}")
        assert made.exit_code == 0, made.output
        with tarfile.open(archive) as tar:
            assert "database.pgdump" in tar.getnames()
        spiral.start("C-PY")  # changed after the backup: the restore must drop it
        with first.app_context():
            db.session.remove()
            db.engine.dispose()

        second = _fresh_app(tmp_path / "second", monkeypatch, PG_URL)  # same server, another instance folder
        result = second.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])

        assert result.exit_code == 0, result.output
        after = _state(second)
        assert after == before
        with second.app_context():
            stored = db.session.scalars(select(Evidence.stored_path)).all()
        assert stored and all(Path(s).is_relative_to(tmp_path / "second" / "uploads") for s in stored)
        # a SQLite instance refuses the PostgreSQL backup
        sqlite_app = _fresh_app(tmp_path / "third", monkeypatch)
        refused = sqlite_app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
        assert isinstance(refused.exception, BackupError) and "postgresql" in refused.exception.message
    finally:
        for each in [a for a in (locals().get("second"), first) if a is not None]:
            with each.app_context():
                db.session.remove()
                drop_schema(db.engine)
                db.engine.dispose()


def test_the_backup_module_never_imports_flask():
    import subprocess
    import sys
    code = "import sys, engine.backup; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
