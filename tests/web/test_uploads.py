"""Evidence files: one too large or of a refused type is turned away and nothing is kept."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.models import Evidence


def _post_file(spiral, task, filename: str, content: bytes):
    client = spiral.client_for("chenxiaoyu")
    data = {**spiral.answers("course_implement"),
            "impl_evidence": (io.BytesIO(content), filename, "application/octet-stream")}
    return client.post(f"/tasks/{task.id}/complete", data=data, content_type="multipart/form-data")


def _assert_nothing_kept(app, task) -> None:
    from web.extensions import db
    with app.app_context():
        stored = db.session.scalar(select(func.count(Evidence.id)).where(Evidence.task_id == task.id))
    assert stored == 0
    assert not (Path(app.config["UPLOAD_DIR"]) / str(task.instance_id) / "").exists() or not any(
        p.name.endswith(("大文件.pdf", "setup.exe")) for p in (Path(app.config["UPLOAD_DIR"])
                                                               / str(task.instance_id)).iterdir())


def _file_error(spiral, response) -> str:
    tree = spiral.page(response)
    (field,) = tree.xpath('//div[contains(@class, "has-error")][.//input[@name="impl_evidence"]]')
    return field.xpath('.//p[@class="field-error"]')[0].text_content()


def test_file_larger_than_the_limit_is_refused_and_not_stored(app, spiral, implement_task, small_uploads):
    response = _post_file(spiral, implement_task, "大文件.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 422
    assert "1 MB" in _file_error(spiral, response)
    assert spiral.task(implement_task.id).status == "open"
    _assert_nothing_kept(app, implement_task)


@pytest.mark.parametrize("filename", ["setup.exe", "报告.pdf.exe"])
def test_program_file_is_refused_and_not_stored(app, spiral, implement_task, filename):
    response = _post_file(spiral, implement_task, filename, b"MZ\x90\x00" + b"\x00" * 64)

    assert response.status_code == 422
    assert "不支持此文件类型" in _file_error(spiral, response)
    assert spiral.task(implement_task.id).status == "open"
    _assert_nothing_kept(app, implement_task)
