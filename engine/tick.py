"""The scheduler's tick: fire due BPMN timers, start plan tasks whose day has come, climb due ladder rungs,
send follow-ups and notifications, launch the scheduled cycles that are due; once an hour, count the 驾驶舱's
ended months (engine/reporting/months.py).

Each part is an indexed query on a `next_…_at` column, so a tick costs what is due, not what exists. A lease
in the database (`scheduler_lock`) lets only one process tick at a time; the lease is measured on the wall
clock, because the tick's own `now` may be a time the operator travels to.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import audit
from .calendar.closures import load_calendar
from .db.base import Base
from .db.session import rowcount
from .definitions.specs import loaded_for
from .errors import ScriptError
from .notify.delivery import deliver_pending
from .notify.webhooks import deliver_webhooks
from .planning.activities.notices import send_due_reminders
from .planning.launching import launch_due_schedules
from .planning.plans.launch import start_due_assignments
from .reporting.months import refresh_month_counts
from .supervision.climb import fire_due_rungs, fire_follow_ups
from .workflow.mirror import sync_tasks
from .workflow.models import ProcessInstance
from .workflow.runtime import runtime_of

log = logging.getLogger(__name__)
LOCK_NAME = "tick"
LEASE = timedelta(minutes=10)
MAX_CATCH_UP = 100


class SchedulerLock(Base):
    """A lease in the database so that only one process runs the tick at a time."""

    __tablename__ = "scheduler_lock"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100), default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime)


def holder_name() -> str:
    """Who holds the lock: host, process, thread and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"[:100]


def _wall_now() -> datetime:
    return datetime.now().replace(microsecond=0)


def acquire_lock(session: Session, holder: str, lease: timedelta = LEASE) -> bool:
    """Take the tick lease unless another live holder has it; commits."""
    wall = _wall_now()
    if session.get(SchedulerLock, LOCK_NAME) is None:
        try:
            with session.begin_nested():
                session.add(SchedulerLock(name=LOCK_NAME, holder="", expires_at=wall - timedelta(seconds=1)))
        except IntegrityError:
            pass
        session.commit()
    taken = session.execute(update(SchedulerLock).where(
        SchedulerLock.name == LOCK_NAME, (SchedulerLock.expires_at < wall) | (SchedulerLock.holder == holder))
        .values(holder=holder, expires_at=wall + lease).execution_options(synchronize_session=False))
    session.commit()
    return rowcount(taken) == 1


def release_lock(session: Session, holder: str) -> None:
    """Give the lease back (only if we still hold it)."""
    session.rollback()
    session.execute(update(SchedulerLock).where(SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == holder)
                    .values(holder="", expires_at=_wall_now() - timedelta(seconds=1))
                    .execution_options(synchronize_session=False))
    session.commit()


def fire_timers(session: Session, now: datetime) -> int:
    """Advance every running cycle whose earliest waiting timer is due; commits per cycle."""
    runtime = runtime_of(session)
    fired = 0
    due = select(ProcessInstance).where(ProcessInstance.next_timer_at <= now, ProcessInstance.status == "running")
    for instance in session.scalars(due.order_by(ProcessInstance.next_timer_at)).all():
        try:
            loaded = loaded_for(session, instance.definition)
            workflow = runtime.load(loaded, instance.state)
            for _ in range(MAX_CATCH_UP):  # a cycle timer (R5/P1D) fires one period per pass: catch up
                runtime.advance(workflow, now)
                upcoming = runtime.next_timer_at(workflow, now)
                if upcoming is None or upcoming > now:
                    break
            instance.state = runtime.dump(workflow)
            sync_tasks(session, instance, workflow, loaded.meta, None, now)
            session.commit()
        except Exception as exc:  # noqa: BLE001 - one failing cycle must not stop the others' timers
            _record_incident(session, instance, exc, now)
            continue
        fired += 1
    return fired


def _record_incident(session: Session, instance: ProcessInstance, exc: Exception, now: datetime) -> None:
    """Roll the cycle's step back and record why it failed; the timer waits for someone to retry."""
    session.rollback()
    if isinstance(exc, ScriptError):
        message = exc.message
    else:
        log.exception("timer of cycle %s failed", instance.id)
        message = f"定时器推进时出错（{type(exc).__name__}），请联系管理员查看日志"
    instance.incident, instance.next_timer_at = message, None
    audit.record(session, None, "instance.incident", now, instance=instance, summary=message)
    session.commit()


def run_tick(session: Session, now: datetime, holder: str | None = None) -> dict[str, int]:
    """One tick as of `now`: timers, rungs, follow-ups, scheduled cycles, notifications; skipped if another
    process ticks."""
    holder = holder or holder_name()
    if not acquire_lock(session, holder):
        return {"skipped": 1, "timers": 0, "plan_tasks": 0, "rungs": 0, "follow_ups": 0, "activity_reminders": 0,
                "sent": 0, "failed": 0, "scheduled": 0, "webhooks": 0, "month_counts": 0}
    try:
        result = {"skipped": 0, "timers": fire_timers(session, now)}
        result["plan_tasks"] = start_due_assignments(session, now)
        result["rungs"] = fire_due_rungs(session, now, load_calendar(session))
        result["follow_ups"] = fire_follow_ups(session, now)
        result["activity_reminders"] = send_due_reminders(session, now)
        result["scheduled"] = launch_due_schedules(session, now)
        result["webhooks"] = deliver_webhooks(session, now)["sent"]
        counts = deliver_pending(session, now)
        result.update(sent=counts.get("sent", 0), failed=counts.get("failed", 0))
        result["month_counts"] = int(refresh_month_counts(session, now))  # last: hourly, after what is due
        return result
    finally:
        release_lock(session, holder)
