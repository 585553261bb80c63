"""Dry run page: choose a subject and the answers at each decision, see who would get each task and when."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template, request
from flask_login import current_user

from engine import choice_fields, dry_run, latest_definition, subjects

from .. import clock
from ..extensions import db
from ..views_helpers import today_period
from . import bp


def _start() -> datetime | None:
    """The start time the walk assumes (the form's 假定开始时间), or None for now."""
    try:
        return datetime.fromisoformat(request.form.get("start", "")) if request.form.get("start") else None
    except ValueError:
        return None


@bp.route("/processes/<process_id>/dry-run", methods=["GET", "POST"])
def dry_run_page(process_id: str):  # type: ignore[no-untyped-def]
    definition = latest_definition(db.session, process_id)
    fields = choice_fields(process_id, db.session)
    chosen: dict[str, dict[str, Any]] = {}
    result = None
    if request.method == "POST":
        for task_id, _name, component in fields:
            value = request.form.get(f"choice-{task_id}-{component.key}")
            if value is not None:
                chosen.setdefault(task_id, {})[component.key] = value
        result = dry_run(db.session, current_user, process_id, request.form.get("subject", ""),
                         request.form.get("period", ""), chosen, clock.now(), start=_start())
    return render_template("studio/dry_run.html", definition=definition, fields=fields, result=result,
                           chosen=chosen, subjects=subjects(db.session, definition.level or None),
                           subject=request.form.get("subject", ""),
                           period=request.form.get("period") or today_period().term,
                           start=request.form.get("start") or clock.now().strftime("%Y-%m-%dT%H:%M"))
