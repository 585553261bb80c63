"""What the supervision room does when the workflow says a task opened, was claimed or closed (wired in
engine/assembly.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.calendar.closures import load_calendar
from engine.workflow.events import TaskClaimed, TaskClosed, TaskOpening

from .ladders import ladder_for, schedule
from .notices import name_current_holders
from .notices import settle_notices as settle


def schedule_ladder(session: Session, event: TaskOpening) -> None:
    """A new task climbs the ladder its BPMN names (or the default one) from its first rung (set before its row is
    written)."""
    schedule(event.task, ladder_for(session, event.escalation), load_calendar(session))


def settle_notices(session: Session, event: TaskClosed) -> None:
    """A task done or cancelled ends its active notices; they wait for the supervisor's 办结."""
    settle(session, event.task, event.actor, event.now, event.note)


def name_the_claimer(session: Session, event: TaskClaimed) -> None:
    """A claimed task's notices name the person who took it."""
    name_current_holders(session, event.task)
