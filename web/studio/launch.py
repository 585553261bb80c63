"""Bulk launch: start a process for every subject of its level in one period (skips those already started).

The page asks for the plan, then starts one subject per request so it can show a progress bar and a live
list; without JavaScript the form posts once and the whole launch runs in that request.
"""
from __future__ import annotations

from flask import jsonify, render_template, request, url_for
from flask_login import current_user

from engine import InvalidInput, NotFound, bulk_launch, latest_definitions, launch_one, launch_plan, launch_scopes

from .. import clock
from ..errors import error_text, field_errors
from ..extensions import db
from ..views_helpers import json_object, today_period
from . import bp


def _chosen(values) -> list[str] | None:  # type: ignore[no-untyped-def]
    """The ticked subject codes once the checklist was shown (`choosing`), else None: the whole scope."""
    return values.getlist("subject") if values.get("choosing") else None


@bp.route("/launch", methods=["GET", "POST"])
def bulk_launch_page():  # type: ignore[no-untyped-def]
    definitions = [d for d in latest_definitions(db.session) if d.level]
    result, plan, error, status, chosen = None, None, "", 200, request.values.get("process_id", "")
    period = request.values.get("period") or today_period().term
    within = request.values.get("within", "")
    ticked = _chosen(request.form)
    if request.method == "POST":
        try:
            if request.form.get("action") == "list":
                plan = launch_plan(db.session, current_user, chosen, period, within)
                ticked = [s.code for s, running in plan if not running]
            else:
                result = bulk_launch(db.session, current_user, chosen, period, clock.now(), within=within,
                                     chosen=ticked)
        except (InvalidInput, NotFound) as exc:
            db.session.rollback()
            error, status = error_text(exc), 422
            if ticked is not None:  # keep the checklist the person was ticking, when the scope itself is fine
                try:
                    plan = launch_plan(db.session, current_user, chosen, period, within)
                except (InvalidInput, NotFound):
                    plan = None
    return render_template("studio/launch.html", definitions=definitions, chosen=chosen, period=period,
                           result=result, within=within, scopes=launch_scopes(db.session), plan=plan,
                           ticked=set(ticked or []), error=error), status


@bp.get("/launch/plan")
def bulk_launch_plan():  # type: ignore[no-untyped-def]
    try:
        plan = launch_plan(db.session, current_user, request.args.get("process_id", ""),
                           request.args.get("period", ""), request.args.get("within", ""), _chosen(request.args))
    except (InvalidInput, NotFound) as exc:
        return jsonify(ok=False, message=error_text(exc), errors=field_errors(exc)), 422
    return jsonify(ok=True, subjects=[
        {"code": s.code, "name": s.name, "instance_id": instance_id,
         "url": url_for("cycles.show", instance_id=instance_id) if instance_id else None}
        for s, instance_id in plan])


@bp.post("/launch/one")
def bulk_launch_one():  # type: ignore[no-untyped-def]
    payload = json_object()
    step = launch_one(db.session, current_user, str(payload.get("process_id") or ""),
                      str(payload.get("subject") or ""), str(payload.get("period") or ""), clock.now(),
                      within=str(payload.get("within") or ""))
    return jsonify(ok=True, status=step.status, subject=step.subject_name, message=step.message,
                   url=url_for("cycles.show", instance_id=step.instance_id) if step.instance_id else None,
                   instance_id=step.instance_id)
