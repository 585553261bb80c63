"""The tick's part for schedules: launch every due schedule once, with the bulk launch's steps.

A due schedule is claimed with a conditional UPDATE of its `next_run_at` (only the tick that still sees the
old value moves it on), committed before anything is started, so two ticks that race, or one tick run again,
launch a run once. The bulk launch skips subjects already started in the period, so a run cut short is
finished by starting the same period by hand (批量启动) without doubles.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.db.session import rowcount
from engine.errors import SpiralError
from engine.workflow.launch import bulk_launch

from .models import Schedule
from .runs import next_run, runs_between
from .schedules import describe

log = logging.getLogger(__name__)
MAX_PER_TICK = 20  # runs launched by one tick; the rest wait for the next


def launch_due_schedules(session: Session, now: datetime) -> int:
    """Launch the runs due by `now` (each once); returns how many cycles were started."""
    started = 0
    for _ in range(MAX_PER_TICK):
        schedule = session.scalars(select(Schedule).where(Schedule.next_run_at <= now, Schedule.active.is_(True))
                                   .order_by(Schedule.next_run_at, Schedule.id).limit(1)).first()
        if schedule is None:
            break
        claimed = _claim(session, schedule)
        if claimed is None:
            continue
        started += _launch(session, schedule.id, claimed[0], claimed[1], now)
    return started


def _claim(session: Session, schedule: Schedule) -> tuple[str, datetime] | None:
    """Move the schedule past its due run; (period, run time) when this tick won it, None otherwise."""
    due_at = schedule.next_run_at
    assert due_at is not None
    today = [r for r in runs_between(session, schedule, due_at.date(), due_at.date())
             if r.period > schedule.last_period]
    after = next_run(session, schedule, due_at.date() + timedelta(days=1))
    values: dict[str, object] = {"next_run_at": after.at if after else None}
    if today:
        values.update(last_run_at=due_at, last_period=today[0].period)
    won = session.execute(update(Schedule).where(Schedule.id == schedule.id, Schedule.next_run_at == due_at)
                          .values(**values).execution_options(synchronize_session=False))
    session.commit()
    session.expire(schedule)
    if rowcount(won) != 1 or not today:
        return None  # another tick took it, or the calendar moved the run (counted again from there)
    return today[0].period, due_at


def _launch(session: Session, schedule_id: int, period: str, due_at: datetime, now: datetime) -> int:
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        return 0
    what = f"{schedule.process_id}，{describe(schedule)}"
    try:
        result = bulk_launch(session, None, schedule.process_id, period, now)
    except SpiralError as exc:
        session.rollback()
        audit.record(session, None, "schedule.failed", now, object_type="schedule", object_id=schedule_id,
                     summary=f"定期启动未能执行（{what}，{period}）：{exc.message}",
                     after={"period": period, "due_at": due_at.isoformat()})
        session.commit()
        return 0
    audit.record(session, None, "schedule.ran", now, object_type="schedule", object_id=schedule_id,
                 summary=f"定期启动（{what}）：{period} 启动 {len(result.started)}，跳过 {len(result.skipped)}，"
                         f"失败 {len(result.failed)}",
                 after={"period": period, "due_at": due_at.isoformat(),
                        "started": [i for _n, i in result.started], "failed": result.failed})
    session.commit()
    return len(result.started)
