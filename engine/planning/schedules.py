"""The quality office's scheduled cycles: create, change, pause, resume and delete; each audited, one commit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.definitions.deploy import latest_definition
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.org.access import is_quality_office
from engine.org.models import Person

from .models import RULES, Schedule
from .runs import reschedule

MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
MAX_WORKING_DAYS = 60


@dataclass(frozen=True)
class ScheduleFields:
    """What the form gives: the process, the rule and its number or day."""

    process_id: str
    rule: str
    working_days: int = 0
    month_day: str = ""


def _office(session: Session, actor: Person | None) -> None:
    if not is_quality_office(session, actor):
        raise NotAllowed("只有管理员和质量管理办公室可以设置定期启动")


def describe(schedule: Schedule) -> str:
    """The rule in words: 每学期结束后第 10 个工作日 / 每年 07-01."""
    if schedule.rule == "after_term_end":
        return f"每学期结束后第 {schedule.working_days} 个工作日"
    return f"每年 {schedule.month_day}"


def schedules(session: Session) -> list[Schedule]:
    """Every schedule, by process and id."""
    return list(session.scalars(select(Schedule).order_by(Schedule.process_id, Schedule.id)))


def get_schedule(session: Session, schedule_id: int) -> Schedule:
    """The schedule with this id; raises NotFound."""
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        raise NotFound("这个定期启动不存在或已被删除")
    return schedule


def _checked(session: Session, fields: ScheduleFields, schedule: Schedule | None) -> str:
    """The process's level; raises InvalidInput listing every problem."""
    errors: dict[str, list[str]] = {}
    level = ""
    definition = latest_definition(session, fields.process_id.strip(), required=False)
    if definition is None:
        errors["process_id"] = ["请选择一个已部署的流程"]
    elif not definition.level:
        errors["process_id"] = [f"流程“{definition.name}”没有声明层面（level），无法确定为哪些对象启动"]
    else:
        level = definition.level
    if fields.rule not in RULES:
        errors["rule"] = ["请选择启动规则"]
    elif fields.rule == "after_term_end" and not 0 <= fields.working_days <= MAX_WORKING_DAYS:
        errors["working_days"] = [f"工作日数应在 0 到 {MAX_WORKING_DAYS} 之间"]
    elif fields.rule == "yearly":
        match = MONTH_DAY.match(fields.month_day.strip())
        if not match:
            errors["month_day"] = ["日期应写成 月-日，例如 07-01"]
        else:
            try:
                date(2025, int(match[1]), int(match[2]))  # 02-29 would skip three years in four
            except ValueError:
                errors["month_day"] = [f"{fields.month_day.strip()} 不是每年都有的日期"]
    if not errors:
        twin = session.scalars(select(Schedule).where(
            Schedule.process_id == fields.process_id.strip(), Schedule.rule == fields.rule,
            Schedule.working_days == _days(fields), Schedule.month_day == _month_day(fields))).first()
        if twin is not None and twin is not schedule:
            errors["rule"] = [f"已有相同的定期启动（#{twin.id}）"]
    if errors:
        raise InvalidInput("定期启动设置有误，请修改标红的项目", errors)
    return level


def _days(fields: ScheduleFields) -> int:
    return fields.working_days if fields.rule == "after_term_end" else 0


def _month_day(fields: ScheduleFields) -> str:
    return fields.month_day.strip() if fields.rule == "yearly" else ""


def _state(schedule: Schedule) -> dict[str, object]:
    return {"process_id": schedule.process_id, "rule": schedule.rule, "working_days": schedule.working_days,
            "month_day": schedule.month_day, "active": schedule.active,
            "next_run_at": schedule.next_run_at.isoformat() if schedule.next_run_at else None}


def save_schedule(session: Session, actor: Person | None, fields: ScheduleFields, now: datetime,
                  schedule_id: int | None = None) -> Schedule:
    """Create a schedule (or change the one `schedule_id` names) and count its next run from today.

    Raises NotAllowed, NotFound, InvalidInput (no such deployed process, no level, a bad rule, a twin)."""
    _office(session, actor)
    schedule = get_schedule(session, schedule_id) if schedule_id else None
    level = _checked(session, fields, schedule)
    before = _state(schedule) if schedule else None
    if schedule is None:
        schedule = Schedule(created_at=now, created_by_id=actor.id if actor else None, active=True, last_period="")
        session.add(schedule)
    if schedule.process_id != fields.process_id.strip():
        schedule.last_period = ""  # another process: nothing of it has been launched by this schedule
    schedule.process_id, schedule.level, schedule.rule = fields.process_id.strip(), level, fields.rule
    schedule.working_days, schedule.month_day = _days(fields), _month_day(fields)
    schedule.next_run_at = None
    reschedule(session, schedule, now.date())
    session.flush()
    audit.record(session, actor, "schedule.saved", now, object_type="schedule", object_id=schedule.id,
                 summary=f"{'修改' if before else '新增'}定期启动：{schedule.process_id}，{describe(schedule)}",
                 before=before, after=_state(schedule))
    session.commit()
    return schedule


def set_active(session: Session, actor: Person | None, schedule_id: int, active: bool, now: datetime) -> Schedule:
    """Pause a schedule (the tick skips it) or resume it (its next run counted from today).

    Raises NotAllowed, NotFound."""
    _office(session, actor)
    schedule = get_schedule(session, schedule_id)
    before = _state(schedule)
    schedule.active = active
    schedule.next_run_at = None
    reschedule(session, schedule, now.date())
    audit.record(session, actor, "schedule.resumed" if active else "schedule.paused", now, object_type="schedule",
                 object_id=schedule.id, summary=f"{'恢复' if active else '暂停'}定期启动：{schedule.process_id}，"
                                                f"{describe(schedule)}", before=before, after=_state(schedule))
    session.commit()
    return schedule


def delete_schedule(session: Session, actor: Person | None, schedule_id: int, now: datetime) -> None:
    """Delete a schedule (cycles it launched keep running). Raises NotAllowed, NotFound."""
    _office(session, actor)
    schedule = get_schedule(session, schedule_id)
    audit.record(session, actor, "schedule.deleted", now, object_type="schedule", object_id=schedule.id,
                 summary=f"删除定期启动：{schedule.process_id}，{describe(schedule)}", before=_state(schedule))
    session.delete(schedule)
    session.commit()
