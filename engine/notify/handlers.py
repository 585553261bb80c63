"""What the notify room does when the workflow says a task opened or changed hands (wired in engine/assembly.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.org.events import SubstituteNamed
from engine.workflow.events import TaskHandedOver, TaskOpened

from .notifications import notify_new_task, notify_people


def tell_new_holders(session: Session, event: TaskOpened) -> None:
    """The assignee, or each candidate, learns of the new task."""
    for person_id in event.tell:
        notify_new_task(session, event.task, event.instance, person_id, event.now)


def tell_substitute(session: Session, event: TaskHandedOver) -> None:
    """A substitute learns of the task handed over to them."""
    notify_new_task(session, event.task, event.instance, event.person_id, event.now)


def tell_named_substitute(session: Session, event: SubstituteNamed) -> None:
    """The person named as a substitute learns for whom, and when."""
    why = f"（{event.reason}）" if event.reason else ""
    notify_people(session, [event.substitute_id], kind="substitution.named", title=f"【代理】您被指定为{event.person_name}的代理人",
                  body=f"{event.starts_on} 至 {event.ends_on}，{event.person_name}的新任务将派给您{why}。",
                  link="/me/settings", now=event.now, dedupe_key=f"substitution:{event.substitution_id}")
