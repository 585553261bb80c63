"""The 自我诊断报告 on the web and the command line: the page and its .docx for whoever may see the cycle, 生成草稿
on the diagnosis task, the review's link, the quality office's templates page, and `spiral report diagnosis`."""
from __future__ import annotations

import io

from docx import Document

from engine.workflow.models import TaskDraft
from tests.engine.diagnosis_story import MEASURE, build, complete, open_task


def _story(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from web.extensions import db
    with app.app_context():
        cycle = build(db.session)
        return cycle.id, open_task(db.session, cycle.id).id


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])


def test_the_course_lead_reads_the_report_and_downloads_it_as_word(app, client, auth):
    cycle_id, _task = _story(app)
    auth.login("chenxiaoyu")
    page = client.get(f"/cycles/{cycle_id}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "网店运营课程自我诊断报告" in html and "课程合格率" in html and "82%" in html and MEASURE in html
    download = client.get(f"/cycles/{cycle_id}/report.docx")
    assert download.status_code == 200 and download.mimetype.endswith("wordprocessingml.document")
    text = _docx_text(download.data)
    assert "网店运营" in text and "不合格" in text and "88分" in text and MEASURE in text
    assert f'href="/cycles/{cycle_id}/report"' in client.get(f"/cycles/{cycle_id}").get_data(as_text=True)


def test_someone_outside_the_cycle_gets_neither_the_page_nor_the_file(app, client, auth):
    cycle_id, _task = _story(app)
    auth.login("liuxin")
    assert client.get(f"/cycles/{cycle_id}/report").status_code == 403
    assert client.get(f"/cycles/{cycle_id}/report.docx").status_code == 403
    auth.logout()
    assert client.get(f"/cycles/{cycle_id}/report").status_code == 302  # to the login


def test_generate_draft_fills_the_diagnosis_form_and_the_review_links_the_report(app, client, auth):
    cycle_id, task_id = _story(app)
    auth.login("chenxiaoyu")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "生成草稿" in page and f"/cycles/{cycle_id}/report" in page
    answer = client.post(f"/tasks/{task_id}/report-draft", follow_redirects=True)
    shown = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "已根据本周期的目标、指标和预警生成草稿" in shown
    assert "课程合格率为 82%" in shown  # the problem list's row, in the form
    from web.extensions import db
    with app.app_context():
        (draft,) = db.session.query(TaskDraft).filter_by(task_id=task_id).all()
        assert "82%" in draft.data["diag_goal_attainment"]
        complete(db.session, cycle_id, 20)
        review = open_task(db.session, cycle_id)
        assert review.title == "审核课程诊断报告"
        review_id = review.id
    auth.logout()
    auth.login("hanxue")
    review_page = client.get(f"/tasks/{review_id}").get_data(as_text=True)
    assert f"/cycles/{cycle_id}/report" in review_page and "generate-draft" not in review_page
    assert client.post(f"/tasks/{task_id}/report-draft").status_code in (403, 409)


def test_the_office_replaces_the_template_and_an_unknown_placeholder_is_named(app, client, auth):
    _story(app)
    auth.login("chenxiaoyu")
    assert client.get("/reports/templates").status_code == 403
    auth.logout()
    auth.login("zhaohong")
    page = client.get("/reports/templates").get_data(as_text=True)
    assert "可用的占位符" in page and "subject.name" in page and "row.status" in page
    assert client.get("/reports/templates/diagnosis/current.docx").data[:2] == b"PK"
    bad = io.BytesIO()
    document = Document()
    document.add_paragraph("{{ subject.name }} {{ headmaster }}")
    document.save(bad)
    refused = client.post("/reports/templates/diagnosis", data={"file": (io.BytesIO(bad.getvalue()), "t.docx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "headmaster" in refused.get_data(as_text=True)
    notdocx = client.post("/reports/templates/diagnosis", data={"file": (io.BytesIO(b"hello"), "t.txt")},
                          content_type="multipart/form-data")
    assert notdocx.status_code == 422 and ".docx" in notdocx.get_data(as_text=True)
    good = io.BytesIO()
    document = Document()
    document.add_paragraph("本校格式 {{ subject.name }}")
    document.save(good)
    ok = client.post("/reports/templates/diagnosis", data={"file": (io.BytesIO(good.getvalue()), "school.docx"),
                                                           "comment": "本校格式"},
                     content_type="multipart/form-data", follow_redirects=True)
    assert ok.status_code == 200 and "v1" in ok.get_data(as_text=True)
    assert client.get("/reports/templates/diagnosis/v1.docx").status_code == 200
    back = client.post("/reports/templates/diagnosis/activate", data={}, follow_redirects=True)
    assert back.status_code == 200


def test_the_cli_writes_the_report_and_refuses_a_missing_cycle_in_one_chinese_line(app, runner, tmp_path):
    cycle_id, _task = _story(app)
    out = tmp_path / "报告.docx"
    from web.cli import main
    result = runner.invoke(main, ["report", "diagnosis", str(cycle_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已生成自我诊断报告" in result.output
    assert "课程合格率" in _docx_text(out.read_bytes())
    missing = runner.invoke(main, ["report", "diagnosis", "99999", "--out", str(out)])
    assert missing.exit_code != 0 and "不存在" in missing.output
