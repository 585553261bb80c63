"""Bulk launch: start a process for every subject of its level in one period (skips those already started)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from engine.cockpit import bulk_launch
from engine.cycles import current_period
from engine.definitions import latest_definitions

from .. import clock
from ..extensions import db
from .routes import bp


@bp.route("/launch", methods=["GET", "POST"])
def bulk_launch_page():  # type: ignore[no-untyped-def]
    definitions = [d for d in latest_definitions(db.session) if d.level]
    result, chosen = None, request.values.get("process_id", "")
    period = request.values.get("period") or current_period(clock.now())[1]
    if request.method == "POST":
        result = bulk_launch(db.session, current_user, chosen, period, clock.now())
    return render_template("studio/launch.html", definitions=definitions, chosen=chosen, period=period,
                           result=result)
