"""Telling an event's audience: when it is published (or cancelled), and once more the day before — the tick's
part, an indexed query on `next_reminder_at`."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.notify.notifications import Message, notify_all

from .access import audience_ids
from .models import ActivityEvent

REMIND_BEFORE = timedelta(days=1)


def reminder_time(event: ActivityEvent, now: datetime) -> datetime | None:
    """When the audience is reminded: a day before the start, unless that has passed already."""
    at = event.starts_at - REMIND_BEFORE
    return at if at > now else None


def notify_audience(session: Session, event: ActivityEvent, now: datetime, *, reminder: bool,
                    cancelled: str = "") -> int:
    """Put a notice about the event in the bell of everyone in its audience (and the organiser); how many.

    Never commits. Each person is told once per kind of notice and event."""
    people = set(audience_ids(session, event, now.date())) | {event.organiser_id}
    when = f"{event.starts_at:%Y-%m-%d %H:%M}，{event.place}"
    if cancelled:
        kind, title, body = "cancelled", f"活动取消：{event.title}", f"原定 {when} 的活动取消：{cancelled}"
    elif reminder:
        kind, title, body = "reminder", f"明天的活动：{event.title}", f"{when}。{event.audience}请准时参加，现场扫码签到。"
    else:
        kind, title, body = "published", f"活动通知：{event.title}", f"{when}。面向：{event.audience or '全体'}。"
    messages = [Message(person_id, f"activity.{kind}", title, body, f"/activities/events/{event.id}",
                        f"activity:{event.id}:{kind}:{person_id}") for person_id in sorted(people)]
    return len(notify_all(session, messages, now))


def send_due_reminders(session: Session, now: datetime) -> int:
    """The tick's part: remind the audience of every published event whose reminder is due; commits; how many
    events. Costs what is due (the index on next_reminder_at)."""
    due = list(session.scalars(select(ActivityEvent).where(ActivityEvent.next_reminder_at <= now)
                               .order_by(ActivityEvent.next_reminder_at).limit(100)))
    for event in due:
        event.next_reminder_at = None
        if event.status == "published" and event.starts_at > now:
            notify_audience(session, event, now, reminder=True)
    if due:
        session.commit()
    return len(due)
