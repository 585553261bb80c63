"""Drafts of a task's form: what its holder typed so far, kept on the server so that closing the page loses
nothing. A draft is the person's own and counts only while the task is open; files are not part of it."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.org.models import Person

from .access import ensure_may_act
from .models import HumanTask, TaskDraft
from .tasks import get_task

MAX_DRAFT = 256 * 1024  # characters of JSON: a long report, never a file


def save_task_draft(session: Session, actor: Person, task_id: int, data: dict[str, Any], now: datetime) -> datetime:
    """Keep `data` as the actor's draft of an open task they may act on; commits; returns when it was saved.
    Raises NotFound, NotAllowed, Conflict (done or taken by someone else), InvalidInput (too large)."""
    task = get_task(session, task_id)
    ensure_may_act(session, actor, task)
    if len(json.dumps(data, ensure_ascii=False, default=str)) > MAX_DRAFT:
        raise InvalidInput("草稿过大，请删减后再保存", {"draft": ["草稿过大"]})
    clean = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    table = TaskDraft.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(task_id=task.id, person_id=actor.id, data=clean, saved_at=now)
    session.execute(statement.on_conflict_do_update(index_elements=["task_id", "person_id"],
                                                    set_={"data": clean, "saved_at": now}))
    session.commit()
    return now


def task_draft(session: Session, person: Person, task: HumanTask) -> TaskDraft | None:
    """The person's draft of an open task, if any."""
    if task.status != "open":
        return None
    return session.scalars(select(TaskDraft).where(TaskDraft.task_id == task.id,
                                                   TaskDraft.person_id == person.id)).first()

