"""The append-only audit log: every state change writes one event (who, what, when, before and after).

Below every room: it knows people, cycles and tasks only by their ids.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event, insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engine.db.base import Base
from engine.db.prepared import Prepared

if TYPE_CHECKING:
    from engine.org.models import Person


class HasId(Protocol):
    """Any row with an integer id: a person, a cycle, a task."""

    id: int


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
    via: Mapped[str] = mapped_column(String(100), default="", server_default="")  # e.g. the API token's name
    actor: Mapped[Person | None] = relationship()

# session.info key: how the acting person reached the engine ("API 令牌“教务系统”"), written on every event
VIA = "audit_via"
_HELD = "audit_held"  # session.info key: the events kept since `hold`


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise RuntimeError("the audit log is append-only")


_INSERT = Prepared(insert(AuditEvent.__table__), by_columns=True)  # built once: every state change writes through it


def values(action: str, at: datetime, *, actor_id: int | None = None, summary: str = "",
           instance_id: int | None = None, task_id: int | None = None, object_type: str = "",
           object_id: str | int = "", before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> dict[str, Any]:
    """The columns of one audit event."""
    return {"at": at, "actor_id": actor_id, "action": action, "instance_id": instance_id, "task_id": task_id,
            "object_type": object_type, "object_id": str(object_id), "summary": summary[:500],
            "before": before, "after": after, "via": ""}


def hold(session: Session) -> None:
    """From now on keep the session's audit events and write them together at `write_held` (a completion writes
    three or four: one statement, and on PostgreSQL one round trip). The caller ends every path with `write_held`
    or `drop_held`."""
    session.info[_HELD] = []


def write_held(session: Session) -> None:
    """Write the events kept since `hold`, in order, and write each later one at once again."""
    _INSERT.run_many(session, session.info.pop(_HELD, None) or [])


def drop_held(session: Session) -> None:
    """Forget the events kept since `hold` (the transaction is being rolled back)."""
    session.info.pop(_HELD, None)


def record(session: Session, actor: HasId | None, action: str, at: datetime, *, summary: str = "",
           instance: HasId | None = None, task: HasId | None = None, object_type: str = "",
           object_id: str | int = "", before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> None:
    """Write one audit event in the caller's transaction (its commit keeps it, its rollback drops it); kept for
    `write_held` while the caller holds them.

    A plain INSERT at once, not an ORM object left for the next flush: every service writes one or more, and the
    unit of work costs several times the statement."""
    row = values(action, at, actor_id=actor.id if actor else None, summary=summary,
                 instance_id=instance.id if instance else None, task_id=task.id if task else None,
                 object_type=object_type, object_id=object_id, before=before, after=after)
    row["via"] = str(session.info.get(VIA, ""))[:100]
    kept = session.info.get(_HELD)
    if kept is not None:
        kept.append(row)
        return
    _INSERT.run(session, row)


def record_all(session: Session, events: list[dict[str, Any]]) -> None:
    """Write many audit events (each made by `values`) in one statement, in order."""
    if events:
        via = str(session.info.get(VIA, ""))[:100]
        rows = [{**e, "via": via} for e in events] if via else events
        kept = session.info.get(_HELD)
        if kept is not None:
            kept.extend(rows)
            return
        session.execute(insert(AuditEvent.__table__), rows)
