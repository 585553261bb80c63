"""The reports room's tables: the Word templates the quality office uploaded (each kind's versions kept), the
dashboard's month counts, the 质量年报's outlines, reports and chapters, and the weights of 考核."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.org.models import Person
from engine.workflow.models import ProcessInstance


class ReportTemplate(Base):
    """One uploaded version of a report's Word template (kind: diagnosis, annual…); at most one is active per
    kind, none active means the shipped default."""

    __tablename__ = "report_template"
    __table_args__ = (UniqueConstraint("kind", "version"), Index("ix_report_template_kind_active", "kind", "active"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[Person | None] = relationship()


class TaskMonthCount(Base):
    """The tasks due in one ended month (YYYY-MM) that were done by `counted_at`, and of them those done by their
    deadline: the on-time trend's ended months, counted by the tick (engine/reporting/months.py) so that no page
    counts a million rows."""

    __tablename__ = "task_month_count"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    counted_at: Mapped[datetime] = mapped_column(DateTime)


class AnnualOutline(Base):
    """The 质量年报's outline for one year as the quality office set it (chapters with their sub-sections and
    departments, annex tables with their indicators); a year without one uses the latest earlier year's, else the
    shipped national outline (engine/reporting/outlines/annual.json)."""

    __tablename__ = "annual_outline"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class AnnualReport(Base):
    """One year's 质量年报: the outline frozen when the office opened it, the cycle compiling it, and once the
    principal approved it the published .docx (and PDF where LibreOffice is installed), kept."""

    __tablename__ = "annual_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    outline: Mapped[dict[str, Any]] = mapped_column(JSON)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="compiling")  # compiling, published
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    docx: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_note: Mapped[str] = mapped_column(String(300), default="")
    instance: Mapped[ProcessInstance | None] = relationship()
    chapters: Mapped[list[AnnualChapter]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                         order_by="AnnualChapter.id")


class AnnualChapter(Base):
    """A chapter of a year's report as its department submitted it: the sub-sections' text, cases and photos."""

    __tablename__ = "annual_chapter"
    __table_args__ = (UniqueConstraint("report_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_report.id"))
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    sections: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"heading", "text"}]
    cases: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"evidence_id", "filename"}]
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    report: Mapped[AnnualReport] = relationship(back_populates="chapters")
    submitted_by: Mapped[Person | None] = relationship()


class AppraisalWeight(Base):
    """The weight the quality office gave one component of 考核 (engine/reporting/appraisal_weights.py): the points
    of a rate (on_time, goals, plans, improvements; together 100) or the points one item takes off (warning,
    red_notice). A key without a row has its default."""

    __tablename__ = "appraisal_weight"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[Person | None] = relationship()
