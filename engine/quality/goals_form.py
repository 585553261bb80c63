"""A cycle's goal form writes its goals into the chain: the field with the form-js property `goal` = `title`
is the goal, one with `goal` = `parent` names the parent goal (G12, offered through suggest = goals), and a
dynamic list with `goal` = `indicators` gives the indicators that measure it (each row's library code, and its
`goal` = `target` field the value aimed at)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.workflow.events import TaskCompleting
from forms import FormDef

from .goals import GoalInput, save_cycle_goal


def _props(component: Any) -> dict[str, Any]:
    props = component.raw.get("properties") if isinstance(component.raw, dict) else None
    return props if isinstance(props, dict) else {}


def writes_goal(form: FormDef) -> bool:
    """Whether the form states a goal of the chain (a field with property goal = title)."""
    return any(_props(c).get("goal") == "title" for c in form.fields)


def record_goals(session: Session, event: TaskCompleting) -> None:
    """Save the goal the completed form states (InvalidInput names the wrong field; the completion rolls back)."""
    form = event.form
    if form is None:
        return
    title = next((c for c in form.fields if _props(c).get("goal") == "title"), None)
    if title is None or not str(event.data.get(title.key or "") or "").strip():
        return
    parent = next((c for c in form.fields if _props(c).get("goal") == "parent"), None)
    given = GoalInput(str(event.data[title.key or ""]), origin_key=title.key or "",
                      parent=str(event.data.get(parent.key or "") or "") if parent else "")
    for listed in (c for c in form.fields if c.type == "dynamiclist" and _props(c).get("goal") == "indicators"):
        code = next((i.key for i in listed.items if _props(i).get("suggest") == "indicators"), None)
        target = next((i.key for i in listed.items if _props(i).get("goal") == "target"), None)
        for row in event.data.get(listed.key or "") or []:
            if isinstance(row, dict) and code and str(row.get(code) or "").strip():
                value = row.get(target) if target else None
                given.indicators.append((str(row[code]), float(value) if isinstance(value, int | float) else None))
    try:
        save_cycle_goal(session, event.actor, event.instance.id, event.instance.subject, event.instance.period,
                        given, event.now)
    except InvalidInput as exc:
        where = parent.key if parent is not None and "上级目标" in exc.message else title.key
        raise InvalidInput("目标填写有误，请修改标红的项目", {str(where): exc.message}) from exc
