"""The headers every response carries: a Content-Security-Policy, no framing, no sniffing, same-origin referrers.

Scripts come only from this server (static files and the vendor route): templates hold no inline script, only
JSON data blocks, which are never executed. Style attributes are allowed (the progress bars, bpmn-js's SVG
icons); `<style>` elements only on the form designer's pages, where form-js inserts its own.
"""
from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_babel import gettext as _

_BASE = ("default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
         "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; ")
POLICY = _BASE + "style-src 'self'; style-src-attr 'unsafe-inline'"
DESIGNER_POLICY = _BASE + "style-src 'self' 'unsafe-inline'"
DESIGNER_ENDPOINTS = {"studio.form_new", "studio.form_design"}
HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def register(app: Flask) -> None:
    """Add the security headers to every response of `app`, and refuse input holding NUL characters."""

    @app.before_request
    def refuse_nul() -> None:
        # A NUL byte is no text anyone types; PostgreSQL refuses it in every text column (a 500 there)
        if request.content_length and request.content_length > 0 and request.mimetype == "application/json":
            found = "\\u0000" in request.get_data(as_text=True)
        else:
            found = any("\x00" in key or "\x00" in value
                        for source in (request.args, request.form) for key, values in source.lists()
                        for value in values)
        if found:
            abort(400, description=_("输入中含有不允许的空字符（NUL），请删除后再提交。"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy",
                                    DESIGNER_POLICY if request.endpoint in DESIGNER_ENDPOINTS else POLICY)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
