"""The plans' tables: a plan, its phases, its sections (建设任务), its tasks (具体任务) and each task's
departments (one tracked cycle each), and the bulletins (工作通报) its office issued. Models never commit."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.org.models import Person, Unit
from engine.workflow.models import ProcessInstance

ROLES = {"lead": "牵头", "assist": "协同"}


class Plan(Base):
    """An action plan: its name, its span, and the office that organises, coordinates and 督办 it."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    period: Mapped[str] = mapped_column(String(20))  # the cycles' period: 2025-2028 (first year – last year)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    process_id: Mapped[str] = mapped_column(String(100), default="plan_task")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    office_unit: Mapped[Unit] = relationship()
    created_by: Mapped[Person | None] = relationship()


class PlanPhase(Base):
    """A phase of a plan (宣传动员, 全面实施, 整改提升) with its dates."""

    __tablename__ = "plan_phase"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanSection(Base):
    """A 建设任务 of a plan, the heading its 具体任务 stand under."""

    __tablename__ = "plan_section"
    __table_args__ = (UniqueConstraint("plan_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanTask(Base):
    """A 具体任务: what is to be done, its 量化目标, dates and phase; its departments are PlanAssignments."""

    __tablename__ = "plan_task"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("plan_section.id"))
    number: Mapped[str] = mapped_column(String(20))  # 序号 as written
    title: Mapped[str] = mapped_column(String(500))
    target: Mapped[str] = mapped_column(Text, default="")  # 量化目标
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("plan_phase.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    section: Mapped[PlanSection] = relationship()
    phase: Mapped[PlanPhase | None] = relationship()
    assignments: Mapped[list[PlanAssignment]] = relationship(back_populates="task", order_by="PlanAssignment.id")


class PlanAssignment(Base):
    """One department's share of a 具体任务 (牵头 or 协同): its tracked cycle once started, its reported progress.

    `starts_at` is set while the cycle waits for the task's 开始日期 (the tick's index); the cycle's own tasks
    carry the deadline, the ladder and the on-time count like every task."""

    __tablename__ = "plan_assignment"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"), Index("ix_plan_assignment_starts", "starts_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_task.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # lead | assist
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    percent: Mapped[int] = mapped_column(Integer, default=0)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    summary: Mapped[str] = mapped_column(Text, default="")  # the latest report's 本期进展
    task: Mapped[PlanTask] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()
    instance: Mapped[ProcessInstance | None] = relationship()


class PlanBulletin(Base):
    """A 工作通报 the plan's office issued: its number, its words, and the late items as they stood (kept)."""

    __tablename__ = "plan_bulletin"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)  # late items by department, frozen at issue
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    plan: Mapped[Plan] = relationship()
    issued_by: Mapped[Person | None] = relationship()
