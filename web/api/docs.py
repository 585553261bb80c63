"""/api/v1/docs: the API's documentation page, drawn from its own OpenAPI document (no script, no CDN)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/docs")
def page():  # type: ignore[no-untyped-def]
    spec: dict[str, Any] = current_app.extensions["spiral_api"].spec.to_dict()
    operations = [(path, method.upper(), op) for path, item in sorted(spec.get("paths", {}).items())
                  for method, op in item.items() if method in METHODS]
    return render_template("api/docs.html", spec=spec, operations=operations)
