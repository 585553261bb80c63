"""The on-time trend's months, kept in the database: the tick counts the tasks due in each of the last `MONTHS`
ended months and in the current one once an hour (and when a month has just ended), so the 驾驶舱 reads a couple of
dozen rows and moves them by what was completed since, instead of counting the school year's tasks at each read.

A done task never changes, so the kept counts moved by the completions since `counted_at` are exact; the hourly
recount only bounds how many completions a page moves them by. A month's figure counts every task due in it that
is done (one due later this month and done early is on time), as the 按时完成率 report does.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from engine.workflow.models import HumanTask

from .models import TaskMonthCount

MONTHS = 24  # ended months kept: the trend shows 12
RECOUNT = timedelta(hours=1)
SETTLE = timedelta(minutes=5)  # the tick counts what was done 5 minutes ago: no completion still uncommitted


def month_of(session: Session) -> Any:
    """SQL for a task's deadline month, YYYY-MM."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", HumanTask.due_at)
    return func.to_char(HumanTask.due_at, "YYYY-MM")


def month_names(first: datetime, end: datetime) -> list[str]:
    """YYYY-MM of every month from the one of `first` up to (not including) the one of `end`."""
    names = []
    year, month = first.year, first.month
    while (year, month) < (end.year, end.month):
        names.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return names


def _first_kept(now: datetime) -> datetime:
    year, month = now.year, now.month - MONTHS
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 1)


def kept_months(session: Session, names: list[str]) -> tuple[datetime, dict[str, tuple[int, int]]] | None:
    """(when they were counted, month → (done, on time)) for every month of `names`, or None when the tick has
    not counted them all in one count."""
    if not names:
        return None
    rows = session.execute(select(TaskMonthCount.month, TaskMonthCount.done, TaskMonthCount.on_time,
                                  TaskMonthCount.counted_at).where(TaskMonthCount.month.in_(names))).all()
    if len(rows) != len(names) or len({counted_at for *_, counted_at in rows}) != 1:
        return None
    return rows[0][3], {month: (int(done), int(on_time)) for month, done, on_time, _ in rows}


def count_months(session: Session, start: datetime, end: datetime, until: datetime,
                 cycles: list[int] | None = None) -> dict[str, tuple[int, int]]:
    """month → (done, on time) of the tasks due in [start, end) done before `until` (of `cycles` when given);
    what is done at `until` or later is moved in by the reader (completed in [since, now])."""
    month = month_of(session)
    on_time = func.sum(case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0))
    query = (select(month, func.count(), on_time)
             .where(HumanTask.status == "done", HumanTask.due_at >= start, HumanTask.due_at < end,
                    HumanTask.completed_at < until).group_by(month))
    if cycles is not None:
        query = query.where(HumanTask.instance_id.in_(cycles))
    return {str(name): (int(count), int(timely or 0)) for name, count, timely in session.execute(query)}


def next_month(moment: datetime) -> datetime:
    """The first moment of the month after the one of `moment`."""
    return datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1)


def refresh_month_counts(session: Session, now: datetime, force: bool = False) -> bool:
    """Count the last MONTHS ended months and the current one again (what was done SETTLE before `now`) when the
    kept counts are older than an hour or a month has ended since (or `force`); commits. True when it counted."""
    end = next_month(now)
    names = month_names(_first_kept(now), end)
    kept = kept_months(session, names)
    if not force and kept is not None and SETTLE <= now - kept[0] < RECOUNT + SETTLE:
        return False
    counted_at = now - SETTLE
    counts = count_months(session, _first_kept(now), end, counted_at)
    session.execute(delete(TaskMonthCount))
    session.add_all(TaskMonthCount(month=name, done=counts.get(name, (0, 0))[0], on_time=counts.get(name, (0, 0))[1],
                                   counted_at=counted_at) for name in names)
    session.commit()
    return True
