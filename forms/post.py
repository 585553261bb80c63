"""Read an HTML form post (a MultiDict-like object) back into the nested data a form describes."""

from __future__ import annotations

import re
from typing import Any, Protocol, overload

from .definition import Component, FormDef
from .fields import FALSE_WORDS

ADD_ROW = "_add_row"
REMOVE_ROW = "_remove_row"
ROW_COUNT_SUFFIX = "-_rows"
MAX_ROWS = 200


class FormData(Protocol):
    """What parse_form_post needs from werkzeug's MultiDict (or anything shaped like it)."""

    @overload
    def get(self, key: str) -> Any: ...

    @overload
    def get(self, key: str, default: Any) -> Any: ...

    def __contains__(self, key: object) -> bool: ...


def parse_form_post(form: FormDef, formdata: FormData) -> dict[str, Any]:
    """Nested data from posted fields: checkbox → bool, checklist → list, dynamic list → row dicts."""
    removed = set(_getlist(formdata, REMOVE_ROW))
    return _parse_scope(form.fields, formdata, "", removed)


def row_field_name(list_name: str, index: int, key: str) -> str:
    """HTML name of `key` in row `index` of the dynamic list posted as `list_name`."""
    return f"{list_name}-{index}-{key}"


def _parse_scope(
    inputs: tuple[Component, ...], formdata: FormData, prefix: str, removed: set[str]
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for comp in inputs:
        key = comp.key or ""
        name = prefix + key
        if comp.type == "filepicker":
            continue  # files arrive in request.files; the caller stores them and merges the references
        if comp.type == "checkbox":
            data[key] = name in formdata and str(formdata.get(name, "")).strip().lower() not in FALSE_WORDS
        elif comp.type == "checklist":
            data[key] = [v for v in _getlist(formdata, name) if v != ""]
        elif comp.type == "dynamiclist":
            data[key] = _parse_rows(comp, formdata, name, removed)
        elif name in formdata:
            data[key] = formdata.get(name)
    return data


def _parse_rows(comp: Component, formdata: FormData, name: str, removed: set[str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(_row_count(comp, formdata, name)):
        if f"{name}-{i}" in removed:
            continue
        row = _parse_scope(comp.children, formdata, f"{name}-{i}-", removed)
        if any(not _is_empty(v) for v in row.values()):
            rows.append(row)
    return rows


def _row_count(comp: Component, formdata: FormData, name: str) -> int:
    # The macro posts the number of rows it drew; rows added by other means are found by probing.
    declared = str(formdata.get(name + ROW_COUNT_SUFFIX, "") or "").strip()
    count = min(int(declared), MAX_ROWS) if declared.isdigit() else 0
    keys = getattr(formdata, "keys", None)
    if callable(keys):
        found = re.compile(rf"^{re.escape(name)}-(\d+)-")
        for key in keys():
            match = found.match(str(key))
            if match and int(match.group(1)) < MAX_ROWS:
                count = max(count, int(match.group(1)) + 1)
    def posted(i: int) -> bool:
        return any(row_field_name(name, i, c.key or "") in formdata for c in comp.children)

    while count < MAX_ROWS and posted(count):
        count += 1
    return count


def _getlist(formdata: FormData, name: str) -> list[Any]:
    getlist = getattr(formdata, "getlist", None)
    if callable(getlist):
        return list(getlist(name))
    value = formdata.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_empty(value: Any) -> bool:
    return value is None or value is False or value == [] or (isinstance(value, str) and not value.strip())


def encode_form_post(form: FormDef, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts for `answers`: the inverse of parse_form_post."""
    posted: list[tuple[str, str]] = []

    def put(prefix: str, components: Any, values: dict[str, Any]) -> None:
        for component in components:
            if component.key is None or component.key not in values:
                continue
            name, value = prefix + component.key, values[component.key]
            if component.type == "dynamiclist":
                posted.append((f"{name}{ROW_COUNT_SUFFIX}", str(len(value))))
                for i, row in enumerate(value):
                    put(f"{name}-{i}-", component.children, row)
            elif component.type == "checkbox":
                if value:
                    posted.append((name, "on"))
            elif isinstance(value, list):
                posted.extend((name, str(v)) for v in value)
            else:
                posted.append((name, str(value)))

    put("", form.fields, answers)
    return posted
