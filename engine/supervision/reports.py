"""Supervision figures: on-time completion rates by department, level and period; the notices as a workbook."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.definitions.models import ProcessDefinition
from engine.org.departments import department_names, subject_departments
from engine.sheets import SheetData, typed_workbook
from engine.workflow.models import HumanTask, ProcessInstance

GROUPS = ("department", "level", "period")
# What the counts are grouped by in SQL; a subject stands for its department (mapped in Python: the covering
# index on process_instance leads with subject_id, so that grouping needs neither a join nor a sort).
# A cycle done for a unit of its own (a plan task for 财务科) counts in that unit's department.
GROUP_COLUMNS = {"department": ProcessInstance.subject_id, "level": ProcessDefinition.level,
                 "period": ProcessInstance.period}
UNIT = ProcessInstance.unit_id


@dataclass
class RateRow:
    """On-time figures for one department, level or period."""

    key: str
    done: int = 0
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0

    @property
    def rate(self) -> float | None:
        """On-time completions over everything that was due (late completions and overdue open tasks count)."""
        total = self.done + self.overdue_open
        return self.on_time / total if total else None


def on_time_rates(session: Session, group: str, now: datetime, period: str = "") -> list[RateRow]:
    """On-time rate of tasks with a deadline, grouped by department, level or period; raises ValueError for
    another group. Sums each cycle's kept counts (engine/workflow/cycle_counts.py); counts only overdue open tasks one by one."""
    if group not in GROUPS:
        raise ValueError(group)
    names = subject_departments(session) if group == "department" else None
    units = department_names(session) if group == "department" else {}

    def key_of(value: Any, unit_id: int | None) -> Any:
        if names is None:
            return value  # a level or a period
        return units.get(unit_id, "") if unit_id is not None else names.get(value, "")

    sums: dict[Any, list[int]] = {}  # key → [done, on time, open past the deadline]
    for value, unit_id, still_open, done, on_time in session.execute(_counts_query(group, period)):
        if still_open or done:
            found = sums.setdefault(key_of(value, unit_id), [0, 0, 0])
            found[0] += done
            found[1] += on_time
    for (value, unit_id), overdue in Counter((v, u) for v, u in session.execute(_overdue_query(group, now, period))).items():
        sums.setdefault(key_of(value, unit_id), [0, 0, 0])[2] += overdue
    rows = [RateRow(key, done=int(done), on_time=int(on_time), late=int(done) - int(on_time),
                    overdue_open=overdue) for key, (done, on_time, overdue) in sums.items()]
    return sorted(rows, key=lambda r: (r.rate is None, -(r.rate or 0), r.key))


def _counts_query(group: str, period: str) -> Select[Any]:
    """Per group: the cycles' open, done and on-time counts of tasks with a deadline."""
    query = select(GROUP_COLUMNS[group], UNIT, func.sum(ProcessInstance.due_tasks_open),
                   func.sum(ProcessInstance.due_tasks_done), func.sum(ProcessInstance.due_tasks_on_time))
    return _scoped(query.select_from(ProcessInstance), group, period).group_by(GROUP_COLUMNS[group], UNIT)


def _overdue_query(group: str, now: datetime, period: str) -> Select[Any]:
    """The group of each open task past its deadline at `now`, one row per task: ungrouped, so the plan starts
    from the index on status and due_at (a GROUP BY would tempt SQLite to walk every cycle instead)."""
    query = (select(GROUP_COLUMNS[group], UNIT).select_from(HumanTask)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .where(HumanTask.status == "open", HumanTask.due_at < now))
    return _scoped(query, group, period)


def _scoped(query: Select[*tuple[Any, ...]], group: str, period: str) -> Select[*tuple[Any, ...]]:
    """`query`, which reads process_instance, joined to what the group needs and limited to one period."""
    if group == "level":
        query = query.join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
    if period:
        query = query.where(ProcessInstance.period == period)
    return query


def periods(session: Session) -> list[str]:
    """Every period a cycle has run in, newest first."""
    return sorted(session.scalars(select(ProcessInstance.period).distinct()), reverse=True)


def notices_workbook(rows: list[dict[str, Any]], headers: list[tuple[str, str]], title: str,
                     school: str = "") -> bytes:
    """An .xlsx workbook with one sheet: a header row (labels) and one row per notice dict, coloured by its
    `colour`; the school's name is its author and the start of its title (typed cells: engine/sheets.py)."""
    return typed_workbook([SheetData(title, [label for _, label in headers],
                                     [[row.get(key) for key, _ in headers] for row in rows],
                                     [str(row.get("colour") or "") or None for row in rows])],
                          creator=school, title=f"{school} {title}" if school else "")
