"""The quality room's handlers of the workflow's events (wired in engine/assembly.py)."""
from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.workflow.events import TaskCompleting
from forms import FormDef

from .loop import FACTS_KEY, facts_for
from .models import Indicator
from .values import ValueInput, record_values


def record_bound_fields(session: Session, event: TaskCompleting) -> None:
    """A form field whose property `indicator` names an indicator's code records its answer as that indicator's
    value for the cycle's subject and period; then an improvement's task learns the latest value (the
    verification reads it, so a value entered in the verification itself counts)."""
    if event.form is not None:
        inputs = [ValueInput(code, event.instance.subject.code, event.instance.period, number,
                             event.now.date(), source=f"表单：{event.task.title}", where=f"字段“{label}”",
                             task_id=event.task.id)
                  for code, label, number in _bound_answers(session, event.form, event.data)]
        if inputs:
            record_values(session, event.actor, inputs, event.now, origin="form")
    if FACTS_KEY not in event.context:  # a warning's improvement carries its value's facts from its start
        return
    facts = facts_for(session, event.instance.id)
    if facts is not None:
        event.data.update(facts)


def _bound_answers(session: Session, form: FormDef, data: dict[str, Any]) -> list[tuple[str, str, float]]:
    """(code, label, number) for each answered field bound to an indicator of the library; a binding to a code the
    library does not hold (a form made for another school) records nothing (the designer refuses such a save)."""
    found = []
    fields = [c for c in form.fields if (c.raw.get("properties") or {}).get("indicator")]
    if not fields:
        return []
    known = set(session.scalars(select(Indicator.code).where(Indicator.active.is_(True))))
    for component in fields:
        code = str((component.raw.get("properties") or {}).get("indicator") or "").strip()
        if code not in known:
            continue
        answer = data.get(component.key or "")
        if code and isinstance(answer, int | float) and not isinstance(answer, bool) and math.isfinite(answer):
            found.append((code, component.label, float(answer)))
    return found
