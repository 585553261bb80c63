"""The admin home: what there is to manage."""
from __future__ import annotations

from typing import Any

from flask import render_template

from . import bp
from .access import may_change, readers_only


@bp.context_processor
def _may_change() -> dict[str, Any]:
    """Whether the change buttons are shown (administrators only)."""
    return {"may_change": may_change()}


@bp.get("/")
@readers_only
def index():  # type: ignore[no-untyped-def]
    return render_template("admin/index.html", may_change=may_change())
