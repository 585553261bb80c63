"""The reports room's tables: the Word templates the quality office uploaded, each kind's versions kept."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.org.models import Person


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
