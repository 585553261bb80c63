"""Forms that name indicators of the library: a text field with the form-js property `suggest` = `indicators`
offers the library of the cycle's level and must name one of its codes; a dynamic list with the property
`indicatorLines` = `tighten` sets the subject's own lines (its row fields with property `line` = aim, standard or
warning), which may tighten the school's, never loosen them (the standard stage)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.workflow.events import TaskCompleting
from forms import FormDef

from .library import tighten
from .models import Indicator
from .status import Lines

LINES = ("aim", "standard", "warning")


def _props(component: Any) -> dict[str, Any]:
    props = component.raw.get("properties") if isinstance(component.raw, dict) else None
    return props if isinstance(props, dict) else {}


def suggested_names(form: FormDef) -> set[str]:
    """The suggestion lists a form's text fields ask for (top level and in dynamic lists)."""
    found = set()
    for component in form.fields:
        for each in (component, *component.items):
            if _props(each).get("suggest"):
                found.add(str(_props(each)["suggest"]))
    return found


def check_and_tighten(session: Session, event: TaskCompleting) -> None:
    """Refuse a code that is not in the library of the cycle's level (with the field it is in), and set the lines
    a `tighten` list gives; InvalidInput names each wrong field, and the completion is rolled back."""
    form = event.form
    if form is None:
        return
    if "indicators" not in suggested_names(form):
        return
    subject = event.instance.subject
    codes = {ind.code: ind for ind in session.scalars(select(Indicator).where(
        Indicator.level == subject.level, Indicator.active.is_(True)))}
    errors: dict[str, str] = {}
    wanted: list[tuple[str, Indicator, Lines]] = []  # (the path of the row's standard field, …)
    for component in form.fields:
        if _props(component).get("suggest") == "indicators":
            _check_code(event.data.get(component.key or ""), component.key or "", codes, errors)
        if component.type != "dynamiclist":
            continue
        rows = event.data.get(component.key or "") or []
        code_field = next((i for i in component.items if _props(i).get("suggest") == "indicators"), None)
        line_fields = {str(_props(i).get("line")): i.key for i in component.items if _props(i).get("line") in LINES}
        for n, row in enumerate(rows if isinstance(rows, list) else []):
            if code_field is None or not isinstance(row, dict):
                continue
            path = f"{component.key}.{n}."
            indicator = _check_code(row.get(code_field.key or ""), path + str(code_field.key), codes, errors)
            if indicator is None or _props(component).get("indicatorLines") != "tighten":
                continue
            given = [row.get(line_fields.get(line) or "") for line in LINES]
            if all(value in (None, "") for value in given):
                continue  # the school's lines hold
            numbers = [float(value) for value in given if isinstance(value, int | float)]
            if len(numbers) != len(LINES):
                errors[path + str(line_fields.get("aim") or code_field.key)] = "要调整标准，请同时填写目标值、标准值和预警值"
                continue
            wanted.append((path + str(line_fields.get("standard") or code_field.key), indicator,
                           Lines(numbers[0], numbers[1], numbers[2], indicator.direction)))
    for where, indicator, lines in wanted:
        try:
            tighten(session, event.actor, indicator.code, subject, event.instance.period, lines, event.now)
        except InvalidInput as exc:
            errors[where] = exc.message
    if errors:
        raise InvalidInput("指标填写有误，请修改标红的项目", errors)


def _check_code(value: Any, path: str, codes: dict[str, Indicator], errors: dict[str, str]) -> Indicator | None:
    code = str(value or "").strip()
    if not code:
        return None
    indicator = codes.get(code)
    if indicator is None:
        errors[path] = f"指标库中没有这一层面的指标“{code}”，请从列表中选择"
    return indicator


def unknown_bound_indicators(session: Session, form: FormDef) -> list[str]:
    """Sentences for every field of `form` whose property `indicator` names no indicator of the library (the
    form designer refuses to save such a form)."""
    known = set(session.scalars(select(Indicator.code).where(Indicator.active.is_(True))))
    found = []
    for component in form.fields:
        for each in (component, *component.items):
            code = str(_props(each).get("indicator") or "").strip()
            if code and code not in known:
                found.append(f"字段“{each.label or each.key}”绑定的指标“{code}”不在指标库中")
    return found
