"""学年视图: what the schedules start in an academic year and when it falls due; the whole year's dry run."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from engine import InvalidInput, academic_years, period_info, year_dry_run, year_plan

from .. import clock
from ..extensions import db
from ..views_helpers import number
from . import bp
from .helpers import message, require_office


def _year_text() -> str:
    text = (request.args.get("year") or "").strip()[:9]
    if not text:
        now = clock.now()
        text = period_info(db.session, now.date()).year
        if now.month >= 3 and now.month < 8:  # spring: the office plans the coming year
            first = int(text[:4]) + 1
            text = f"{first}-{first + 1}"
    return text


@bp.get("/year", endpoint="year")
@login_required
def year_page():  # type: ignore[no-untyped-def]
    require_office()
    text = _year_text()
    try:
        plan = year_plan(db.session, current_user, text, clock.now())
    except InvalidInput as exc:
        return render_template("planning/year.html", plan=None, error=message(exc), year=text,
                               years=academic_years(db.session)), 422
    return render_template("planning/year.html", plan=plan, error="", year=text, years=academic_years(db.session))


@bp.get("/year/dry-run", endpoint="year_dry_run")
@login_required
def year_dry_run_page():  # type: ignore[no-untyped-def]
    require_office()
    text = _year_text()
    schedule_id = number(request.args, "schedule")
    page = number(request.args, "page", 1, low=1, high=10000) or 1
    try:
        groups = year_dry_run(db.session, current_user, text, clock.now(), schedule_id, page)
    except InvalidInput as exc:
        return render_template("planning/year_dry_run.html", groups=[], error=message(exc), year=text,
                               schedule_id=schedule_id, page=page), 422
    return render_template("planning/year_dry_run.html", groups=groups, error="", year=text,
                           schedule_id=schedule_id, page=page)
