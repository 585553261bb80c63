"""The tick's timer part: fire BPMN timers that are due in running cycles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import settings
from .definitions import loaded_for
from .models import ProcessDefinition, ProcessInstance
from .sync import sync_tasks


def run_tick(session: Session, now: datetime) -> dict[str, int]:
    """Refresh waiting timers of running cycles whose process has timers; commits once per cycle."""
    with_timers = [d.id for d in session.scalars(select(ProcessDefinition)) if d.meta.get("timers")]
    if not with_timers:
        return {"checked": 0, "timers": 0}
    runtime = settings.get().runtime
    checked = fired = 0
    query = select(ProcessInstance).where(ProcessInstance.status == "running",
                                          ProcessInstance.definition_id.in_(with_timers))
    for instance in session.scalars(query).all():
        loaded = loaded_for(instance.definition)
        workflow = runtime.load(loaded, instance.state)
        before = len(runtime.ready_user_tasks(workflow))
        runtime.advance(workflow)
        checked += 1
        created = sync_tasks(session, instance, workflow, loaded.meta, None, now)
        if created or len(runtime.ready_user_tasks(workflow)) != before or workflow.is_completed():
            fired += 1
            instance.state = runtime.dump(workflow)
        session.commit()
    return {"checked": checked, "timers": fired}
