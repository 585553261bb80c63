"""A rung's trigger as the ladder editor shows it (a number and a unit) and back to the stored code.

The stored code is `elapsed` (a fraction, 0.7) or `before_due` / `after_due` (an ISO duration, P1D, PT4H); the
editor shows 70 %, 1 个工作日, 4 小时. A value the editor cannot show (P1DT2H) is kept as its code."""
from __future__ import annotations

import re
from typing import Any

from engine.calendar.deadlines import parse_duration

from .ladders import WHEN_KEYS

UNITS = ("days", "hours")
_SIMPLE = re.compile(r"^P(?:(\d+)D|T(\d+)H)$")


def _number(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def when_parts(rung: dict[str, Any]) -> tuple[str, str, str]:
    """(when, amount, unit) for the editor: ("elapsed", "70", ""), ("before_due", "1", "days"); amount "" when
    the code is one the editor cannot show (then only the code is offered)."""
    for when in WHEN_KEYS:
        value = rung.get(when)
        if value in (None, ""):
            continue
        if when == "elapsed":
            try:
                return when, _number(str(round(float(value) * 100, 4))), ""
            except (TypeError, ValueError):
                return when, "", ""
        found = _SIMPLE.match(str(value))
        if not found:
            return when, "", ""
        return when, found.group(1) or found.group(2), "days" if found.group(1) else "hours"
    return "elapsed", "", ""


def when_code(when: str, amount: str, unit: str) -> Any:
    """The stored value for the editor's number and unit: 70 % → 0.7, 1 day → "P1D", 4 hours → "PT4H"; "" when
    no number was given, and the text as typed when it is not a number (validate_rungs then explains)."""
    amount = amount.strip()
    if not amount:
        return ""
    try:
        number = float(amount)
    except ValueError:
        return amount
    if when == "elapsed":
        return number / 100
    text = str(int(number)) if number.is_integer() else amount  # a fraction of a day is refused by validate_rungs
    return f"PT{text}H" if unit == "hours" else f"P{text}D"


def same_when(when: str, first: Any, second: Any) -> bool:
    """Whether two stored values of `when` fire at the same time (0.7 and "0.7"; "P1D" and "p1d")."""
    try:
        if when == "elapsed":
            return float(first) == float(second)
        return parse_duration(str(first)) == parse_duration(str(second))
    except (TypeError, ValueError):
        return False
