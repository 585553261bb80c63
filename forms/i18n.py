"""Validation and upload messages in the user's language (zh_CN by default, en)."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "zh_CN": {
        "required": "此项为必填项。",
        "must_check": "请勾选此项。",
        "min": "不能小于 {min}。",
        "max": "不能大于 {max}。",
        "min_length": "长度不能少于 {min} 个字符。",
        "max_length": "长度不能超过 {max} 个字符。",
        "pattern": "格式不正确。",
        "email": "请输入有效的电子邮箱地址。",
        "phone": "请输入有效的电话号码。",
        "choice": "请选择列表中的选项。",
        "number": "请输入数字。",
        "boolean": "请选择是或否。",
        "date": "请输入有效日期（年-月-日）。",
        "time": "请输入有效时间（时:分）。",
        "datetime": "请输入有效的日期和时间。",
        "invalid": "格式不正确。",
        "files": "文件信息无效，请重新上传。",
        "one_file": "只能上传一个文件。",
        "file_type": "不支持此文件类型，允许的类型：{accept}。",
        "file_size": "文件不能超过 {max} MB。",
        "file_empty": "文件为空，请重新选择。",
        "no_upload": "此项不接受文件上传。",
    },
    "en": {
        "required": "This field is required.",
        "must_check": "Please tick this box.",
        "min": "Must not be less than {min}.",
        "max": "Must not be greater than {max}.",
        "min_length": "Must be at least {min} characters long.",
        "max_length": "Must not be longer than {max} characters.",
        "pattern": "The format is not valid.",
        "email": "Please enter a valid email address.",
        "phone": "Please enter a valid phone number.",
        "choice": "Please choose one of the listed options.",
        "number": "Please enter a number.",
        "boolean": "Please choose yes or no.",
        "date": "Please enter a valid date (YYYY-MM-DD).",
        "time": "Please enter a valid time (HH:MM).",
        "datetime": "Please enter a valid date and time.",
        "invalid": "The value is not valid.",
        "files": "The file information is not valid; please upload again.",
        "one_file": "Only one file may be uploaded.",
        "file_type": "This file type is not allowed. Allowed: {accept}.",
        "file_size": "The file must not be larger than {max} MB.",
        "file_empty": "The file is empty; please choose another.",
        "no_upload": "This field does not accept files.",
    },
}


def language(locale: Any) -> str:
    """Map a locale ("en_US", "en-GB", a babel Locale, None) to a catalog key: "en" or "zh_CN"."""
    return "en" if str(locale or "").lower().startswith("en") else "zh_CN"


def message(locale: Any, code: str, **params: Any) -> str:
    """The message for `code` in the locale's language, with {params} filled in."""
    return MESSAGES[language(locale)][code].format(**{k: _plain(v) for k, v in params.items()})


def _plain(value: Any) -> Any:
    # 5.0 reads as "5" to a person.
    return int(value) if isinstance(value, float) and value.is_integer() else value
