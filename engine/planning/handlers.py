"""What the planning room does when a lower room tells it something (wired in engine/assembly.py)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.events import CalendarChanged

from .models import Schedule
from .runs import reschedule


def reschedule_all(session: Session, event: CalendarChanged) -> None:
    """The calendar changed: every active schedule's next run is counted again (same transaction)."""
    for schedule in session.scalars(select(Schedule).where(Schedule.active.is_(True))):
        reschedule(session, schedule, event.now.date())
