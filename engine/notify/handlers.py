"""What the notify room does when the workflow says a task opened or changed hands (wired in engine/assembly.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.workflow.events import TaskHandedOver, TaskOpened

from .notifications import notify_new_task


def tell_new_holders(session: Session, event: TaskOpened) -> None:
    """The assignee, or each candidate, learns of the new task."""
    for person_id in event.tell:
        notify_new_task(session, event.task, event.instance, person_id, event.now)


def tell_substitute(session: Session, event: TaskHandedOver) -> None:
    """A substitute learns of the task handed over to them."""
    notify_new_task(session, event.task, event.instance, event.person_id, event.now)
