"""The 自我诊断报告 of a course cycle of our own: gathered from the cycle, rendered to a .docx from the shipped
template (or one the quality office uploads, refused when it names a placeholder the report lacks), and the
diagnosis task's 生成草稿 filling the owner's draft."""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.errors import InvalidInput, NotAllowed
from engine.org.people import find_person
from engine.reporting.diagnosis import diagnosis_report
from engine.reporting.drafting import generate_draft
from engine.reporting.models import ReportTemplate
from engine.reporting.word import default_template, render_report, upload_template
from engine.workflow.drafts import task_draft
from tests.conftest import T0
from tests.engine.diagnosis_story import MEASURE, build, complete, open_task


def _text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _template(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_report_holds_the_subject_each_indicator_and_the_improvement_measures(session):
    cycle = build(session)
    office = find_person(session, "zhaohong")
    report = diagnosis_report(session, office, cycle.id, T0 + timedelta(days=30))
    assert report["subject"]["name"] == "网店运营" and report["level"] == "课程"
    assert report["owner"]["name"] == "陈晓雨"
    rows = {i["name"]: i for i in report["indicators"]}
    assert (rows["课程合格率"]["value"], rows["课程合格率"]["status"]) == ("82%", "不合格")
    assert rows["课程合格率"]["trend"].startswith("↑ 向好")
    assert (rows["学生评教"]["value"], rows["学生评教"]["status"]) == ("88分", "达标")
    assert [m["measure"] for m in report["measures"]] == [MEASURE]
    (improvement,) = report["improvements"]
    assert improvement["indicator"] == "课程合格率" and "82%" in improvement["problem"]

    text = _text(render_report(session, "diagnosis", report))
    assert "网店运营" in text and "课程自我诊断报告" in text
    assert "课程合格率" in text and "82%" in text and "不合格" in text
    assert "学生评教" in text and "88分" in text and "达标" in text
    assert MEASURE in text and "{{" not in text and "{%" not in text


def test_someone_outside_the_cycle_may_not_read_its_report(session):
    cycle = build(session)
    with pytest.raises(NotAllowed):
        diagnosis_report(session, find_person(session, "liuxin"), cycle.id, T0)


def test_generate_draft_fills_the_diagnosis_with_the_figures_and_the_red_indicator(session):
    cycle = build(session)
    task = open_task(session, cycle.id)
    lead = find_person(session, "chenxiaoyu")
    filled = generate_draft(session, lead, task.id, T0 + timedelta(days=20))
    assert "目标达成情况" in filled and "问题清单" in filled
    draft = task_draft(session, lead, task).data
    assert "课程合格率" in draft["diag_goal_attainment"] and "82%" in draft["diag_goal_attainment"]
    assert draft["diag_conclusion"] == "unqualified"
    assert any("课程合格率为 82%" in row["problem"] for row in draft["diag_problems"])
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "task.draft_generated")).one()
    with pytest.raises(NotAllowed):
        generate_draft(session, find_person(session, "hanxue"), task.id, T0)


def test_the_review_reads_the_problems_the_owner_submitted(session):
    cycle = build(session)
    complete(session, cycle.id, 20, diag_problems=[{"category": "学生学习", "problem": "练习量不足导致合格率偏低",
                                                    "cause": "课时紧"}])
    assert open_task(session, cycle.id).title == "审核课程诊断报告"
    report = diagnosis_report(session, find_person(session, "hanxue"), cycle.id, T0 + timedelta(days=21))
    assert [p["problem"] for p in report["problems"]] == ["练习量不足导致合格率偏低"]
    assert report["conclusion"] in ("合格", "预警", "不合格")
    assert "练习量不足导致合格率偏低" in _text(render_report(session, "diagnosis", report))


def test_a_template_with_an_unknown_placeholder_is_refused_by_its_name_and_nothing_changes(session):
    office = find_person(session, "zhaohong")
    with pytest.raises(InvalidInput, match="principal_name") as refused:
        upload_template(session, office, "diagnosis", _template("{{ subject.name }}", "{{ principal_name }}"),
                        "我的模板.docx", "", T0)
    assert "未知占位符：principal_name" in refused.value.errors["file"]
    with pytest.raises(InvalidInput, match="i.vlaue"):
        upload_template(session, office, "diagnosis", _template("{% for i in indicators %}{{ i.vlaue }}{% endfor %}"),
                        "t.docx", "", T0)
    with pytest.raises(InvalidInput, match=r"\.docx"):
        upload_template(session, office, "diagnosis", b"%PDF-1.4", "t.pdf", "", T0)
    with pytest.raises(InvalidInput, match="不是有效的 Word"):
        upload_template(session, office, "diagnosis", b"not a zip", "t.docx", "", T0)
    with pytest.raises(InvalidInput, match="5 MB"):
        upload_template(session, office, "diagnosis", b"0" * (5 * 1024 * 1024 + 1), "t.docx", "", T0)
    session.rollback()
    assert session.scalars(select(ReportTemplate)).all() == []


def test_an_uploaded_template_is_used_and_kept_as_a_version(session):
    cycle = build(session)
    office = find_person(session, "zhaohong")
    with pytest.raises(NotAllowed):
        upload_template(session, find_person(session, "chenxiaoyu"), "diagnosis", default_template("diagnosis"),
                        "t.docx", "", T0)
    row = upload_template(session, office, "diagnosis", _template("学校版：{{ subject.name }} {{ level }}"), "a.docx",
                          "学校格式", T0)
    assert (row.version, row.active) == (1, True)
    report = diagnosis_report(session, office, cycle.id, T0)
    assert "学校版：网店运营 课程" in _text(render_report(session, "diagnosis", report))
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "report_template.uploaded")).one()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_report_converts_to_pdf_with_libreoffice(session, tmp_path):
    cycle = build(session)
    report = diagnosis_report(session, find_person(session, "zhaohong"), cycle.id, T0)
    (tmp_path / "report.docx").write_bytes(render_report(session, "diagnosis", report))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "report.docx")], check=True, timeout=120,
                   capture_output=True)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
