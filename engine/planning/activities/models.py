"""The activities room's tables: activity plans (家长学校 2025-2026), their events (lectures, open days), the
sign-ins (签到) and the feedback answers. Models never commit."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.org.models import Person, Unit
from engine.workflow.models import ProcessInstance

EVENT_STATUSES = {"draft": "草稿", "published": "已发布", "closed": "已结束", "cancelled": "已取消"}
SIGN_IN_KINDS = {"staff": "教职工", "student": "学生", "external": "校外人员"}


class ActivityPlan(Base):
    """A year's plan of activities of one kind (家长学校 2025-2026), kept by an organiser unit."""

    __tablename__ = "activity_plan"
    __table_args__ = (UniqueConstraint("name", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[str] = mapped_column(String(20), index=True)  # 2025-2026
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    # 优秀学员: attended at least this share of the plan's events (percent)
    excellent_percent: Mapped[int] = mapped_column(Integer, default=80)
    # the process each closed event starts for its organiser's 活动总结 (processes/activity.bpmn)
    summary_process: Mapped[str] = mapped_column(String(100), default="activity_summary")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    unit: Mapped[Unit] = relationship()
    events: Mapped[list[ActivityEvent]] = relationship(back_populates="plan", order_by="ActivityEvent.starts_at")


class ActivityEvent(Base):
    """One event of a plan: a lecture's time, place, theme and audience, its sign-in link and questionnaire.

    `sign_in_token` is random and unguessable: the public page /s/<token> needs no account. `next_reminder_at` is
    when the tick tells the audience again (the day before); None once told or when not published."""

    __tablename__ = "activity_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("activity_plan.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(500), default="")  # 全体家长, 2024级家长…
    audience_unit_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    audience_role_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    programme: Mapped[str] = mapped_column(Text, default="")
    questionnaire: Mapped[str] = mapped_column(String(100), default="")  # a form id, "" = no feedback
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    sign_in_token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # EVENT_STATUSES
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_reminder_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    summary_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    plan: Mapped[ActivityPlan] = relationship(back_populates="events")
    organiser: Mapped[Person] = relationship()
    summary_instance: Mapped[ProcessInstance | None] = relationship()


class ActivitySignIn(Base):
    """One person signed in at one event: a staff member or student by account, or someone outside (a parent) by
    name and phone. A phone signs in once per event (the unique index; NULL phones do not collide)."""

    __tablename__ = "activity_sign_in"
    __table_args__ = (UniqueConstraint("event_id", "phone"), UniqueConstraint("event_id", "person_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("activity_event.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))  # digits only, 11 for a mainland mobile
    kind: Mapped[str] = mapped_column(String(16))  # SIGN_IN_KINDS
    student_name: Mapped[str] = mapped_column(String(100), default="")  # a parent's child
    student_class: Mapped[str] = mapped_column(String(100), default="")
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    # True once this sign-in answered the questionnaire; an anonymous answer is not linked back to it
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    person: Mapped[Person | None] = relationship()


class FeedbackResponse(Base):
    """One answer to an event's questionnaire; `person_id` and `sign_in_id` stay empty when it is anonymous."""

    __tablename__ = "activity_feedback"
    __table_args__ = (UniqueConstraint("event_id", "sign_in_id"), Index("ix_activity_feedback_event", "event_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("activity_event.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    sign_in_id: Mapped[int | None] = mapped_column(ForeignKey("activity_sign_in.id"))
    form_id: Mapped[str] = mapped_column(String(100))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
