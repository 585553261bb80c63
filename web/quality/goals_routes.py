"""The goal chain (目标链): every goal of a school year as a tree, with its attainment and colour."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import goal_tree, review_goal

from .. import clock
from ..extensions import db
from ..views_helpers import level_label, today_period
from . import bp
from .access import may_edit, require_edit, require_watch


@bp.get("/goals", endpoint="goals")
@login_required
def goals_page():  # type: ignore[no-untyped-def]
    require_watch()
    year = (request.args.get("year") or today_period().year).strip()[:9]
    return render_template("quality/goals.html", roots=goal_tree(db.session, year), year=year,
                           level_label=level_label, may_review=may_edit())


@bp.post("/goals/<int:goal_id>/review")
@login_required
def review(goal_id: int):  # type: ignore[no-untyped-def]
    require_edit()
    goal = review_goal(db.session, current_user, goal_id, request.form.get("done") == "1", clock.now())
    db.session.commit()
    flash(_("已评定目标 G%(id)d", id=goal.id), "success")
    return redirect(url_for("quality.goals", year=goal.period[:9]))
