"""Uploads a visitor shapes to hurt: a page renamed .pdf, a body over the request limit, a name of 200 Chinese
characters, a name that climbs out of the upload folder, a name of control characters. Each gets a clear
answer; nothing lands outside the cycle's folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_uploads import _download, _kept, _post_declared


def test_a_page_renamed_pdf_is_never_served_as_a_page(app, spiral, implement_task):
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    client, response = _post_declared(spiral, implement_task, "成绩单.pdf", page, "text/html")
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        download = _download(app, client, implement_task)
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_body_over_the_request_limit_is_a_413_with_a_sentence(app, spiral, implement_task):
    big = b"%PDF-1.4\n" + b"0" * ((app.config["MAX_UPLOAD_MB"] + 6) * 1024 * 1024)
    _client, response = _post_declared(spiral, implement_task, "大文件.pdf", big, "application/pdf")
    assert response.status_code == 413
    assert "上传的内容过大" in response.get_data(as_text=True)
    assert _kept(app, implement_task)[0] == 0


def test_a_name_of_two_hundred_chinese_characters_is_shortened_by_bytes(app, spiral, implement_task):
    client, response = _post_declared(spiral, implement_task, "佐" * 200 + ".pdf", b"%PDF-1.4\n", "application/pdf")
    assert response.status_code == 302
    rows, files = _kept(app, implement_task)
    assert rows == 1 and all(len(f.encode("utf-8")) <= 255 for f in files)
    assert _download(app, client, implement_task).status_code == 200


@pytest.mark.parametrize("name", ["../../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/cron.d/x.pdf",
                                  "\x1b[31m红\x07.pdf", "\u202etxt.exe.pdf", ".pdf"])
def test_a_name_that_climbs_out_or_hides_stays_inside_the_cycles_folder(app, spiral, implement_task, name):
    _client, response = _post_declared(spiral, implement_task, name, b"%PDF-1.4\n", "application/pdf")
    assert response.status_code in (302, 422)
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    stored = [p.resolve() for p in root.rglob("*") if p.is_file()]
    assert all(p.parent == root / str(implement_task.instance_id) for p in stored)
    assert not [p for p in stored if "\x1b" in p.name or "\u202e" in p.name]  # stored names are plain
