"""One place that turns domain errors into HTTP answers: JSON for the API, a page for people."""
from __future__ import annotations

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine import (
    Conflict,
    InvalidInput,
    InvalidProcess,
    NotAllowed,
    NotFound,
    ScriptError,
    SpiralError,
    Unavailable,
)
from web.api.problems import flat_errors, problem

STATUS = {NotFound: 404, NotAllowed: 403, Conflict: 409, InvalidInput: 422, InvalidProcess: 422,
          ScriptError: 422, Unavailable: 503}


def status_for(error: SpiralError) -> int:
    """The HTTP status of a domain error."""
    for cls, code in STATUS.items():
        if isinstance(error, cls):
            return code
    return 400


def error_text(error: SpiralError) -> str:
    """The error's sentence in the current user's language (Chinese when it has no translation)."""
    return error.text(str(get_locale() or ""))


def field_errors(error: SpiralError) -> dict[str, list[str]]:
    """The per-field messages of an InvalidInput ({} for the other errors): field → list of messages."""
    return error.errors if isinstance(error, InvalidInput) else {}


def _plain_words(code: int | None) -> str:
    """What an HTTP error means, for the person who met it."""
    if code == 413:
        return _("上传的内容过大：每次提交不超过 %(mb)s MB，请压缩或分批上传。",
                 mb=current_app.config["MAX_UPLOAD_MB"])
    words = {400: _("请求无法处理，请返回上一页重试。"), 403: _("您无权访问该页面。"),
             404: _("页面不存在，可能已被删除或地址有误。"), 405: _("不支持这种访问方式，请从页面上的按钮操作。"),
             429: _("操作过于频繁，请稍后再试。")}
    return words.get(code or 0, "")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _api() -> bool:
    """The JSON API answers every error as Problem Details."""
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(SpiralError)
    def spiral_error(error: SpiralError):  # type: ignore[no-untyped-def]
        from web.extensions import db
        db.session.rollback()
        status = status_for(error)
        message = error_text(error)
        if _api():
            return problem(status, message, code=error.code or "", errors=field_errors(error) or None)
        if _wants_json():
            return jsonify(error=message, errors=field_errors(error)), status
        if request.method == "POST" and request.referrer and status in (409, 422):
            flash(message, "error")
            return redirect(request.referrer)
        return render_template("errors/error.html", message=message, status=status), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        message = error.description
        if message == type(error).description:  # werkzeug's own English sentence: say it in the user's language
            message = _plain_words(error.code) or message
        if _api():
            data = getattr(error, "data", None) or {}  # webargs: the request's field errors
            errors = flat_errors(data.get("messages")) if isinstance(data, dict) else {}
            if errors:
                message = _("请求的内容有误，请按 errors 中的说明修改")
            headers = dict(data.get("headers") or {}) if isinstance(data, dict) else {}
            headers.update({k: v for k, v in error.get_headers() if k == "Allow"})  # a 405 names what is allowed
            return problem(error.code or 500, str(message or ""), errors=errors or None, headers=headers)
        if _wants_json():
            return jsonify(error=message, errors={}), error.code
        return render_template("errors/error.html", message=message, status=error.code), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        propagate = current_app.config.get("PROPAGATE_EXCEPTIONS")
        if propagate or (propagate is None and (current_app.testing or current_app.debug)):
            raise error  # tests and the debugger see the exception itself, as without this handler
        current_app.logger.exception("Unexpected error on %s %s", request.method, request.path, exc_info=error)
        from web.extensions import db
        db.session.rollback()
        message = _("出错了，我们已记录下来。请稍后再试；如果一直出错，请联系管理员。")
        if _api():
            return problem(500, message)
        if _wants_json():
            return jsonify(error=message, errors={}), 500
        return render_template("errors/error.html", message=message, status=500), 500
