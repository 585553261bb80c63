"""Activity plans and their events: add and edit them, publish an event (its audience is told), close it (its
organiser gets the summary task). Each service checks who may, audits and commits once."""
from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.org.models import Person, Role, Unit

from .access import may_keep, may_keep_unit, may_run, may_see
from .models import EVENT_STATUSES, ActivityEvent, ActivityPlan
from .notices import notify_audience, reminder_time
from .questionnaires import questionnaire_ids
from .summary import start_summary

YEAR = re.compile(r"^(\d{4})-(\d{4})$")


@dataclass(frozen=True)
class PlanFields:
    """What the plan form sends: name, school year (2025-2026), organiser unit, description, 优秀学员 share."""

    name: str
    year: str
    unit_id: int
    description: str = ""
    excellent_percent: int = 80


@dataclass(frozen=True)
class EventFields:
    """What the event form sends."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    organiser_id: int
    audience: str = ""
    audience_unit_ids: list[int] = field(default_factory=list)
    audience_role_ids: list[int] = field(default_factory=list)
    programme: str = ""
    questionnaire: str = ""
    anonymous: bool = True


def get_plan(session: Session, plan_id: int) -> ActivityPlan:
    """The plan; NotFound otherwise."""
    plan = session.get(ActivityPlan, plan_id)
    if plan is None:
        raise NotFound(f"活动计划 #{plan_id} 不存在")
    return plan


def get_event(session: Session, event_id: int) -> ActivityEvent:
    """The event; NotFound otherwise."""
    event = session.get(ActivityEvent, event_id)
    if event is None:
        raise NotFound(f"活动 #{event_id} 不存在")
    return event


def plans(session: Session, year: str = "") -> list[ActivityPlan]:
    """Every plan (of one school year), newest year first."""
    query = select(ActivityPlan).order_by(ActivityPlan.year.desc(), ActivityPlan.name)
    return list(session.scalars(query.where(ActivityPlan.year == year) if year else query))


def visible_events(session: Session, actor: Person, plan: ActivityPlan, now: datetime) -> list[ActivityEvent]:
    """The plan's events the actor may see."""
    return [e for e in plan.events if may_see(session, actor, e, now.date())]


def _check_plan(session: Session, fields: PlanFields) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not fields.name.strip():
        errors["name"] = "请填写计划名称"
    match = YEAR.match(fields.year.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        errors["year"] = "学年格式应为 2025-2026"
    if session.get(Unit, fields.unit_id) is None:
        errors["unit_id"] = "请选择组织单位"
    if not 1 <= fields.excellent_percent <= 100:
        errors["excellent_percent"] = "优秀学员的出勤比例应在 1 到 100 之间"
    return errors


def save_plan(session: Session, actor: Person, plan_id: int | None, fields: PlanFields, now: datetime) -> ActivityPlan:
    """Add a plan (plan_id None) or change one. Raises NotAllowed, InvalidInput (per field), Conflict (a plan
    of that name and year exists)."""
    plan = get_plan(session, plan_id) if plan_id else None
    if plan is not None and not may_keep(session, actor, plan, now.date()):
        raise NotAllowed("只有质量办或该计划组织单位的负责人可以修改活动计划")
    errors = _check_plan(session, fields)
    if errors:
        raise InvalidInput("活动计划有误，请修改标红的项目", errors)
    if not may_keep_unit(session, actor, fields.unit_id, now.date()):
        raise NotAllowed("只有质量办或该单位的负责人可以为该单位制定活动计划")
    clean = {**asdict(fields), "name": fields.name.strip(), "year": fields.year.strip(),
             "description": fields.description.strip()}
    twin = session.scalars(select(ActivityPlan).where(ActivityPlan.name == clean["name"],
                                                      ActivityPlan.year == clean["year"])).first()
    if twin is not None and twin is not plan:
        raise Conflict(f"{clean['year']} 学年已有“{clean['name']}”计划")
    before = None
    if plan is None:
        plan = ActivityPlan(created_at=now, created_by_id=actor.id, **clean)
        session.add(plan)
    else:
        before = {k: getattr(plan, k) for k in clean}
        for key, value in clean.items():
            setattr(plan, key, value)
    session.flush()
    audit.record(session, actor, "activity_plan.saved", now, object_type="activity_plan", object_id=plan.id,
                 summary=f"{'修改' if before else '制定'}活动计划“{plan.name}”（{plan.year}）", before=before,
                 after=clean)
    session.commit()
    return plan


def _check_event(session: Session, fields: EventFields) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not fields.title.strip():
        errors["title"] = "请填写活动主题"
    if fields.ends_at <= fields.starts_at:
        errors["ends_at"] = "结束时间应晚于开始时间"
    elif fields.ends_at - fields.starts_at > timedelta(days=7):
        errors["ends_at"] = "一次活动最长 7 天；更长的请分成几次"
    if not fields.place.strip():
        errors["place"] = "请填写活动地点"
    organiser = session.get(Person, fields.organiser_id)
    if organiser is None or not organiser.active:
        errors["organiser_id"] = "请选择组织人（在职的教职工）"
    if fields.questionnaire and fields.questionnaire not in questionnaire_ids(session):
        errors["questionnaire"] = "请选择一份问卷，或不使用问卷"
    if any(session.get(Unit, u) is None for u in fields.audience_unit_ids):
        errors["audience_unit_ids"] = "面向的单位不存在"
    if any(session.get(Role, r) is None for r in fields.audience_role_ids):
        errors["audience_role_ids"] = "面向的角色不存在"
    return errors


def save_event(session: Session, actor: Person, plan_id: int, event_id: int | None, fields: EventFields,
               now: datetime) -> ActivityEvent:
    """Add an event to a plan (event_id None) or change one not yet closed. Raises NotAllowed, InvalidInput,
    Conflict (closed or cancelled)."""
    plan = get_plan(session, plan_id)
    event = get_event(session, event_id) if event_id else None
    if event is not None and event.plan_id != plan.id:
        raise NotFound(f"活动 #{event_id} 不属于该计划")
    allowed = may_run(session, actor, event, now.date()) if event else may_keep(session, actor, plan, now.date())
    if not allowed:
        raise NotAllowed("只有质量办、计划组织单位的负责人或活动组织人可以编辑活动")
    if event is not None and event.status in ("closed", "cancelled"):
        raise Conflict("活动已结束或已取消，不能再修改")
    errors = _check_event(session, fields)
    if errors:
        raise InvalidInput("活动信息有误，请修改标红的项目", errors)
    clean = {**asdict(fields), "title": fields.title.strip(), "place": fields.place.strip(),
             "audience": fields.audience.strip(), "programme": fields.programme.strip()}
    before = None
    if event is None:
        event = ActivityEvent(plan_id=plan.id, status="draft", sign_in_token=secrets.token_urlsafe(24), **clean)
        session.add(event)
    else:
        before = {k: _plain(getattr(event, k)) for k in clean}
        for key, value in clean.items():
            setattr(event, key, value)
        if event.status == "published":
            event.next_reminder_at = reminder_time(event, now)
    session.flush()
    audit.record(session, actor, "activity_event.saved", now, object_type="activity_event", object_id=event.id,
                 summary=f"{'修改' if before else '新增'}活动“{event.title}”（{plan.name}）", before=before,
                 after={k: _plain(v) for k, v in clean.items()})
    session.commit()
    return event


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def publish_event(session: Session, actor: Person, event_id: int, now: datetime) -> int:
    """Publish a draft event: its audience is told (and reminded the day before). Returns how many were told.
    Raises NotAllowed, Conflict (not a draft, or already over)."""
    event = get_event(session, event_id)
    if not may_run(session, actor, event, now.date()):
        raise NotAllowed("只有活动组织人、质量办或计划组织单位的负责人可以发布活动")
    if event.status != "draft":
        raise Conflict(f"活动已是“{_status(event)}”，不能再发布")
    if event.ends_at <= now:
        raise Conflict("活动的结束时间已过，请先修改时间再发布")
    event.status, event.published_at = "published", now
    event.next_reminder_at = reminder_time(event, now)
    told = notify_audience(session, event, now, reminder=False)
    audit.record(session, actor, "activity_event.published", now, object_type="activity_event",
                 object_id=event.id, summary=f"发布活动“{event.title}”，通知 {told} 人")
    session.commit()
    return told


def close_event(session: Session, actor: Person, event_id: int, now: datetime) -> ActivityEvent:
    """Close a published event once it has started: its organiser gets the 活动总结 task. Raises NotAllowed,
    Conflict (not published, or not started yet)."""
    event = get_event(session, event_id)
    if not may_run(session, actor, event, now.date()):
        raise NotAllowed("只有活动组织人、质量办或计划组织单位的负责人可以结束活动")
    if event.status != "published":
        raise Conflict(f"活动是“{_status(event)}”，只有已发布的活动可以结束")
    if now < event.starts_at:
        raise Conflict(f"活动 {event.starts_at:%Y-%m-%d %H:%M} 才开始，开始后才能结束")
    event.status, event.closed_at, event.next_reminder_at = "closed", now, None
    instance = start_summary(session, event, now)
    audit.record(session, actor, "activity_event.closed", now, object_type="activity_event", object_id=event.id,
                 instance=instance, summary=f"结束活动“{event.title}”，活动总结交 {event.organiser.name}")
    session.commit()
    return event


def cancel_event(session: Session, actor: Person, event_id: int, reason: str, now: datetime) -> ActivityEvent:
    """Cancel an event not yet closed, with a reason (the audience of a published one is told). Raises
    NotAllowed, InvalidInput (no reason), Conflict (closed)."""
    event = get_event(session, event_id)
    if not may_run(session, actor, event, now.date()):
        raise NotAllowed("只有活动组织人、质量办或计划组织单位的负责人可以取消活动")
    if event.status in ("closed", "cancelled"):
        raise Conflict(f"活动已是“{_status(event)}”，不能取消")
    if not reason.strip():
        raise InvalidInput("请写明取消的原因", {"reason": "请写明取消的原因"})
    was_published = event.status == "published"
    event.status, event.next_reminder_at = "cancelled", None
    if was_published:
        notify_audience(session, event, now, reminder=False, cancelled=reason.strip())
    audit.record(session, actor, "activity_event.cancelled", now, object_type="activity_event",
                 object_id=event.id, summary=f"取消活动“{event.title}”：{reason.strip()}")
    session.commit()
    return event


def _status(event: ActivityEvent) -> str:
    return EVENT_STATUSES.get(event.status, event.status)
