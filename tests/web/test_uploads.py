"""Evidence files: one too large or of a refused type is turned away and nothing is kept."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from engine.workflow.models import Evidence
from web.extensions import db


def _post_file(spiral, task, filename: str, content: bytes):
    client = spiral.client_for("chenxiaoyu")
    data = {**spiral.answers("course_implement"),
            "impl_evidence": FileStorage(io.BytesIO(content), filename,
                                         content_type="application/octet-stream")}
    # Encoded in memory: left to itself the test client spools a large body to a file it never closes.
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(f"/tasks/{task.id}/complete", input_stream=body, content_length=length,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def _kept(app, task) -> tuple[int, set[str]]:
    """Evidence rows of the task and files stored for its cycle."""
    with app.app_context():
        rows = db.session.scalar(select(func.count(Evidence.id)).where(Evidence.task_id == task.id))
    folder = Path(app.config["UPLOAD_DIR"]) / str(task.instance_id)
    return rows, {p.name for p in folder.iterdir()} if folder.exists() else set()


def _file_error(spiral, response) -> str:
    tree = spiral.page(response)
    (field,) = tree.xpath('//div[contains(@class, "has-error")][.//input[@name="impl_evidence"]]')
    return field.xpath('.//p[@class="field-error"]')[0].text_content()


def test_file_larger_than_the_limit_is_refused_and_not_stored(app, spiral, implement_task, small_uploads):
    before = _kept(app, implement_task)
    assert before[0] == 0

    response = _post_file(spiral, implement_task, "大文件.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 422
    assert "1 MB" in _file_error(spiral, response)
    assert spiral.task(implement_task.id).status == "open"
    assert _kept(app, implement_task) == before  # no evidence row, no file on disk


@pytest.mark.parametrize("filename", ["setup.exe", "报告.pdf.exe"])
def test_program_file_is_refused_and_not_stored(app, spiral, implement_task, filename):
    before = _kept(app, implement_task)
    assert before[0] == 0

    response = _post_file(spiral, implement_task, filename, b"MZ\x90\x00" + b"\x00" * 64)

    assert response.status_code == 422
    assert "不支持此文件类型" in _file_error(spiral, response)
    assert spiral.task(implement_task.id).status == "open"
    assert _kept(app, implement_task) == before  # no evidence row, no file on disk


def test_two_apps_in_one_process_keep_their_own_upload_folders_and_forms(tmp_path):
    from web import create_app
    apps = [create_app({"TESTING": True, "SECRET_KEY": "t", "UPLOAD_DIR": str(tmp_path / name / "uploads"),
                        "FORMS_DIR": str(tmp_path / name / "forms"),
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name / 'db.sqlite'}"})
            for name in ("a", "b")]
    roots, designed = [], []
    for app in apps:
        with app.app_context():
            from engine import form_registry
            from engine.workflow.uploads import upload_store
            from web.extensions import db
            roots.append(upload_store(db.session).root)
            designed.append(form_registry(db.session).directory)
            db.engine.dispose()
    assert roots == [tmp_path / "a" / "uploads", tmp_path / "b" / "uploads"]
    assert designed == [tmp_path / "a" / "forms", tmp_path / "b" / "forms"]


def _post_declared(spiral, task, filename: str, content: bytes, declared: str):
    client = spiral.client_for("chenxiaoyu")
    data = {**spiral.answers("course_implement"),
            "impl_evidence": FileStorage(io.BytesIO(content), filename, content_type=declared)}
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    response = client.post(f"/tasks/{task.id}/complete", input_stream=body, content_length=length,
                           content_type=f'multipart/form-data; boundary="{boundary}"')
    return client, response


def _download(app, client, task):
    with app.app_context():
        evidence_id = db.session.scalar(select(Evidence.id).where(Evidence.task_id == task.id))
    response = client.get(f"/evidence/{evidence_id}")
    response.close()
    return response


def test_a_file_declared_as_html_is_served_by_its_extension(app, spiral, implement_task):
    client, response = _post_declared(spiral, implement_task, "报告.pdf", b"%PDF-1.4\n<script>x</script>", "text/html")
    assert response.status_code == 302
    download = _download(app, client, implement_task)
    assert download.headers["Content-Type"] == "application/pdf"
    assert not download.headers.get("Content-Disposition", "").startswith("attachment")


def test_a_document_is_always_an_attachment(app, spiral, implement_task):
    client, _ = _post_declared(spiral, implement_task, "总结.docx", b"PK\x03\x04", "text/html")
    download = _download(app, client, implement_task)
    assert "html" not in download.headers["Content-Type"]
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_file_name_of_ninety_chinese_characters_is_kept_shortened(app, spiral, implement_task):
    name = "课程建设佐证材料" * 12 + ".pdf"  # 96 characters, 290 bytes: more than a file system allows
    client, response = _post_declared(spiral, implement_task, name, b"%PDF-1.4\n", "application/pdf")
    assert response.status_code == 302
    rows, files = _kept(app, implement_task)
    assert rows == 1 and all(len(f.encode("utf-8")) <= 255 and f.endswith(".pdf") for f in files)
    assert _download(app, client, implement_task).status_code == 200


def test_the_cycle_and_task_pages_list_evidence_with_its_uploader_and_step_and_open_a_pdf_in_the_page(
        app, spiral, implement_task):
    client, response = _post_declared(spiral, implement_task, "授课录像截图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64,
                                      "image/png")
    assert response.status_code == 302
    _post = spiral.client_for("chenxiaoyu")
    for page in (_post.get(f"/cycles/{implement_task.instance_id}"), _post.get(f"/tasks/{implement_task.id}")):
        (item,) = spiral.page(page).xpath('//ul[@data-testid="evidence"]/li[.//a[text()="授课录像截图.png"]]')
        text = " ".join(item.text_content().split())
        assert "授课录像截图.png" in text and "陈晓雨" in text and "预览" in text
        (link,) = item.xpath('.//a[text()="授课录像截图.png"]')
        assert link.get("target") == "_blank"
        assert item.xpath(".//img")  # an image shows as a thumbnail
    cycle = spiral.page(_post.get(f"/cycles/{implement_task.instance_id}"))
    (step,) = cycle.xpath('//ul[@data-testid="evidence"]/li[.//a[text()="授课录像截图.png"]]//a[contains(@href, "/tasks/")]')
    assert step.text_content() == "实施教学并上传佐证"
    download = _download(app, client, implement_task)
    assert download.headers["Content-Type"] == "image/png"
    assert not download.headers.get("Content-Disposition", "").startswith("attachment")


def test_a_word_file_is_offered_as_a_download(app, spiral, implement_task):
    client, response = _post_declared(spiral, implement_task, "教案.docx", b"PK\x03\x04" + b"0" * 64,
                                      "application/octet-stream")
    assert response.status_code == 302
    (item,) = spiral.page(client.get(f"/cycles/{implement_task.instance_id}")).xpath(
        '//ul[@data-testid="evidence"]/li[.//a[text()="教案.docx"]]')
    assert "下载" in item.text_content() and item.xpath('.//a[@download]')
    assert _download(app, client, implement_task).headers["Content-Disposition"].startswith("attachment")
