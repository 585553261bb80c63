"""One place that turns domain errors into HTTP answers: JSON for the API, a page for people."""
from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, InvalidProcess, NotAllowed, NotFound, ScriptError, SpiralError

STATUS = {NotFound: 404, NotAllowed: 403, Conflict: 409, InvalidInput: 422, InvalidProcess: 422,
          ScriptError: 422}


def status_for(error: SpiralError) -> int:
    """The HTTP status of a domain error."""
    for cls, code in STATUS.items():
        if isinstance(error, cls):
            return code
    return 400


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(SpiralError)
    def spiral_error(error: SpiralError):  # type: ignore[no-untyped-def]
        from web.extensions import db
        db.session.rollback()
        status = status_for(error)
        if _wants_json():
            return jsonify(error=error.message, errors=getattr(error, "errors", {})), status
        if request.method == "POST" and request.referrer and status in (409, 422):
            flash(error.message, "error")
            return redirect(request.referrer)
        return render_template("errors/error.html", message=error.message, status=status), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if _wants_json():
            return jsonify(error=error.description), error.code
        return render_template("errors/error.html", message=error.description, status=error.code), error.code
