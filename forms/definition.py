"""A form-js definition read into plain, checked objects that schema, post parsing and templates share."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no types
from markupsafe import Markup

from .errors import FormDefinitionError

_JS_UNICODE = re.compile(r"\\u([0-9A-Fa-f]{4})")


def compile_pattern(pattern: str) -> Any:
    """A form's `pattern` compiled by RE2, which matches in linear time (no backtracking, so no input can make
    it take exponential time); form-js writes JavaScript regular expressions, whose `\\uXXXX` RE2 spells
    `\\x{XXXX}`. Raises re2.error for what RE2 cannot match (back-references, look-arounds)."""
    options = re2.Options()
    options.log_errors = False
    return re2.compile(_JS_UNICODE.sub(r"\\x{\1}", pattern), options)


def pattern_problem(exc: Exception) -> str:
    """Why RE2 refused a pattern, in a sentence."""
    detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
    return f"{detail}；本系统只支持不回溯的正则写法，不能用反向引用（\\1）或前后查找（(?=…)、(?<=…)）"

INPUT_TYPES = frozenset(
    {"textfield", "textarea", "number", "select", "radio", "checkbox", "checklist", "datetime", "filepicker"}
)
# form-js components that carry no submitted value (some old ones have a key); never treated as inputs.
IGNORED_TYPES = frozenset(
    {"button", "spacer", "separator", "image", "html", "iframe", "table", "expression", "documentPreview"}
)
KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
HEADING_RE = re.compile(r"^#{1,6}\s+(.*)$")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Option:
    """One choice of a select, radio or checklist."""

    label: str
    value: Any


@dataclass(frozen=True, eq=False)
class Component:
    """A normalised form-js component: an input, a group, a static text or a dynamic list."""

    type: str
    key: str | None
    label: str
    raw: dict[str, Any] = dc_field(repr=False)
    description: str = ""
    default: Any = None
    required: bool = False
    rules: dict[str, Any] = dc_field(default_factory=dict, repr=False)
    options: tuple[Option, ...] = ()
    subtype: str = "date"
    multiple: bool = False
    accept: str = ""
    max_size_mb: float | None = None
    step: Any = "any"
    readonly: bool = False
    items: tuple[Component, ...] = ()
    children: tuple[Component, ...] = ()
    default_repetitions: int = 1
    allow_add_remove: bool = False
    blocks: tuple[tuple[str, tuple[Markup, ...]], ...] = ()

    @property
    def is_input(self) -> bool:
        """True for components that hold a submitted value (including a dynamic list)."""
        return self.key is not None


@dataclass(frozen=True, eq=False)
class FormDef:
    """A parsed form definition; `fields` are its inputs, flattened through groups."""

    id: str
    title: str
    components: list[Any] = dc_field(repr=False)
    fields: tuple[Component, ...] = dc_field(repr=False)
    file_fields: tuple[str, ...]
    raw: dict[str, Any] = dc_field(repr=False)
    layout: tuple[Component, ...] = dc_field(repr=False)
    source: str = ""

    def field(self, key: str) -> Component | None:
        """Return the top-level (or grouped) input with this key, or None."""
        return next((f for f in self.fields if f.key == key), None)


def parse_definition(raw: Any, source: str, form_id: str | None = None) -> FormDef:
    """Check a decoded form-js document and build its FormDef; raises FormDefinitionError."""
    if not isinstance(raw, dict):
        raise FormDefinitionError(source, "a form must be a JSON object")
    if raw.get("type", "default") != "default":
        raise FormDefinitionError(source, f"top-level type must be 'default', not {raw.get('type')!r}")
    components = raw.get("components")
    if not isinstance(components, list):
        raise FormDefinitionError(source, "missing 'components' list (is this a form-js form?)")
    ident = form_id or str(raw.get("id") or "") or "form"
    layout = _parse_list(components, source, "components")
    fields = flatten_inputs(layout)
    _check_unique(fields, source, "the form")
    title = raw.get("title") or raw.get("name") or ident
    return FormDef(
        id=ident,
        title=str(title),
        components=components,
        fields=fields,
        file_fields=tuple(f.key for f in fields if f.type == "filepicker" and f.key),
        raw=raw,
        layout=layout,
        source=source,
    )


def flatten_inputs(layout: tuple[Component, ...]) -> tuple[Component, ...]:
    """Inputs of a layout in order, looking through groups but not into dynamic lists."""
    out: list[Component] = []
    for comp in layout:
        if comp.type == "group":
            out.extend(flatten_inputs(comp.items))
        elif comp.is_input:
            out.append(comp)
    return tuple(out)


def _parse_list(items: Any, source: str, where: str) -> tuple[Component, ...]:
    if not isinstance(items, list):
        raise FormDefinitionError(source, f"{where} must be a list")
    parsed = (_parse_component(item, source, f"{where}[{i}]") for i, item in enumerate(items))
    return tuple(c for c in parsed if c is not None)


def _parse_component(raw: Any, source: str, where: str) -> Component | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise FormDefinitionError(source, f"{where} is not a component (an object with a 'type')")
    kind = raw["type"]
    if kind in IGNORED_TYPES:
        return None
    label = str(raw.get("label") or raw.get("dateLabel") or raw.get("timeLabel") or "")
    common: dict[str, Any] = {"raw": raw, "label": label, "description": str(raw.get("description") or "")}
    if kind == "text":
        return Component(type="text", key=None, blocks=_text_blocks(str(raw.get("text") or "")), **common)
    if kind == "group":
        return Component(type="group", key=None, items=_parse_list(raw.get("components", []), source,
                                                                     f"{where}.components"), **common)
    if kind == "dynamiclist":
        return _parse_dynamiclist(raw, source, where, common)
    key = raw.get("key")
    if key is None and kind not in INPUT_TYPES:
        return None
    _check_key(key, source, where, "key")
    kind = kind if kind in INPUT_TYPES else "textfield"
    common["label"] = common["label"] or key
    return Component(type=kind, key=key, **common, **_input_props(kind, raw, source, where))


def _parse_dynamiclist(raw: dict[str, Any], source: str, where: str, common: dict[str, Any]) -> Component:
    path = raw.get("path")
    _check_key(path, source, where, "path")
    items = _parse_list(raw.get("components", []), source, f"{where}.components")
    children = flatten_inputs(items)
    _check_unique(children, source, f"dynamic list {path!r}")
    reps = raw.get("defaultRepetitions", 1)
    if isinstance(reps, bool) or not isinstance(reps, (int, str)) or not str(reps).isdigit():
        raise FormDefinitionError(source, f"{where}: defaultRepetitions must be a whole number")
    common["label"] = common["label"] or path
    return Component(
        type="dynamiclist", key=path, items=items, children=children, default_repetitions=min(int(reps), 100),
        allow_add_remove=bool(raw.get("allowAddRemove", False)),
        required=bool((raw.get("validate") or {}).get("required")), **common,
    )


def _input_props(kind: str, raw: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    validate = raw.get("validate") or {}
    if not isinstance(validate, dict):
        raise FormDefinitionError(source, f"{where}: 'validate' must be an object")
    props: dict[str, Any] = {
        "default": raw.get("defaultValue"),
        "required": bool(validate.get("required")),
        "rules": _rules(validate, source, where),
        "readonly": bool(raw.get("readonly") or raw.get("disabled")),
    }
    if kind in ("select", "radio", "checklist"):
        props["options"] = _options(raw.get("values"), source, where)
    elif kind == "datetime":
        subtype = raw.get("subtype")
        props["subtype"] = subtype if subtype in ("date", "time", "datetime") else "date"
    elif kind == "number" and raw.get("increment") not in (None, ""):
        props["step"] = _number(raw["increment"], source, where, "increment")
    elif kind == "filepicker":
        props["multiple"] = bool(raw.get("multiple"))
        props["accept"] = str(raw.get("accept") or "")
        size = (raw.get("properties") or {}).get("maxSizeMB")
        props["max_size_mb"] = None if size in (None, "") else _number(size, source, where, "maxSizeMB")
    return props


def _rules(validate: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for name in ("min", "max"):
        if validate.get(name) not in (None, ""):
            rules[name] = _number(validate[name], source, where, name)
    for name, out in (("minLength", "min_length"), ("maxLength", "max_length")):
        if validate.get(name) not in (None, ""):
            value = _number(validate[name], source, where, name)
            if not isinstance(value, int) or value < 0:
                raise FormDefinitionError(source, f"{where}: {name} must be a whole number")
            rules[out] = value
    pattern = validate.get("pattern")
    if pattern not in (None, ""):
        try:
            rules["pattern"] = compile_pattern(str(pattern))
        except re2.error as exc:
            reason = f"{where}: pattern {pattern!r} is not a valid regular expression ({pattern_problem(exc)})"
            raise FormDefinitionError(source, reason) from exc
    if validate.get("validationType") in ("email", "phone"):
        rules["validation_type"] = validate["validationType"]
    return rules


def _options(values: Any, source: str, where: str) -> tuple[Option, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise FormDefinitionError(source, f"{where}: 'values' must be a list of {{label, value}}")
    options = []
    for i, item in enumerate(values):
        if not isinstance(item, dict) or "value" not in item:
            raise FormDefinitionError(source, f"{where}.values[{i}] must be an object with a 'value'")
        options.append(Option(label=str(item.get("label", item["value"])), value=item["value"]))
    return tuple(options)


def _number(value: Any, source: str, where: str, name: str) -> int | float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise FormDefinitionError(source, f"{where}: {name} must be a number, not {value!r}")
    return int(number) if number.is_integer() else number


def _check_key(key: Any, source: str, where: str, what: str) -> None:
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise FormDefinitionError(
            source, f"{where}: {what} {key!r} must start with a letter and hold only letters, digits and _"
        )


def _check_unique(fields: tuple[Component, ...], source: str, scope: str) -> None:
    seen: set[str] = set()
    for comp in fields:
        if comp.key in seen:
            raise FormDefinitionError(source, f"key {comp.key!r} is used twice in {scope}")
        seen.add(comp.key or "")


def _text_blocks(text: str) -> tuple[tuple[str, tuple[Markup, ...]], ...]:
    """Split static text into headings ('# x') and paragraphs of escaped lines; only **bold** is read."""
    blocks: list[tuple[str, tuple[Markup, ...]]] = []
    for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in para.split("\n")]
        while lines and (heading := HEADING_RE.match(lines[0].strip())):
            blocks.append(("heading", (_inline(heading.group(1)),)))
            lines.pop(0)
        if any(lines):
            blocks.append(("paragraph", tuple(_inline(line) for line in lines)))
    return tuple(blocks)


def _inline(line: str) -> Markup:
    # Escape first, then add the only tag we make: the text can never smuggle markup of its own.
    return Markup(BOLD_RE.sub(r"<strong>\1</strong>", str(Markup.escape(line))))
