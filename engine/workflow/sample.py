"""Plausible answers for any form: the demo seeds cycles with them and tests drive processes with them."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from forms import Component, FormDef

from .tasks import Upload

# The smallest well-formed PDF: enough for a file that says what it is.
SAMPLE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")


def sample_answers(form: FormDef, choices: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fill every input of `form` with a valid value; `choices` overrides chosen keys (e.g. decision)."""
    choices = choices or {}
    answers = {}
    for component in form.fields:
        if component.type == "filepicker" or component.key is None:
            continue
        answers[component.key] = choices.get(component.key, _value(component))
    return answers


def _value(component: Component) -> Any:
    rules = component.rules or {}
    kind = component.type
    if kind == "dynamiclist":
        row = {c.key: _value(c) for c in component.children if c.key and c.type != "filepicker"}
        return [row] * max(1, component.default_repetitions)
    if kind in ("select", "radio") and component.options:
        return component.options[0].value
    if kind == "checklist" and component.options:
        return [component.options[0].value]
    if kind == "checkbox":
        return True
    if kind == "number":
        low, high = rules.get("min"), rules.get("max")
        if low is not None and high is not None:
            return (low + high) // 2 if isinstance(low, int) and isinstance(high, int) else (low + high) / 2
        return low if low is not None else (min(high, 90) if high is not None else 90)
    if kind == "datetime":
        return date.today().isoformat()
    if isinstance(component.raw.get("properties"), dict) and component.raw["properties"].get("suggest"):
        return ""  # a code from a library (the indicators) the sample cannot know; the field is optional
    pattern = getattr(rules.get("pattern"), "pattern", rules.get("pattern")) or ""
    digits = re.fullmatch(r"\^?\\d\{(\d+)\}\$?", pattern)
    if digits:
        return "7" * int(digits.group(1))
    text = f"{component.label or component.key}：示例填报内容，已按要求完成。"
    low, high = rules.get("minLength"), rules.get("maxLength")
    if low and len(text) < low:
        text = text + "补充说明。" * ((low - len(text)) // 5 + 1)
    if high and len(text) > high:
        text = text[:high]
    return text


def sample_uploads(form: FormDef, filename: str = "佐证材料.pdf") -> list[Upload]:
    """One small PDF for every required file field of `form`."""
    return [Upload(c.key, filename, "application/pdf", SAMPLE_PDF)
            for c in form.fields if c.type == "filepicker" and c.required and c.key]
