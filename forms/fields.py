"""Marshmallow fields for form-js inputs; each accepts typed JSON values and HTML form strings alike."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError, fields

from .definition import Component, Option
from .i18n import message

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ()]{5,19}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
TRUE_WORDS = frozenset({"true", "on", "1", "yes", "y", "是"})
FALSE_WORDS = frozenset({"false", "off", "0", "no", "n", "否"})


class FormInput(fields.Field):
    """Base of the form fields: knows its component and answers in the user's language."""

    def __init__(self, comp: Component, lang: str, **kwargs: Any) -> None:
        self.comp = comp
        self.lang = lang
        required_msg = message(lang, "must_check" if comp.type == "checkbox" else "required")
        super().__init__(
            required=comp.required, data_key=comp.key, attribute=comp.key,
            error_messages={"required": required_msg, "null": required_msg}, **kwargs,
        )

    def fail(self, code: str, **params: Any) -> ValidationError:
        """A ValidationError carrying the localised message for `code`."""
        return ValidationError(message(self.lang, code, **params))


class TextInput(FormInput):
    """textfield / textarea: a string, trimmed, with length, pattern and email/phone rules."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail("invalid")
        text = value.replace("\r\n", "\n").strip() if isinstance(value, str) else str(value)
        rules = self.comp.rules
        if "min_length" in rules and len(text) < rules["min_length"]:
            raise self.fail("min_length", min=rules["min_length"])
        if "max_length" in rules and len(text) > rules["max_length"]:
            raise self.fail("max_length", max=rules["max_length"])
        # form-js tests patterns with RegExp.test, i.e. a search: authors anchor with ^...$ when they mean it.
        if "pattern" in rules and not rules["pattern"].search(text):
            raise self.fail("pattern")
        kind = rules.get("validation_type")
        if kind and not (EMAIL_RE if kind == "email" else PHONE_RE).match(text):
            raise self.fail(kind)
        return text


class NumberInput(FormInput):
    """number: int when integral, else float; min and max."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | float:
        number = to_number(value)
        if number is None:
            raise self.fail("number")
        rules = self.comp.rules
        if "min" in rules and number < rules["min"]:
            raise self.fail("min", min=rules["min"])
        if "max" in rules and number > rules["max"]:
            raise self.fail("max", max=rules["max"])
        return number


class ChoiceInput(FormInput):
    """select / radio: one of the component's values (returned as the option's own value)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return match_option(self.comp.options, value, self)


class ChecklistInput(FormInput):
    """checklist: a list of option values without repeats; required means at least one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        items = [value] if isinstance(value, (str, int, float)) else value
        if not isinstance(items, (list, tuple)):
            raise self.fail("invalid")
        chosen: list[Any] = []
        for item in items:
            option = match_option(self.comp.options, item, self)
            if option not in chosen:
                chosen.append(option)
        if self.comp.required and not chosen:
            raise self.fail("required")
        return chosen


class CheckboxInput(FormInput):
    """checkbox: a bool from true/false or an HTML "on"; required means it must be ticked."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            flag = value
        elif isinstance(value, (str, int)) and str(value).strip().lower() in TRUE_WORDS | FALSE_WORDS:
            flag = str(value).strip().lower() in TRUE_WORDS
        else:
            raise self.fail("boolean")
        if self.comp.required and not flag:
            raise self.fail("must_check")
        return flag


class DateTimeInput(FormInput):
    """datetime: an ISO string by subtype: date "YYYY-MM-DD", time "HH:MM[:SS]", datetime "…THH:MM"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        subtype = self.comp.subtype
        if isinstance(value, (date, time)):
            value = value.isoformat()
        if not isinstance(value, str):
            raise self.fail(subtype)
        text = value.strip()
        pattern, parse = {"date": (DATE_RE, date.fromisoformat), "time": (TIME_RE, time.fromisoformat),
                          "datetime": (DATETIME_RE, datetime.fromisoformat)}[subtype]
        try:
            if not pattern.match(text):
                raise ValueError(text)
            parse(text)
        except ValueError:
            raise self.fail(subtype) from None
        return text.replace(" ", "T", 1) if subtype == "datetime" else text


class FilesInput(FormInput):
    """filepicker: references to stored evidence; required means at least one, single unless `multiple`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[dict[str, Any]]:
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, (list, tuple)):
            raise self.fail("files")
        refs = [self._ref(item) for item in items]
        if self.comp.required and not refs:
            raise self.fail("required")
        if len(refs) > 1 and not self.comp.multiple:
            raise self.fail("one_file")
        return refs

    def _ref(self, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise self.fail("files")
        evidence_id = _whole(item.get("evidence_id"))
        size = _whole(item.get("size", 0))
        filename, ctype = item.get("filename"), item.get("content_type", "")
        if evidence_id is None or size is None or not isinstance(filename, str) or not filename \
                or not isinstance(ctype, str):
            raise self.fail("files")
        return {"evidence_id": evidence_id, "filename": filename, "size": size, "content_type": ctype}


class RowsInput(FormInput):
    """dynamiclist: a list of row dicts, each loaded by the row schema; errors keyed by row index."""

    def __init__(self, comp: Component, lang: str, row_schema: type[Schema], **kwargs: Any) -> None:
        super().__init__(comp, lang, **kwargs)
        self.row_schema = row_schema

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if not isinstance(value, (list, tuple)):
            raise self.fail("invalid")
        rows: list[dict[str, Any]] = []
        errors: dict[int, Any] = {}
        for i, row in enumerate(value):
            if not isinstance(row, dict):
                errors[i] = [message(self.lang, "invalid")]
                continue
            try:
                rows.append(self.row_schema().load(row))
            except ValidationError as exc:
                errors[i] = exc.messages
        if errors:
            raise ValidationError(errors)
        if self.comp.required and not rows:
            raise self.fail("required")
        return rows


def to_number(value: Any) -> int | float | None:
    """A finite number from an int, float or numeric string (int if integral); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value


def match_option(options: tuple[Option, ...], value: Any, field: FormInput) -> Any:
    """The option value equal to `value` (compared as text, so "3" matches 3); raises if none does."""
    if isinstance(value, (dict, list, tuple)) or value is None:
        raise field.fail("choice")
    if not options:  # values supplied at run time (valuesKey): nothing to check against
        return value
    token = option_token(value)
    for option in options:
        if option_token(option.value) == token:
            return option.value
    raise field.fail("choice")


def option_token(value: Any) -> str:
    """The text form of an option value as it travels in HTML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _whole(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
