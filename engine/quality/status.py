"""The status of a value against an indicator's three lines (DOMAIN.md): higher-is-better, ≥ aim 优, ≥ standard
达标, ≥ warning 预警, below 不合格; mirrored for lower-is-better; a value on a line takes the better status."""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InvalidInput

STATUSES = ("excellent", "pass", "warning", "fail")
LABELS = {"excellent": "优", "pass": "达标", "warning": "预警", "fail": "不合格"}
COLOURS = {"excellent": "blue", "pass": "green", "warning": "yellow", "fail": "red"}
BAD = ("warning", "fail")


@dataclass(frozen=True)
class Lines:
    """An indicator's 目标值, 标准值 and 预警值 and which way is better."""

    aim: float
    standard: float
    warning: float
    direction: str = "higher"


def check_lines(lines: Lines, name: str = "") -> None:
    """Refuse lines whose order disagrees with the direction; raises InvalidInput with the sentence."""
    who = f"指标“{name}”" if name else "指标"
    if lines.direction == "higher" and not lines.aim >= lines.standard >= lines.warning:
        raise InvalidInput(f"{who}越高越好，应满足 目标值 ≥ 标准值 ≥ 预警值"
                           f"（现为 {fmt(lines.aim)}、{fmt(lines.standard)}、{fmt(lines.warning)}）")
    if lines.direction == "lower" and not lines.aim <= lines.standard <= lines.warning:
        raise InvalidInput(f"{who}越低越好，应满足 目标值 ≤ 标准值 ≤ 预警值"
                           f"（现为 {fmt(lines.aim)}、{fmt(lines.standard)}、{fmt(lines.warning)}）")
    if lines.direction not in ("higher", "lower"):
        raise InvalidInput(f"{who}的方向应为“越高越好”或“越低越好”")


def status_of(value: float, lines: Lines) -> str:
    """excellent, pass, warning or fail."""
    sign = 1 if lines.direction == "higher" else -1
    if sign * value >= sign * lines.aim:
        return "excellent"
    if sign * value >= sign * lines.standard:
        return "pass"
    if sign * value >= sign * lines.warning:
        return "warning"
    return "fail"


def tighter_or_equal(mine: Lines, school: Lines) -> bool:
    """Whether a subject's own lines are at least as demanding as the school's on every line."""
    sign = 1 if school.direction == "higher" else -1
    return all(sign * a >= sign * b for a, b in ((mine.aim, school.aim), (mine.standard, school.standard),
                                                  (mine.warning, school.warning)))


def fmt(number: float) -> str:
    """82.0 → “82”, 82.5 → “82.5”."""
    return f"{number:g}"
