"""Supervision figures: on-time completion rates by department, level and period; the notices as a workbook."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any, Sequence, TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .models import HumanTask, ProcessDefinition, ProcessInstance, Subject, Unit

GROUPS = ("department", "level", "period")
T = TypeVar("T")


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


def department_in(chain: Sequence[T]) -> T:
    """The department of the first unit of `chain` (that unit, then its ancestors up to the school): the unit
    just under the school, or the school itself."""
    return chain[-2] if len(chain) >= 2 else chain[-1]


def departments(session: Session) -> dict[int, Unit]:
    """Each unit's department, by unit id."""
    units = {u.id: u for u in session.scalars(select(Unit))}
    found: dict[int, Unit] = {}
    for unit_id, unit in units.items():
        chain = [unit]
        while chain[-1].parent_id and chain[-1].parent_id in units and len(chain) < 50:
            chain.append(units[chain[-1].parent_id])
        found[unit_id] = department_in(chain)
    return found


def on_time_rates(session: Session, group: str, now: datetime, period: str = "") -> list[RateRow]:
    """On-time rate of tasks with a deadline, grouped by department, level or period (counted in the database)."""
    if group not in GROUPS:
        raise ValueError(group)
    on_time = case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0)
    query = (select(Subject.unit_id, ProcessDefinition.level, ProcessInstance.period, HumanTask.status,
                    func.count(), func.sum(on_time),
                    func.sum(case((HumanTask.due_at < now, 1), else_=0)))
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .join(Subject, Subject.id == ProcessInstance.subject_id)
             .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
             .where(HumanTask.due_at.is_not(None), HumanTask.status.in_(("open", "done")))
             .group_by(Subject.unit_id, ProcessDefinition.level, ProcessInstance.period, HumanTask.status))
    if period:
        query = query.where(ProcessInstance.period == period)
    names = {k: u.name for k, u in departments(session).items()} if group == "department" else {}
    rows: dict[str, RateRow] = {}
    for unit_id, level, inst_period, status, count, timely, past_due in session.execute(query):
        key = {"department": names.get(unit_id, ""), "level": level, "period": inst_period}[group]
        row = rows.setdefault(key, RateRow(key))
        if status == "done":
            row.done += count
            row.on_time += int(timely or 0)
            row.late += count - int(timely or 0)
        else:
            row.overdue_open += int(past_due or 0)
    return sorted(rows.values(), key=lambda r: (r.rate is None, -(r.rate or 0), r.key))


def periods(session: Session) -> list[str]:
    """Every period a cycle has run in, newest first."""
    return sorted(set(session.scalars(select(ProcessInstance.period))), reverse=True)


def notices_workbook(rows: list[dict[str, Any]], headers: list[tuple[str, str]], title: str) -> bytes:
    """An .xlsx workbook with one sheet: a header row (labels) and one row per notice dict."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([label for _, label in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fills = {"red": "FFE3E3", "orange": "FFE8CC", "yellow": "FFF3BF"}
    for row in rows:
        sheet.append([row.get(key) if not isinstance(row.get(key), bool) else ("是" if row[key] else "否")
                      for key, _ in headers])
        colour = fills.get(str(row.get("colour")))
        if colour:
            for cell in sheet[sheet.max_row]:
                cell.fill = PatternFill("solid", fgColor=colour)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 1.6))
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
