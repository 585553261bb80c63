"""The 质量年报 as a Word file (python-docx): a title page line, each chapter as Heading 1 in outline order with
its sub-sections as Heading 2 (the outline's first, in order, then any other the department wrote), its cases
and photos; then 附表, each annex table as Heading 2 with 指标 | 单位 | 上年 | 本年. A draft marks what has not
been submitted yet. `to_pdf` converts with LibreOffice when `soffice` is on the PATH."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from engine.workflow.models import Evidence

from .annual_tables import AnnexTable
from .models import AnnualChapter

PICTURES = (".jpg", ".jpeg", ".png")
PDF_SECONDS = 180
ANNEX = "附表"
HEADERS = ("指标", "单位", "上年", "本年")


@dataclass
class Chapter:
    """A chapter of the outline with what its department submitted (None: not yet)."""

    title: str
    unit: str
    sections: list[str]
    submitted: AnnualChapter | None


def annual_docx(session: Session, title: str, span: str, chapters: list[Chapter], tables: list[AnnexTable],
                draft: bool) -> bytes:
    """The report's .docx bytes."""
    from docx import Document  # python-docx is loaded when a report is made, not at start-up
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    document = Document()
    _chinese_fonts(document)
    document.add_heading(title + ("（草稿）" if draft else ""), level=0)
    lead = document.add_paragraph(f"统计周期：{span} 学年")
    lead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for chapter in chapters:
        _chapter(session, document, chapter, draft)
    if tables:
        document.add_heading(ANNEX, level=1)
        for table in tables:
            _table(document, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _chapter(session: Session, document: object, chapter: Chapter, draft: bool) -> None:
    doc = document  # python-docx's Document is untyped
    doc.add_heading(chapter.title, level=1)  # type: ignore[attr-defined]
    if chapter.submitted is None:
        if draft:
            doc.add_paragraph(f"（待{chapter.unit}提交）")  # type: ignore[attr-defined]
        return
    written: dict[str, list[str]] = {}
    for section in chapter.submitted.sections:
        written.setdefault(section.get("heading", ""), []).append(section.get("text", ""))
    order = [h for h in chapter.sections if h in written] + [h for h in written if h not in chapter.sections]
    for heading in order:
        if heading and heading not in ("正文", chapter.title):
            doc.add_heading(heading, level=2)  # type: ignore[attr-defined]
        for text in written[heading]:
            _paragraphs(doc, text)
    if draft:
        for heading in (h for h in chapter.sections if h not in written):
            doc.add_heading(heading, level=2)  # type: ignore[attr-defined]
            doc.add_paragraph(f"（{chapter.unit}未写本节）")  # type: ignore[attr-defined]
    if chapter.submitted.cases.strip():
        doc.add_heading("典型案例", level=2)  # type: ignore[attr-defined]
        _paragraphs(doc, chapter.submitted.cases)
    for photo in chapter.submitted.photos:
        _picture(session, doc, photo)


def _paragraphs(doc: object, text: str) -> None:
    for block in (b.strip() for b in text.replace("\r\n", "\n").split("\n")):
        if block:
            doc.add_paragraph(block)  # type: ignore[attr-defined]


def _picture(session: Session, doc: object, photo: dict[str, object]) -> None:
    """A photo of the chapter, with its file name as caption; a file that is gone or not a picture is named."""
    evidence = session.get(Evidence, photo.get("evidence_id")) if photo.get("evidence_id") else None
    name = str(photo.get("filename") or "")
    if evidence is None or not evidence.filename.lower().endswith(PICTURES):
        return
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm
    try:
        doc.add_picture(str(Path(evidence.stored_path)), width=Cm(14))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 — a missing or broken image must not stop the report
        doc.add_paragraph(f"（图片“{name}”无法读取）")  # type: ignore[attr-defined]
        return
    caption = doc.add_paragraph(name.rsplit(".", 1)[0])  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(document: object, table: AnnexTable) -> None:
    doc = document
    doc.add_heading(table.title, level=2)  # type: ignore[attr-defined]
    grid = doc.add_table(rows=1, cols=len(HEADERS))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, HEADERS, strict=True):
        cell.text = text
    for row in table.rows:
        cells = grid.add_row().cells
        values = (row.name + ("（平均）" if row.averaged else ""), row.unit, _number(row.last), _number(row.this))
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if float(value).is_integer() or abs(value) >= 1000 else f"{value:.2f}".rstrip("0").rstrip(".")


def _chinese_fonts(document: object) -> None:
    """宋体 for the body and 黑体 for headings, so that Word and LibreOffice show Chinese alike."""
    from docx.oxml.ns import qn
    from docx.shared import Pt
    styles = document.styles  # type: ignore[attr-defined]
    for name, font in (("Normal", "宋体"), ("Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        style = styles[name]
        style.font.name = font
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    styles["Normal"].font.size = Pt(12)


def to_pdf(content: bytes) -> tuple[bytes | None, str]:
    """(PDF bytes, "") converted by LibreOffice; (None, why) when it is not installed or fails."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None, "未安装 LibreOffice，未生成 PDF"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.docx"
        source.write_bytes(content)
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                            "pdf", "--outdir", tmp, str(source)], capture_output=True, timeout=PDF_SECONDS,
                           check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"PDF 转换失败：{type(exc).__name__}"
        pdf = Path(tmp) / "report.pdf"
        if not pdf.exists():
            return None, "PDF 转换失败：LibreOffice 没有生成文件"
        return pdf.read_bytes(), ""
