"""Scheduled cycles: a process launched for every subject of its level at a time the school's calendar gives."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base

RULES = ("after_term_end", "yearly")


class Schedule(Base):
    """"Every course, 10 working days after each term ends" (rule after_term_end, working_days 10; period =
    that term) or "the school, every year on 07-01" (rule yearly, month_day 07-01; period = the academic year
    holding that day). `next_run_at` is what the tick asks for (null while paused or when no run is left)."""

    __tablename__ = "schedule"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(20))
    working_days: Mapped[int] = mapped_column(Integer, default=0)
    month_day: Mapped[str] = mapped_column(String(5), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_period: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
