"""The append-only audit log: every state change writes one event."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from .models import AuditEvent, HumanTask, Person, ProcessInstance


def values(action: str, at: datetime, *, actor_id: int | None = None, summary: str = "",
           instance_id: int | None = None, task_id: int | None = None, object_type: str = "",
           object_id: str | int = "", before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> dict[str, Any]:
    """The columns of one audit event."""
    return {"at": at, "actor_id": actor_id, "action": action, "instance_id": instance_id, "task_id": task_id,
            "object_type": object_type, "object_id": str(object_id), "summary": summary[:500],
            "before": before, "after": after}


def record(session: Session, actor: Person | None, action: str, at: datetime, *, summary: str = "",
           instance: ProcessInstance | None = None, task: HumanTask | None = None, object_type: str = "",
           object_id: str | int = "", before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> AuditEvent:
    """Add one audit event to the session (the caller's transaction commits it)."""
    event = AuditEvent(**values(action, at, actor_id=actor.id if actor else None, summary=summary,
                                instance_id=instance.id if instance else None, task_id=task.id if task else None,
                                object_type=object_type, object_id=object_id, before=before, after=after))
    session.add(event)
    return event


def record_all(session: Session, events: list[dict[str, Any]]) -> None:
    """Write many audit events (each made by `values`) in one statement, in order."""
    if events:
        session.execute(insert(AuditEvent.__table__), events)
