"""Turn a form definition into a marshmallow schema and validate submissions against it."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

from .definition import Component, FormDef
from .fields import (
    CheckboxInput,
    ChecklistInput,
    ChoiceInput,
    DateTimeInput,
    FilesInput,
    NumberInput,
    RowsInput,
    TextInput,
)
from .i18n import language, message

FIELD_CLASSES: dict[str, Callable[..., fields.Field]] = {
    "textfield": TextInput, "textarea": TextInput, "number": NumberInput, "select": ChoiceInput,
    "radio": ChoiceInput, "checklist": ChecklistInput, "checkbox": CheckboxInput, "datetime": DateTimeInput,
    "filepicker": FilesInput,
}
FORM_ERROR_KEY = "_form"

_cache: weakref.WeakKeyDictionary[FormDef, dict[str, type[Schema]]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


class FormSchema(Schema):
    """Base of generated schemas: unknown keys are dropped, blank values count as not given."""

    class Meta:
        unknown = EXCLUDE
        register = False

    @pre_load
    def drop_blank(self, data: Any, **kwargs: Any) -> Any:
        """Remove None and whitespace-only strings so optional fields vanish and required ones fail."""
        if not isinstance(data, Mapping):
            return data
        return {k: v for k, v in data.items() if not (v is None or (isinstance(v, str) and not v.strip()))}


def build_schema(form: FormDef, locale: str = "zh_CN") -> type[Schema]:
    """The marshmallow Schema class validating `form` (messages in the locale's language); cached per form."""
    lang = language(locale)
    per_form = _cache.get(form)
    if per_form is None or lang not in per_form:
        schema = _schema_class(form.fields, lang, f"{form.id}Schema")
        with _cache_lock:
            _cache.setdefault(form, {})[lang] = schema
        return schema
    return per_form[lang]


_instances: weakref.WeakKeyDictionary[FormDef, dict[str, Schema]] = weakref.WeakKeyDictionary()


def _schema_of(form: FormDef, locale: str) -> Schema:
    """One schema object per form and language: making one copies every field, and a load keeps no state on it."""
    lang = language(locale)
    found = _instances.get(form, {}).get(lang)
    if found is None:
        found = build_schema(form, locale)()
        with _cache_lock:
            _instances.setdefault(form, {})[lang] = found
    return found


def validate_submission(
    form: FormDef, data: Mapping[str, Any], locale: str = "zh_CN"
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate submitted data; return (clean data, {dotted field path: one message in the user's locale})."""
    schema = _schema_of(form, locale)
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        return valid, flatten_errors(exc.messages)


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, str]:
    """Marshmallow's nested error messages as {"rows.0.measure": "first message"}."""
    out: dict[str, str] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            for p, msg in flatten_errors(value, path).items():
                out.setdefault(p, msg)
    elif isinstance(messages, (list, tuple)):
        for value in messages:
            for p, msg in flatten_errors(value, prefix).items():
                out.setdefault(p, msg)
    else:
        out.setdefault(prefix or FORM_ERROR_KEY, str(messages))
    return out


def _schema_class(inputs: tuple[Component, ...], lang: str, name: str) -> type[Schema]:
    attrs: dict[str, Any] = {"error_messages": {"type": message(lang, "invalid")}}
    for i, comp in enumerate(inputs):
        # Attribute names are positional so a key like "load" or "fields" cannot shadow Schema members.
        attrs[f"field_{i}"] = _field(comp, lang)
    return type(name, (FormSchema,), attrs)


def _field(comp: Component, lang: str) -> fields.Field:
    if comp.type == "dynamiclist":
        rows = _schema_class(comp.children, lang, f"{comp.key}RowSchema")
        return RowsInput(comp, lang, rows)
    if comp.type == "checkbox" and not comp.required:
        return CheckboxInput(comp, lang, load_default=False)
    return FIELD_CLASSES[comp.type](comp, lang)
