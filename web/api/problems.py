"""Problem Details (RFC 9457) answers for the API: `application/problem+json` with the sentence in the caller's
language, a stable code and the field errors; never a traceback."""
from __future__ import annotations

from typing import Any

from flask import Response, json

PROBLEM_TYPE = "application/problem+json"
TITLES = {400: "请求有误", 401: "需要令牌", 403: "无权操作", 404: "不存在", 405: "不支持的方法", 409: "状态冲突",
          413: "请求过大", 415: "不支持的内容类型", 422: "内容有误", 429: "请求过于频繁", 500: "服务器出错",
          503: "依赖的服务不可用"}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_input",
         429: "too_many_requests", 500: "server_error", 503: "unavailable"}


def problem(status: int, detail: str, *, code: str = "", errors: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """One Problem Details answer."""
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "错误"), "status": status,
                            "detail": detail, "code": code or CODES.get(status, "error")}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flat_errors(messages: Any) -> dict[str, list[str]]:
    """webargs/marshmallow messages ({"json": {"field": ["…"]}}) as field → sentences."""
    found: dict[str, list[str]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            found.setdefault(path or "body", []).extend(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}[{index}]")
        else:
            found.setdefault(path or "body", []).append(str(value))

    for location, fields in (messages or {}).items():
        walk(fields, "" if location in ("json", "query", "form", "files", "headers") else str(location))
    return found
