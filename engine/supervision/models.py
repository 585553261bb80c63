"""Tables of supervision (督办): escalation ladders, the notices they issue, and each notice's timeline."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.db.cache import Cached
from engine.org.models import Person, Unit
from engine.workflow.models import HumanTask, ProcessInstance

STATUSES = ("open", "extended", "escalated", "completed", "closed")
ACTIVE = ("open", "extended")  # a notice still waiting for its task (escalated, completed and closed are not)


class Ladder(Cached, Base):
    """An escalation ladder: ordered rungs, each at a fraction of the time or an offset from due (see ladders.py)."""

    __tablename__ = "ladder"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    rungs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SupervisionNotice(Base):
    """A notice of the ladder (黄色预警通知单, 橙色督办单, 红色问责单) about one late task."""

    __tablename__ = "supervision_notice"
    __table_args__ = (Index("ix_notice_status_colour", "status", "colour"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    colour: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(50))
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    issuing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    responsible_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # 处室/专业部 of the subject
    level: Mapped[str] = mapped_column(String(16), default="")
    period: Mapped[str] = mapped_column(String(20), default="")
    matter: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    negative_list: Mapped[bool] = mapped_column(Boolean, default=False)
    task: Mapped[HumanTask] = relationship()
    instance: Mapped[ProcessInstance] = relationship()
    issuing_unit: Mapped[Unit | None] = relationship(foreign_keys=[issuing_unit_id])
    responsible_unit: Mapped[Unit | None] = relationship(foreign_keys=[responsible_unit_id])
    department: Mapped[Unit | None] = relationship(foreign_keys=[department_id])
    supervisor: Mapped[Person | None] = relationship(foreign_keys=[supervisor_id])
    responsible_person: Mapped[Person | None] = relationship(foreign_keys=[responsible_person_id])
    actions: Mapped[list[NoticeAction]] = relationship(order_by="NoticeAction.id", back_populates="notice")


class NoticeAction(Base):
    """One line of a notice's timeline: 发起督办, 催办, 改派, 延期, 约谈, 升级, 完成, 办结."""

    __tablename__ = "notice_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("supervision_notice.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    notice: Mapped[SupervisionNotice] = relationship(back_populates="actions")
    actor: Mapped[Person | None] = relationship()
