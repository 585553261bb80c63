"""The 质量年报 compiled by its process: the office opens the year, each chapter of the outline reaches its
department's head with the deadline, the drafts are kept chapter by chapter, the annex tables come from the
indicator values of this year and last, the office reviews, the principal approves, and the published .docx has
the outline's chapters as its headings."""
from __future__ import annotations

import io
import struct
import zlib
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.demo.quality import seed_quality
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.org.people import find_person
from engine.quality.values import ValueInput, record_values
from engine.reporting import annual
from engine.reporting.annual_outline import default_outline, outline_for, save_outline
from engine.reporting.models import AnnualReport
from engine.workflow.models import HumanTask
from engine.workflow.tasks import Upload, complete_task
from tests.conftest import T0

DEADLINE = date(2025, 10, 31)


def png() -> bytes:
    """A real 1×1 PNG, so that Word can embed it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def open_tasks(session, report: AnnualReport) -> list[HumanTask]:
    session.expire_all()
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == report.instance_id,
                                                        HumanTask.status == "open").order_by(HumanTask.id)))


def headings(content: bytes) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(io.BytesIO(content)).paragraphs
            if p.style.name.startswith("Heading")]


@pytest.fixture
def opened(session):
    seed_quality(session, T0)  # 毕业生就业率 96.5 for 2025-2026 among the school's values
    record_values(session, None, [ValueInput("X-JYL", "SCH", "2024-2025", 94.0, date(2024, 9, 1), "招生就业办")],
                  T0 - timedelta(days=400), origin="import")
    session.commit()
    return annual.open_report(session, find_person(session, "zhaohong"), 2026, DEADLINE, T0)


def test_each_chapter_of_the_outline_reaches_its_departments_head_by_the_deadline(session, opened):
    tasks = open_tasks(session, opened)
    chapters = [c for c in default_outline()["chapters"] if c.get("include", True)]
    assert [t.title for t in tasks] == [f"撰写年报章节：{c['title']}" for c in chapters]
    assert {t.title: t.assignee.username for t in tasks}["撰写年报章节：2 人才培养"] == "qianjun"  # 教务科's head
    assert {t.title: t.scope_unit.name for t in tasks}["撰写年报章节：3 服务贡献"] == "招生就业办"
    assert {t.due_at.date() for t in tasks} == {DEADLINE} and not any(t.unroutable for t in tasks)
    assert opened.instance.period == "2025-2026"


def test_a_year_opens_once_and_only_the_quality_office_opens_it(session, opened):
    with pytest.raises(Conflict):
        annual.open_report(session, find_person(session, "zhaohong"), 2026, DEADLINE, T0)
    with pytest.raises(NotAllowed):
        annual.open_report(session, find_person(session, "qianjun"), 2027, DEADLINE, T0)
    with pytest.raises(InvalidInput):
        annual.open_report(session, find_person(session, "zhaohong"), 2027, T0.date(), T0)


def test_the_drafts_compile_into_a_published_docx_whose_headings_are_the_outline(session, opened, upload_dir):
    for task in open_tasks(session, opened):
        data = {"sections": [{"heading": "专业设置", "text": "开设专业 12 个。\n新增 1 个。"},
                             {"heading": "学校概况", "text": "学校创办于 1958 年。"},
                             {"heading": "其他", "text": "补充说明。"}] if task.title.endswith("基本情况")
                else [{"heading": "正文", "text": f"{task.title} 的正文"}], "cases": "案例一：校企共建实训基地。"}
        uploads = [Upload("photos", "实训基地.png", "image/png", png())] if task.title.endswith("人才培养") else []
        complete_task(session, task.assignee, task.id, data, T0 + timedelta(days=3), uploads=uploads)
    draft, published = annual.report_file(session, None, 2026)
    assert not published and "（草稿）" in Document(io.BytesIO(draft)).paragraphs[0].text
    compile_task, = open_tasks(session, opened)
    assert (compile_task.title, compile_task.assignee.username) == ("汇总审核：示例市职业技术学校2026年度质量年报",
                                                                   "zhaohong")
    complete_task(session, compile_task.assignee, compile_task.id, {"summary": "各章已齐"}, T0 + timedelta(days=5))
    approve, = open_tasks(session, opened)
    assert approve.assignee.username == "wangjianguo"
    complete_task(session, approve.assignee, approve.id, {"decision": "return", "comment": "附表请核对"},
                  T0 + timedelta(days=6))
    again, = open_tasks(session, opened)
    assert again.title.startswith("汇总审核") and annual.report_file(session, None, 2026)[1] is False
    complete_task(session, again.assignee, again.id, {"summary": "已核对"}, T0 + timedelta(days=7))
    approve, = open_tasks(session, opened)
    complete_task(session, approve.assignee, approve.id, {"decision": "approve", "comment": "同意发布"},
                  T0 + timedelta(days=8))
    session.expire_all()
    report = session.get(AnnualReport, opened.id)
    assert report.status == "published" and report.published_at == T0 + timedelta(days=8)
    content, published = annual.report_file(session, None, 2026)
    assert published and content == report.docx
    found = headings(content)
    chapters = [c["title"] for c in default_outline()["chapters"]]
    assert [text for style, text in found if style == "Heading 1"] == [*chapters, "附表"]
    basics = found[found.index(("Heading 1", "1 基本情况")) + 1:found.index(("Heading 1", "2 人才培养"))]
    assert basics == [("Heading 2", "学校概况"), ("Heading 2", "专业设置"), ("Heading 2", "其他"),
                      ("Heading 2", "典型案例")]  # the outline's order first, then what else was written
    document = Document(io.BytesIO(content))
    assert len(document.inline_shapes) == 1  # the photo of 人才培养
    scorecard = document.tables[0]
    assert [c.text for c in scorecard.rows[0].cells] == ["指标", "单位", "上年", "本年"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in scorecard.rows[1:]}
    assert rows["毕业生就业率"] == ["毕业生就业率", "%", "94", "96.5"]
    assert rows["学生评教（平均）"] == ["学生评教（平均）", "分", "—", "87.25"]  # the school's courses: 88.5, 86
    assert [c.text for c in document.tables[1].rows[1].cells] == ["在校生满意度", "%", "—", "—"]  # not measured
    assert "开设专业 12 个。" in [p.text for p in document.paragraphs]
    if report.pdf is not None:
        assert report.pdf.startswith(b"%PDF")
    else:
        assert report.pdf_note
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "annual.published")) == 1


def test_an_outline_is_kept_by_year_and_checked(session):
    office = find_person(session, "zhaohong")
    outline = default_outline()
    outline["chapters"][6]["include"] = False  # no international work
    outline["chapters"][2]["unit"] = "信息技术部"
    save_outline(session, office, 2026, outline, T0)
    assert not outline_for(session, 2027)["chapters"][6]["include"]  # next year starts from this year's
    assert outline_for(session, 2025)["chapters"][6]["include"]  # an earlier year keeps the shipped default
    bad = default_outline()
    bad["chapters"][3]["unit"] = "不存在的部门"
    bad["tables"][0]["rows"].append({"name": "", "unit": "%"})
    with pytest.raises(InvalidInput) as refused:
        save_outline(session, office, 2026, bad, T0)
    assert "不存在的部门" in refused.value.message and "第 6 行" in refused.value.message
    assert outline_for(session, 2026)["chapters"][2]["unit"] == "信息技术部"  # unchanged
    with pytest.raises(NotAllowed):
        save_outline(session, find_person(session, "qianjun"), 2026, default_outline(), T0)


def test_a_draft_before_anything_is_opened_has_the_outline_and_the_tables(session):
    seed_quality(session, T0)
    content, published = annual.report_file(session, None, 2026)
    assert not published
    found = headings(content)
    assert ("Heading 1", "2 人才培养") in found and ("Heading 2", "人才培养质量计分卡") in found
    assert any("待教务科提交" in p.text for p in Document(io.BytesIO(content)).paragraphs)
