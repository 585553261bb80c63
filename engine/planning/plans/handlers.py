"""What a plan task's completion tells its plan: a progress report's 完成进度 and 本期进展 (form fields `percent`
and `achieved`), kept on the department's share so that the plan page reads one row, not the workflow."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.workflow.events import TaskCompleting

from .models import PlanAssignment


def record_progress(session: Session, event: TaskCompleting) -> None:
    """Keep the reported percentage and words of a plan task's cycle (any form with a `percent` field)."""
    if "percent" not in event.data:
        return
    assignment = session.scalars(select(PlanAssignment).where(PlanAssignment.instance_id == event.instance.id)).first()
    if assignment is None:
        return
    try:
        assignment.percent = max(0, min(100, int(float(event.data["percent"]))))
    except (TypeError, ValueError):
        return  # the form's own validation has refused it already
    assignment.summary = str(event.data.get("achieved") or "")[:3000]
    assignment.reported_at = event.now

