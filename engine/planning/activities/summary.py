"""The organiser's 活动总结: a cycle of the plan's summary process (processes/activity.bpmn) for the school
itself, in the plan's year, started when the event is closed; its one task goes to the organiser."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.org.models import Subject
from engine.workflow.cycles import open_cycle
from engine.workflow.models import ProcessInstance

from .models import ActivityEvent, ActivitySignIn


def school_subject(session: Session) -> Subject:
    """The school's own subject (level school); NotFound when the school has none."""
    subject = session.scalars(select(Subject).where(Subject.level == "school").order_by(Subject.id)).first()
    if subject is None:
        raise NotFound("学校还没有“学校”层面的诊改对象，无法发起活动总结；请先在 管理 → 诊改对象 中添加")
    return subject


def start_summary(session: Session, event: ActivityEvent, now: datetime) -> ProcessInstance:
    """Start the event's summary cycle (as the system: the organiser need not be in the quality office); never
    commits. The workflow is told the organiser's username and the event's facts."""
    signed = session.scalar(select(func.count()).select_from(ActivitySignIn)
                            .where(ActivitySignIn.event_id == event.id)) or 0
    facts = {"organiser": event.organiser.username, "event_id": event.id, "event_title": event.title,
             "event_when": f"{event.starts_at:%Y-%m-%d %H:%M}", "event_place": event.place,
             "event_sign_ins": signed, "activity_plan": event.plan.name}
    instance = open_cycle(session, None, event.plan.summary_process, school_subject(session).code,
                          event.plan.year, now, facts=facts)
    event.summary_instance_id = instance.id
    return instance
