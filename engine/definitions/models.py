"""Deployed process definitions (one row per version) and the quality office's drafts."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class ProcessDefinition(Base):
    """One deployed version of one BPMN process; running instances stay on their version."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    xml: Mapped[str] = mapped_column(Text, deferred=True)  # read when first parsed; the spec is cached
    sha256: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(DateTime)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    comment: Mapped[str] = mapped_column(String(500), default="")



class ProcessDraft(Base):
    """The modeler's unsaved work on one process: kept until it is deployed."""

    __tablename__ = "process_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), unique=True)
    xml: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
