"""The 质量年报 compiled by a process (processes/annual_report.bpmn): the quality office opens a year's report,
each chapter of the year's outline goes to its department as a task (one per chapter, with the deadline on the
ladder), the departments' drafts are kept chapter by chapter, the office reviews the merged draft, the principal
approves, and the approved report is published as .docx (and PDF where LibreOffice is installed) and kept.
Before that, a draft can be downloaded at any time from what exists so far."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office, is_school_leader
from engine.org.departments import department_names
from engine.org.models import Person, Subject
from engine.planning.plans.launch import school_subject
from engine.workflow.cycles import open_cycle
from engine.workflow.events import CycleFinished, TaskCompleting
from engine.workflow.models import HumanTask

from .annual_outline import check_year, checked_outline, included, outline_for
from .annual_tables import AnnexTable, annex_tables, school_year
from .annual_word import Chapter, annual_docx, to_pdf
from .models import AnnualChapter, AnnualReport

PROCESS = "annual_report"  # the shipped compiling process; a school may deploy its own version of it


@dataclass
class ChapterState:
    """Where one chapter of a year's report stands: submitted (its row), or its open task, or neither yet."""

    key: str
    title: str
    unit: str
    sections: list[str]
    submitted: AnnualChapter | None = None
    task: HumanTask | None = None


@dataclass
class AnnualView:
    """A year's report as the page shows it."""

    year: int
    school_year: str
    title: str
    outline: dict[str, Any]
    report: AnnualReport | None
    chapters: list[ChapterState] = field(default_factory=list)
    tables: list[AnnexTable] = field(default_factory=list)
    open_tasks: list[HumanTask] = field(default_factory=list)
    steps: list[HumanTask] = field(default_factory=list)  # the open tasks after the chapters (review, approval)


def may_read(session: Session, actor: Person) -> bool:
    """The quality office and the school's leaders read the annual reports."""
    return is_quality_office(session, actor) or is_school_leader(session, actor)


def _require_reader(session: Session, actor: Person) -> None:
    if not may_read(session, actor):
        raise NotAllowed("只有质量办和校领导可以查看质量年报")


def report_title(outline: dict[str, Any], school: Subject | None, year: int) -> str:
    """The report's title from the outline's pattern (`{school}{year}年度质量年报`)."""
    name = school.unit.name if school is not None else ""
    return str(outline.get("title") or "{school}{year}年度质量年报").replace("{school}", name).replace(
        "{year}", str(year))


def open_report(session: Session, actor: Person, year: int, deadline: date, now: datetime) -> AnnualReport:
    """Open year `year`'s report: freeze its outline, start its compiling cycle for the school (one task per
    chapter to its department, due `deadline`); audited; commits. Raises NotAllowed (not the quality office),
    Conflict (already opened), InvalidInput (year, deadline, an outline whose department is missing), NotFound."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量办可以开启质量年报")
    check_year(year)
    if deadline <= now.date():
        raise InvalidInput("章节提交期限应晚于今天", {"deadline": "期限应晚于今天"})
    existing = session.scalars(select(AnnualReport).where(AnnualReport.year == year)).first()
    if existing is not None:
        raise Conflict(f"{year} 年度质量年报已经开启（{existing.opened_at:%Y-%m-%d}）")
    outline = checked_outline(session, outline_for(session, year))
    school = school_subject(session)
    title = report_title(outline, school, year)
    chapters = [{"key": c["key"], "title": c["title"], "unit": c["unit"], "sections": "、".join(c["sections"]),
                 "draft": {"sections": [{"heading": h, "text": ""} for h in c["sections"] or ["正文"]]}}
                for c in included(outline)]
    facts = {"year": year, "report_title": title, "chapters": chapters, "deadline": deadline.isoformat()}
    instance = open_cycle(session, actor, PROCESS, school.code, school_year(year), now, facts=facts)
    report = AnnualReport(year=year, outline=outline, instance_id=instance.id, status="compiling",
                          opened_by_id=actor.id, opened_at=now, pdf_note="")
    session.add(report)
    audit.record(session, actor, "annual.opened", now, instance=instance, object_type="annual_report",
                 object_id=year, summary=f"开启{title}：{len(chapters)} 章分派到各部门，{deadline} 前提交",
                 after={"year": year, "deadline": deadline.isoformat(), "chapters": chapters})
    session.commit()
    return report


def record_chapter(session: Session, event: TaskCompleting) -> None:
    """Keep a chapter task's answers on its year's report (a task whose item is an outline chapter of a cycle
    that compiles a report); a second submission of the same chapter replaces the first."""
    chapter = event.context.get("chapter")
    if not isinstance(chapter, dict) or not chapter.get("key"):
        return
    report = session.scalars(select(AnnualReport).where(AnnualReport.instance_id == event.instance.id)).first()
    if report is None:
        return
    sections = [{"heading": str(s.get("heading") or "").strip(), "text": str(s.get("text") or "")}
                for s in event.data.get("sections") or [] if isinstance(s, dict)]
    photos = [{"evidence_id": p.get("evidence_id"), "filename": p.get("filename", "")}
              for p in event.data.get("photos") or [] if isinstance(p, dict)]
    unit = event.task.scope_unit.name if event.task.scope_unit is not None else ""
    with session.no_autoflush:
        row = next((c for c in report.chapters if c.key == chapter["key"]), None)
        if row is None:
            row = AnnualChapter(key=str(chapter["key"])[:40])
            report.chapters.append(row)
        row.title, row.unit_name = str(chapter.get("title") or "")[:200], unit[:200]
        row.sections, row.cases, row.photos = sections, str(event.data.get("cases") or ""), photos
        row.task_id, row.submitted_at = event.task.id, event.now
        row.submitted_by_id = event.actor.id if event.actor else None


def publish_on_finish(session: Session, event: CycleFinished) -> None:
    """The principal approved a year's report (its cycle ended): build the .docx and PDF and keep them."""
    report = session.scalars(select(AnnualReport).where(AnnualReport.instance_id == event.instance.id)).first()
    if report is None or report.status == "published":
        return
    content = build_docx(session, report.year, report, draft=False)
    report.docx = content
    report.pdf, report.pdf_note = to_pdf(content)
    report.status, report.published_at = "published", event.now
    audit.record(session, None, "annual.published", event.now, instance=event.instance, object_type="annual_report",
                 object_id=report.year, summary=f"发布 {report.year} 年度质量年报"
                                                f"（Word{'、PDF' if report.pdf else ''}）",
                 after={"docx_bytes": len(content), "pdf_bytes": len(report.pdf or b""), "pdf_note": report.pdf_note})


def annual_view(session: Session, actor: Person, year: int) -> AnnualView:
    """Year `year`'s report as it stands (or, not yet opened, the outline it would use). Raises NotAllowed."""
    _require_reader(session, actor)
    check_year(year)
    report = session.scalars(select(AnnualReport).where(AnnualReport.year == year)).first()
    outline = report.outline if report is not None else outline_for(session, year)
    school = _school_or_none(session)
    view = AnnualView(year, school_year(year), report_title(outline, school, year), outline, report)
    submitted = {c.key: c for c in report.chapters} if report is not None else {}
    if report is not None and report.instance_id is not None:
        view.open_tasks = list(session.scalars(select(HumanTask).where(
            HumanTask.instance_id == report.instance_id, HumanTask.status == "open").order_by(HumanTask.id)))
    by_title = {t.title: t for t in view.open_tasks}
    for chapter in included(outline):
        state = ChapterState(chapter["key"], chapter["title"], chapter["unit"], chapter["sections"],
                             submitted.get(chapter["key"]))
        state.task = next((t for title, t in by_title.items() if title.endswith("：" + chapter["title"])), None)
        view.chapters.append(state)
    chapter_tasks = {c.task.id for c in view.chapters if c.task is not None}
    view.steps = [t for t in view.open_tasks if t.id not in chapter_tasks]
    view.tables = annex_tables(session, outline, year, school)
    return view


def list_reports(session: Session, actor: Person) -> list[AnnualReport]:
    """Every year's report, newest first. Raises NotAllowed."""
    _require_reader(session, actor)
    return list(session.scalars(select(AnnualReport).order_by(AnnualReport.year.desc())))


def report_file(session: Session, actor: Person | None, year: int, kind: str = "docx") -> tuple[bytes, bool]:
    """(content, published) of year `year`'s report: the published file when there is one, else a draft .docx
    compiled from what exists so far (kind pdf: only the published PDF). `actor` None: the command line.
    Raises NotAllowed, NotFound (no PDF)."""
    if actor is not None:
        _require_reader(session, actor)
    check_year(year)
    report = session.scalars(select(AnnualReport).where(AnnualReport.year == year)).first()
    if kind == "pdf":
        if report is None or not report.pdf:
            raise NotFound(f"{year} 年度质量年报还没有 PDF" + (f"：{report.pdf_note}" if report and report.pdf_note
                                                               else "（发布后生成）"))
        return report.pdf, True
    if report is not None and report.docx:
        return report.docx, True
    return build_docx(session, year, report, draft=True), False


def build_docx(session: Session, year: int, report: AnnualReport | None, draft: bool) -> bytes:
    """Year `year`'s report as a .docx: chapters in outline order, the annex tables from the values."""
    outline = report.outline if report is not None else outline_for(session, year)
    school = _school_or_none(session)
    submitted = {c.key: c for c in report.chapters} if report is not None else {}
    chapters = [Chapter(c["title"], c["unit"], c["sections"], submitted.get(c["key"])) for c in included(outline)]
    return annual_docx(session, report_title(outline, school, year), school_year(year), chapters,
                       annex_tables(session, outline, year, school), draft)


def _school_or_none(session: Session) -> Subject | None:
    try:
        return school_subject(session)
    except NotFound:
        return None


def department_choices(session: Session) -> list[str]:
    """The department names a chapter may be given to (what the outline form offers)."""
    return sorted(set(department_names(session).values()) - {""})


def default_year(now: datetime) -> int:
    """The report year a winter's report is for: the school year that ended last summer (Dec 2026 → 2026)."""
    return now.year if now.month >= 7 else now.year - 1
