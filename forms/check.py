"""List every problem of a form-js document at once, in Chinese, for the studio's form designer."""

from __future__ import annotations

from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no types

from .definition import IGNORED_TYPES, INPUT_TYPES, KEY_RE, compile_pattern, parse_definition, pattern_problem
from .errors import FormDefinitionError

CONTAINERS = frozenset({"group", "dynamiclist"})
KNOWN_TYPES = INPUT_TYPES | IGNORED_TYPES | CONTAINERS | {"text"}
CHOICES = frozenset({"select", "radio", "checklist"})


def check_definition(raw: Any) -> list[str]:
    """Every problem of a decoded form-js document, each a Chinese sentence naming the field; [] if usable."""
    if not isinstance(raw, dict):
        return ["表单必须是一个 JSON 对象（form-js 的 schema）。"]
    problems: list[str] = []
    if raw.get("type", "default") != "default":
        problems.append(f"表单顶层的 type 必须是 “default”，而不是 “{raw.get('type')}”。")
    components = raw.get("components")
    if not isinstance(components, list):
        return [*problems, "缺少 components 列表：这不是 form-js 表单。"]
    _check_list(components, "", problems)
    if not problems:
        try:
            parse_definition(raw, "<designer>")
        except FormDefinitionError as exc:  # a case the checks above do not name: keep the library's words
            problems.append(f"表单定义有误：{exc.reason}")
    return problems


def _name(comp: dict[str, Any], where: str) -> str:
    label = comp.get("label") or comp.get("key") or comp.get("path") or comp.get("type")
    return f"{where}“{label}”" if where else f"“{label}”"


def _check_list(items: list[Any], where: str, problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for comp in items:
        if not isinstance(comp, dict) or not isinstance(comp.get("type"), str):
            problems.append(f"{where}有一个组件不是对象或没有 type。")
            continue
        _check_component(comp, where, problems, seen)


def _check_component(comp: dict[str, Any], where: str, problems: list[str], seen: dict[str, str]) -> None:
    kind, name = comp["type"], _name(comp, where)
    if kind not in KNOWN_TYPES:
        problems.append(f"字段 {name} 的类型 “{kind}” 不受支持；请换成单行文本、多行文本、数字、下拉、单选、多选、复选框、日期、文件、分组或动态列表。")
    if kind in IGNORED_TYPES or kind == "text":
        return
    if kind == "group":
        _check_list(comp.get("components") or [], where, problems)  # a group's keys share its parent's scope
        return
    attr = "path" if kind == "dynamiclist" else "key"
    key = comp.get(attr)
    if not isinstance(key, str) or not KEY_RE.match(key):
        problems.append(f"字段 {name} 的{'路径（path）' if attr == 'path' else '键（key）'} “{key or ''}” 无效："
                        "须以英文字母开头，只含字母、数字和下划线。")
    elif key in seen:
        problems.append(f"字段 {name} 的键 “{key}” 与 {seen[key]} 重复；每个字段的键必须不同。")
    else:
        seen[key] = name
    if kind == "dynamiclist":
        _check_list(comp.get("components") or [], f"{name}中的", problems)
        return
    if kind in CHOICES:
        values = comp.get("values")
        if comp.get("valuesKey") or comp.get("valuesExpression"):
            problems.append(f"字段 {name} 的选项来自输入数据或表达式，Spiral 不支持；请直接列出选项。")
        elif not isinstance(values, list) or not values:
            problems.append(f"字段 {name} 没有选项；请至少添加一个选项。")
        elif any(not isinstance(v, dict) or v.get("value") in (None, "") for v in values):
            problems.append(f"字段 {name} 有选项缺少值（value）。")
    _check_validate(comp.get("validate"), name, problems)


def _check_validate(validate: Any, name: str, problems: list[str]) -> None:
    if validate is None:
        return
    if not isinstance(validate, dict):
        problems.append(f"字段 {name} 的校验设置（validate）必须是对象。")
        return
    for rule in ("min", "max", "minLength", "maxLength"):
        value = validate.get(rule)
        if value in (None, ""):
            continue
        try:
            number = float(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or (rule.endswith("Length") and (number < 0 or not number.is_integer())):
            problems.append(f"字段 {name} 的校验 {rule} 必须是{'非负整数' if rule.endswith('Length') else '数字'}，"
                            f"而不是 “{value}”。")
    pattern = validate.get("pattern")
    if pattern not in (None, ""):
        try:
            compile_pattern(str(pattern))
        except re2.error as exc:
            problems.append(f"字段 {name} 的正则表达式 “{pattern}” 无法使用（{pattern_problem(exc)}）。")
