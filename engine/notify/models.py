"""Notification tables: the in-app list (the bell), the outgoing sends, each person's channels."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base
from engine.db.cache import Cached
from engine.org.models import Person


class Notification(Base):
    """One in-app notice for one person; unread until `read_at` is set."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_person_read", "person_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    person: Mapped[Person] = relationship()


class Delivery(Base):
    """One send of a notification on one outside channel; `next_attempt_at` is set only while it is due."""

    __tablename__ = "notification_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    notification: Mapped[Notification] = relationship()


class ChannelPreference(Cached, Base):
    """The outside channels one person chose (in-app needs no choice: it is always on)."""

    __tablename__ = "notification_preference"
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    wecom_webhook: Mapped[str] = mapped_column(String(500), default="")
    dingtalk_webhook: Mapped[str] = mapped_column(String(500), default="")


class Webhook(Cached, Base):
    """An address another system gave for Spiral's events (task created, task completed, notice issued, warning
    raised, cycle finished): each event is POSTed to it as JSON, signed with HMAC-SHA256 under `secret`."""

    __tablename__ = "webhook"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class WebhookDelivery(Base):
    """One event for one webhook, queued in the event's own transaction and sent by the tick, retried like a
    notification's delivery; the log the admin reads."""

    __tablename__ = "webhook_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    response_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    webhook: Mapped[Webhook] = relationship()
