"""/activities: the plans, a plan's page (events, the tally), adding and editing a plan, the tally's .xlsx."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import InvalidInput, activities, current_period, unit_choices

from .. import clock
from ..extensions import db
from . import bp
from .helpers import may_create, require_keep

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_fields() -> activities.PlanFields:
    form = request.form
    unit = form.get("unit_id", "")
    percent = form.get("excellent_percent", "80").strip()
    return activities.PlanFields(name=form.get("name", "")[:200], year=form.get("year", "")[:20],
                                 unit_id=int(unit) if unit.isdigit() else 0,
                                 description=form.get("description", "")[:5000],
                                 excellent_percent=int(percent) if percent.isdigit() else 0)


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    now = clock.now()
    rows = []
    for plan in activities.plans(db.session):
        events = activities.visible_events(db.session, current_user, plan, now)
        keeps = activities.may_keep(db.session, current_user, plan, now.date())
        if events or keeps:
            rows.append((plan, events, keeps))
    upcoming = sorted((e for _plan, events, _keeps in rows for e in events
                       if e.status == "published" and e.ends_at >= now), key=lambda e: e.starts_at)
    return render_template("activities/index.html", rows=rows, upcoming=upcoming, may_create=may_create(),
                           units=unit_choices(db.session) if may_create() else [],
                           year=current_period(now)[0], errors={}, values={})


@bp.post("/plans")
@login_required
def create_plan():  # type: ignore[no-untyped-def]
    if not may_create():
        return render_template("errors/error.html", message=_("只有质量办或部门负责人可以制定活动计划"), status=403), 403
    try:
        plan = activities.save_plan(db.session, current_user, None, _plan_fields(), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render_template("activities/index.html", rows=[], upcoming=[], may_create=True,
                               units=unit_choices(db.session), year=request.form.get("year", ""),
                               errors=exc.errors, values=request.form), 422
    flash(_("已制定活动计划“%(name)s”。", name=plan.name), "success")
    return redirect(url_for("activities.plan", plan_id=plan.id))


@bp.get("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):  # type: ignore[no-untyped-def]
    now = clock.now()
    found = activities.get_plan(db.session, plan_id)
    keeps = activities.may_keep(db.session, current_user, found, now.date())
    events = activities.visible_events(db.session, current_user, found, now)
    if not keeps and not events:
        return render_template("errors/error.html", message=_("该活动计划不存在或您无权查看"), status=404), 404
    counts = activities.sign_in_counts(db.session, [e.id for e in events])
    tally = activities.plan_tally(db.session, current_user, found, now) if keeps else None
    return render_template("activities/plan.html", plan=found, events=events, counts=counts, keeps=keeps,
                           tally=tally, units=unit_choices(db.session) if keeps else [], errors={},
                           statuses=activities.EVENT_STATUSES, kinds=activities.SIGN_IN_KINDS)


@bp.post("/plans/<int:plan_id>")
@login_required
def edit_plan(plan_id: int):  # type: ignore[no-untyped-def]
    found = activities.get_plan(db.session, plan_id)
    require_keep(found)
    activities.save_plan(db.session, current_user, plan_id, _plan_fields(), clock.now())
    flash(_("活动计划已保存。"), "success")
    return redirect(url_for("activities.plan", plan_id=plan_id))


@bp.get("/plans/<int:plan_id>/tally.xlsx")
@login_required
def tally_xlsx(plan_id: int):  # type: ignore[no-untyped-def]
    found = activities.get_plan(db.session, plan_id)
    require_keep(found)
    data = activities.tally_workbook(activities.plan_tally(db.session, current_user, found, clock.now()))
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=activity-tally-{plan_id}.xlsx"})
