"""Running cycles (process instances), the mirror of their manual tasks, candidates, comments and evidence."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.definitions.models import ProcessDefinition
from engine.org.models import Person, Subject, Unit


class ProcessInstance(Base):
    """One cycle of one subject for one period; `state` is the workflow without its spec."""

    __tablename__ = "process_instance"
    # Covers the on-time report too (engine/supervision/reports.py): it reads this index, never the rows.
    __table_args__ = (Index("ix_instance_subject_period_due", "subject_id", "unit_id", "period", "definition_id",
                            "due_tasks_open", "due_tasks_done", "due_tasks_on_time"),
                      # the 驾驶舱's running cycles by level and stage, read from the index alone
                      Index("ix_instance_status_stage", "status", "subject_id", "definition_id", "current_stage"))
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    # the unit the cycle is done for when not its subject's (a plan task's department): reports count it there
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    current_stage: Mapped[str] = mapped_column(String(32), default="")
    stages_done: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    incident: Mapped[str] = mapped_column(Text, default="")
    next_timer_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # Its tasks with a deadline: open, done, done by the deadline. Moved by engine/workflow/task_state.py.
    due_tasks_open: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_tasks_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_tasks_on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    definition: Mapped[ProcessDefinition] = relationship()
    subject: Mapped[Subject] = relationship()
    __mapper_args__ = {"version_id_col": version}

def _only_set(column: str) -> dict[str, Any]:
    """A partial index's options: only the rows where `column` is set (both dialects)."""
    return {"sqlite_where": text(f"{column} IS NOT NULL"), "postgresql_where": text(f"{column} IS NOT NULL")}


class HumanTask(Base):
    """A ready (or finished) manual task, mirrored from the workflow after every engine step."""

    __tablename__ = "human_task"
    # every index is written at each completion and each new task: the ladder's, the follow-ups' and 已办's hold
    # only the rows with a value there (migration 0018)
    __table_args__ = (Index("ix_task_assignee_status", "assignee_id", "status"),
                      Index("ix_task_instance_status", "instance_id", "status"),
                      Index("ix_task_next_rung", "next_rung_at", **_only_set("next_rung_at")),
                      Index("ix_task_follow_up", "follow_up_at", **_only_set("follow_up_at")),
                      Index("ix_task_done_by", "completed_by_id", "status", "completed_at",  # inbox “已办”
                            **_only_set("completed_by_id")),
                      # the 驾驶舱's on-time trend: tasks by deadline month, and the completions since a count
                      Index("ix_task_status_due_done", "status", "due_at", "completed_at"),
                      Index("ix_task_status_completed", "status", "completed_at", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(32), default="")
    role_name: Mapped[str] = mapped_column(String(100), default="")
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    unroutable: Mapped[bool] = mapped_column(Boolean, default=False)
    form_id: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rung: Mapped[str] = mapped_column(String(16), default="none")
    ladder: Mapped[str] = mapped_column(String(64), default="")
    working_days: Mapped[bool] = mapped_column(Boolean, default=False)  # deadline counted in working days
    next_rung_index: Mapped[int] = mapped_column(Integer, default=0)
    next_rung_at: Mapped[datetime | None] = mapped_column(DateTime)  # set only while open; the tick's index
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime)  # the owner's own 跟进提醒
    instance: Mapped[ProcessInstance] = relationship()
    # read, never written through (the ids are set; task_state.py): the unit of work skips them at every flush
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id], viewonly=True)
    completed_by: Mapped[Person | None] = relationship(foreign_keys=[completed_by_id], viewonly=True)
    scope_unit: Mapped[Unit | None] = relationship(viewonly=True)
    candidates: Mapped[list[Person]] = relationship(secondary="task_candidate", viewonly=True)

class TaskCandidate(Base):
    """A person who may claim an unassigned task."""

    __tablename__ = "task_candidate"
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)

class Comment(Base):
    """A remark left on a task by anyone who can see it."""

    __tablename__ = "task_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[Person] = relationship()

class TaskDraft(Base):
    """What someone has typed into a task's form but not submitted yet (their draft; files are not kept)."""

    __tablename__ = "task_draft"
    __table_args__ = (UniqueConstraint("task_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(DateTime)


class Evidence(Base):
    """An uploaded file (佐证材料) attached to a task through a filepicker field."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    field_key: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(500))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
