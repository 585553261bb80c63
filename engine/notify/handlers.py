"""What the notify room does when the workflow says a task opened, closed or changed hands, or a cycle finished:
tell the people concerned, and queue the webhooks that asked (wired in engine/assembly.py)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.org.events import SubstituteNamed
from engine.workflow.events import CycleFinished, TaskClosed, TaskHandedOver, TaskOpened
from engine.workflow.models import HumanTask, ProcessInstance

from .notifications import notify_new_task, notify_people, sent_back
from .webhooks import queue_event, wanted


def tell_new_holders(session: Session, event: TaskOpened) -> None:
    """The assignee, or each candidate, learns of the new task (and, for one sent back, who returned it and why)."""
    if not event.tell:
        return
    returned = sent_back(session, event.task) if event.repeats else ""
    for person_id in event.tell:
        notify_new_task(session, event.task, event.instance, person_id, event.now, returned)


def tell_substitute(session: Session, event: TaskHandedOver) -> None:
    """A substitute learns of the task handed over to them."""
    notify_new_task(session, event.task, event.instance, event.person_id, event.now)


def tell_named_substitute(session: Session, event: SubstituteNamed) -> None:
    """The person named as a substitute learns for whom, and when."""
    why = f"（{event.reason}）" if event.reason else ""
    notify_people(session, [event.substitute_id], kind="substitution.named", title=f"【代理】您被指定为{event.person_name}的代理人",
                  body=f"{event.starts_on} 至 {event.ends_on}，{event.person_name}的新任务将派给您{why}。",
                  link="/me/settings", now=event.now, dedupe_key=f"substitution:{event.substitution_id}")


def _task_data(task: HumanTask, instance: ProcessInstance) -> dict[str, Any]:
    return {"task_id": task.id, "title": task.title, "stage": task.stage, "role": task.role_name,
            "cycle_id": instance.id, "subject": instance.subject.code, "period": instance.period,
            "assignee_id": task.assignee_id, "due": task.due_at.isoformat() if task.due_at else None,
            "status": task.status}


def push_task_created(session: Session, event: TaskOpened) -> None:
    """Webhooks that asked for task.created hear of the new task."""
    if wanted(session, "task.created"):
        queue_event(session, "task.created", _task_data(event.task, event.instance), f"task:{event.task.id}",
                    event.now)


def push_task_completed(session: Session, event: TaskClosed) -> None:
    """Webhooks that asked for task.completed hear of a task done (not of one cancelled)."""
    if event.outcome == "done" and wanted(session, "task.completed"):
        data = {**_task_data(event.task, event.task.instance), "completed_by_id": event.task.completed_by_id}
        queue_event(session, "task.completed", data, f"task:{event.task.id}", event.now)


def push_cycle_finished(session: Session, event: CycleFinished) -> None:
    """Webhooks that asked for cycle.finished hear of a cycle that reached its end."""
    if wanted(session, "cycle.finished"):
        instance = event.instance
        queue_event(session, "cycle.finished", {"cycle_id": instance.id, "process": instance.definition.process_id,
                                                "subject": instance.subject.code, "period": instance.period},
                    f"cycle:{instance.id}", event.now)
