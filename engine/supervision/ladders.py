"""Escalation ladders as data, and when each rung of a task's ladder falls.

A ladder is a list of rungs, in order. Each rung has:
- `key` (unique in the ladder) and `label` (Chinese, shown to people);
- `colour`: yellow, orange, red, or "" for a plain reminder that does not change the task's colour;
- when it fires, one of `elapsed` (fraction of the time from creation to due, 0 < f ≤ 1), `before_due` or
  `after_due` (an ISO duration; counted in working time when the task's deadline is in working days);
- `notify`: who is told: `owner`, `unit_head` (the nearest head of the task's unit), or a role code/name;
- `supervisor`: who supervises the notice (same vocabulary), `notice`: the notice issued ("" = none);
- `takeover`: optional; the task is reassigned to this target when the rung fires;
- `negative_list`: the notice enters the yearly appraisal negative list (红色问责).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.calendar.deadlines import OFFICIAL, WorkCalendar, parse_duration
from engine.db.cache import snapshot
from engine.errors import InvalidInput, NotAllowed, NotFound, Problem
from engine.org.access import is_quality_office
from engine.org.models import Person, Role
from engine.workflow.models import HumanTask

from .models import Ladder

DEFAULT_LADDER = "default"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LadderInfo:
    """A ladder as the engine reads it (the ORM row stays with the settings pages)."""

    name: str
    label: str
    rungs: list[dict[str, Any]]
COLOURS = ("yellow", "orange", "red")
COLOUR_RANK = {"none": 0, "yellow": 1, "orange": 2, "red": 3}
WHEN_KEYS = ("elapsed", "before_due", "after_due")
FIXED_TARGETS = ("owner", "unit_head")

SHIPPED_LADDERS: list[dict[str, Any]] = [
    {"name": DEFAULT_LADDER, "label": "三色督办（默认）",
     "description": "剩余 30% 时间黄色预警，剩余 15% 橙色督办由分管校领导介入，逾期红色问责并列入年度考核负面清单。",
     "rungs": [
         {"key": "remind", "label": "到期前提醒", "colour": "", "before_due": "P1D", "notify": ["owner"],
          "supervisor": "", "notice": ""},
         {"key": "yellow", "label": "黄色预警", "colour": "yellow", "elapsed": 0.7,
          "notify": ["owner", "unit_head"], "supervisor": "unit_head", "notice": "黄色预警通知单"},
         {"key": "orange", "label": "橙色督办", "colour": "orange", "elapsed": 0.85,
          "notify": ["owner", "unit_head", "vice_principal"], "supervisor": "vice_principal",
          "notice": "橙色督办单"},
         {"key": "red", "label": "红色问责", "colour": "red", "after_due": "P0D",
          "notify": ["owner", "unit_head", "principal", "supervisor"], "supervisor": "principal",
          "notice": "红色问责单", "negative_list": True},
     ]},
    {"name": "takeover", "label": "逾期接管",
     "description": "剩余 50% 时间提醒本人；逾期 1 个工作日仍未办理，由部门负责人接管并发出橙色督办单。",
     "rungs": [
         {"key": "remind", "label": "过半提醒", "colour": "", "elapsed": 0.5, "notify": ["owner"],
          "supervisor": "", "notice": ""},
         {"key": "yellow", "label": "黄色预警", "colour": "yellow", "after_due": "P0D",
          "notify": ["owner", "unit_head"], "supervisor": "unit_head", "notice": "黄色预警通知单"},
         {"key": "orange", "label": "接管督办", "colour": "orange", "after_due": "P1D",
          "notify": ["owner", "unit_head", "vice_principal"], "supervisor": "vice_principal",
          "notice": "橙色督办单", "takeover": "unit_head"},
     ]},
]


def validate_rungs(session: Session, rungs: Any) -> list[dict[str, Any]]:
    """Check a ladder's rungs; raises InvalidInput listing every problem."""
    errors: dict[str, list[str]] = {}
    if not isinstance(rungs, list) or not rungs:
        raise InvalidInput("阶梯至少需要一级", {"rungs": ["请至少填写一级"]})
    roles = {r for row in session.execute(select(Role.code, Role.name)) for r in row}
    seen: set[str] = set()
    for n, rung in enumerate(rungs, 1):
        problems = errors.setdefault(f"rung{n}", [])
        key = str(rung.get("key", "")).strip()
        if not key or key in seen:
            problems.append("每一级需要一个不重复的标识")
        seen.add(key)
        if rung.get("colour", "") not in ("",) + COLOURS:
            problems.append("颜色只能是 yellow、orange、red 或留空（仅提醒）")
        whens = [k for k in WHEN_KEYS if rung.get(k) not in (None, "")]
        if len(whens) != 1:
            problems.append("请在“已用时间比例”“到期前”“逾期后”中选且只选一种触发时间")
        elif whens[0] == "elapsed":
            try:
                if not 0 < float(rung["elapsed"]) <= 1:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append("已用时间比例应在 0 到 1 之间，例如 0.7")
        else:
            try:
                parse_duration(str(rung[whens[0]]))
            except ValueError as exc:
                problems.append(str(exc))
        for target in list(rung.get("notify", [])) + [rung.get("supervisor") or "", rung.get("takeover") or ""]:
            if target and target not in FIXED_TARGETS and target not in roles:
                problems.append(f"找不到对象“{target}”：请写 owner、unit_head 或一个角色")
        if rung.get("notice") and not rung.get("colour"):
            problems.append("发出督办单的一级需要颜色")
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise InvalidInput("阶梯设置有误，请按提示修改", errors)
    return rungs


def seed_ladders(session: Session, now: datetime) -> None:
    """Create the shipped ladders that do not exist yet (no commit)."""
    have = set(session.scalars(select(Ladder.name)))
    for data in SHIPPED_LADDERS:
        if data["name"] not in have:
            session.add(Ladder(name=data["name"], label=data["label"], description=data["description"],
                               rungs=data["rungs"], updated_at=now))
    session.flush()


def save_ladder(session: Session, actor: Person | None, name: str, label: str, description: str,
                rungs: list[dict[str, Any]], now: datetime) -> Ladder:
    """Create or replace a ladder (quality office); open tasks keep the rungs already scheduled."""
    if not is_quality_office(session, actor):
        raise NotAllowed("只有质量管理办公室可以设置督办阶梯")
    name = name.strip()
    if not name or not label.strip():
        raise InvalidInput("请填写阶梯的标识和名称", {"name": ["必填"]})
    validate_rungs(session, rungs)
    ladder = session.scalars(select(Ladder).where(Ladder.name == name)).first()
    before = {"rungs": ladder.rungs} if ladder else None
    if ladder is None:
        ladder = Ladder(name=name, label="", rungs=[], updated_at=now)
        session.add(ladder)
    ladder.label, ladder.description, ladder.rungs, ladder.updated_at = label.strip(), description.strip(), rungs, now
    session.flush()
    audit.record(session, actor, "ladder.saved", now, object_type="ladder", object_id=name,
                 summary=f"保存督办阶梯“{ladder.label}”", before=before, after={"rungs": rungs})
    session.commit()
    return ladder


def ladders(session: Session) -> list[Ladder]:
    """Every ladder, the default first."""
    rows = list(session.scalars(select(Ladder).order_by(Ladder.id)))
    return sorted(rows, key=lambda lad: lad.name != DEFAULT_LADDER)


def get_ladder(session: Session, name: str) -> Ladder:
    """The ladder called `name`; raises NotFound."""
    ladder = session.scalars(select(Ladder).where(Ladder.name == name)).first()
    if ladder is None:
        raise NotFound(f"没有名为“{name}”的督办阶梯")
    return ladder


def ladders_by_name(session: Session) -> dict[str, LadderInfo]:
    """Every ladder by name, cached under the change token (engine/db/cache.py)."""
    return snapshot(session).section("supervision.ladders", session, lambda s: {
        row.name: LadderInfo(row.name, row.label, list(row.rungs or []))
        for row in s.execute(select(Ladder.name, Ladder.label, Ladder.rungs))})


def unknown_ladders(session: Session, filename: str, meta: dict[str, Any]) -> list[Problem]:
    """A deploy check: an `escalation` property must name a ladder the school has (督办 → 督办阶梯)."""
    names = set(ladders_by_name(session))
    return [Problem(f"督办阶梯“{task['escalation']}”不存在（可用：{'、'.join(sorted(names)) or '无'}）",
                    filename, task["line"], task_id, task["name"])
            for task_id, task in meta["tasks"].items() if task.get("escalation") and task["escalation"] not in names]


def ladder_for(session: Session, name: str) -> LadderInfo | None:
    """The ladder a task names, else the default one; None when no ladder exists at all."""
    ladders = ladders_by_name(session)
    return ladders.get(name or DEFAULT_LADDER) or ladders.get(DEFAULT_LADDER)


def rung_time(rung: dict[str, Any], created: datetime, due: datetime, working: bool,
              cal: WorkCalendar = OFFICIAL) -> datetime:
    """When `rung` fires for a task created at `created` and due at `due`."""
    if rung.get("elapsed") not in (None, ""):
        fraction = float(rung["elapsed"])
        if working:
            return cal.shift(created, fraction * cal.working_seconds(created, due))
        return created + (due - created) * fraction
    before = rung.get("before_due") not in (None, "")
    span = parse_duration(str(rung.get("before_due") if before else rung.get("after_due"))).total_seconds()
    if working:  # a working-day deadline ends at 23:59:59; count back from the midnight after it
        return cal.shift(due + timedelta(seconds=1), -span) if before else cal.shift(due, span)
    return due + timedelta(seconds=-span if before else span)


def timed_rungs(rungs: list[dict[str, Any]], created: datetime, due: datetime, working: bool,
                cal: WorkCalendar = OFFICIAL) -> list[tuple[datetime, dict[str, Any]]]:
    """`rungs` with their times for a task created at `created` and due at `due`, in the order they fire
    (by time, then as listed)."""
    timed = []
    for i, rung in enumerate(rungs):
        try:
            timed.append((rung_time(rung, created, due, working, cal), i, rung))
        except (ValueError, OverflowError, TypeError):
            # a rung saved before offsets were bounded must not stop the task it belongs to
            log.warning("ladder rung %r has no time for a task due %s; skipped", rung.get("key"), due)
    return [(when, rung) for when, _, rung in sorted(timed, key=lambda item: (item[0], item[1]))]


def ordered_rungs(task: HumanTask, ladder: LadderInfo,
                  cal: WorkCalendar = OFFICIAL) -> list[tuple[datetime, dict[str, Any]]]:
    """The task's rungs with their times, in the order they fire."""
    assert task.due_at is not None
    return timed_rungs(ladder.rungs, task.created_at, task.due_at, task.working_days, cal)


def schedule(task: HumanTask, ladder: LadderInfo | None, cal: WorkCalendar = OFFICIAL, start_index: int = 0,
             rungs: list[tuple[datetime, dict[str, Any]]] | None = None) -> None:
    """Point the task at its `start_index`-th rung in firing order; no deadline or no ladder means no rung."""
    task.ladder = ladder.name if ladder else ""
    task.next_rung_index, task.next_rung_at = start_index, None
    if ladder is None or task.due_at is None or task.status != "open":
        return
    rungs = rungs if rungs is not None else ordered_rungs(task, ladder, cal)
    if start_index < len(rungs):
        task.next_rung_at = rungs[start_index][0]


def reschedule_after_extension(task: HumanTask, ladder: LadderInfo | None, now: datetime,
                               cal: WorkCalendar = OFFICIAL) -> None:
    """After a new due date: rungs already behind `now` count as passed, the colour follows them."""
    colour, passed = "none", 0
    if ladder is not None and task.due_at is not None:
        for when, rung in ordered_rungs(task, ladder, cal):
            if when > now:
                break
            passed += 1
            if rung.get("colour") and COLOUR_RANK[rung["colour"]] > COLOUR_RANK[colour]:
                colour = rung["colour"]
    task.rung = colour
    schedule(task, ladder, cal, passed)
