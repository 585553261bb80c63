"""The database model: organisation, processes, running cycles, their tasks and the audit log.

Declared on a plain SQLAlchemy `DeclarativeBase`; `web/` wraps it with Flask-SQLAlchemy. Models never commit.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, event)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

LEVELS = ("school", "major", "course", "teacher", "student")


class Base(DeclarativeBase):
    """Declarative base of every Spiral table."""


class Unit(Base):
    """A node of the org tree: the school, a department (处室/专业部), a 教研室, a major, a course, a class."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Person(Base):
    """Somebody who logs in: staff, teachers, students."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    email: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[Unit | None] = relationship()
    holdings: Mapped[list[RoleHolding]] = relationship(back_populates="person",
                                                       foreign_keys="RoleHolding.person_id")

    # The user protocol Flask-Login reads; plain properties keep the engine free of Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Inactive people cannot log in."""
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)


class Role(Base):
    """A role of the org (课程负责人, 教研室主任…); `receives_unroutable` marks the quality office."""

    __tablename__ = "role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    receives_unroutable: Mapped[bool] = mapped_column(Boolean, default=False)
    heads_unit: Mapped[bool] = mapped_column(Boolean, default=False)  # 部门负责人, 专业部主任…: the ladder's unit head


class RoleHolding(Base):
    """Person P holds role R for unit U (and, by the walk up the tree, for everything below U)."""

    __tablename__ = "role_holding"
    __table_args__ = (UniqueConstraint("person_id", "role_id", "unit_id"),
                      Index("ix_role_holding_role_unit", "role_id", "unit_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person: Mapped[Person] = relationship(back_populates="holdings", foreign_keys=[person_id])
    role: Mapped[Role] = relationship()
    unit: Mapped[Unit] = relationship()


class Substitution(Base):
    """While away (leave, training) a person's new tasks go to a substitute, dates inclusive."""

    __tablename__ = "substitution"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    substitute: Mapped[Person] = relationship(foreign_keys=[substitute_id])


class Subject(Base):
    """What one cycle is about: the school, a major, a course, a teacher or a student."""

    __tablename__ = "subject"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    unit: Mapped[Unit] = relationship()
    person: Mapped[Person | None] = relationship()


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


class ProcessInstance(Base):
    """One cycle of one subject for one period; `state` is the workflow without its spec."""

    __tablename__ = "process_instance"
    # Covers the on-time report too (engine/supervision_reports.py): it reads this index, never the rows.
    __table_args__ = (Index("ix_instance_subject_period_due", "subject_id", "period", "definition_id",
                            "due_tasks_open", "due_tasks_done", "due_tasks_on_time"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
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
    # Its tasks with a deadline: open, done, done by the deadline. Kept at every flush by engine/tallies.py.
    due_tasks_open: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_tasks_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_tasks_on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    definition: Mapped[ProcessDefinition] = relationship()
    subject: Mapped[Subject] = relationship()
    __mapper_args__ = {"version_id_col": version}


class HumanTask(Base):
    """A ready (or finished) manual task, mirrored from the workflow after every engine step."""

    __tablename__ = "human_task"
    __table_args__ = (Index("ix_task_assignee_status", "assignee_id", "status"),
                      Index("ix_task_status_due", "status", "due_at"),
                      Index("ix_task_instance_status", "instance_id", "status"),
                      Index("ix_task_next_rung", "next_rung_at"),
                      Index("ix_task_follow_up", "follow_up_at"),
                      Index("ix_task_done_by", "completed_by_id", "status", "completed_at"))  # inbox “已办”
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
    # active_history: engine/tallies.py needs the value a change replaces, even when it was not loaded yet.
    status: Mapped[str] = mapped_column(String(16), default="open", active_history=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime, active_history=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, active_history=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rung: Mapped[str] = mapped_column(String(16), default="none")
    ladder: Mapped[str] = mapped_column(String(64), default="")
    working_days: Mapped[bool] = mapped_column(Boolean, default=False)  # deadline counted in working days
    next_rung_index: Mapped[int] = mapped_column(Integer, default=0)
    next_rung_at: Mapped[datetime | None] = mapped_column(DateTime)  # set only while open; the tick's index
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime)  # the owner's own 跟进提醒
    instance: Mapped[ProcessInstance] = relationship()
    assignee: Mapped[Person | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[Person | None] = relationship(foreign_keys=[completed_by_id])
    scope_unit: Mapped[Unit | None] = relationship()
    candidates: Mapped[list[Person]] = relationship(secondary="task_candidate")


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


class AuditEvent(Base):
    """Append-only record of one state change: who, what, when, before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_instance_at", "instance_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    actor: Mapped[Person | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise RuntimeError("the audit log is append-only")



from . import supervision_models  # noqa: E402,F401  - their tables belong to the same metadata
from . import tallies  # noqa: E402,F401  - keeps ProcessInstance.due_tasks_* at every flush
