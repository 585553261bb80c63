"""The plan pages: the list with the import form, one plan's progress, its export and its bulletins."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    InvalidInput,
    InvalidWorkbook,
    bulletins,
    export_progress,
    filter_shares,
    get_bulletin,
    import_plan,
    is_quality_office,
    is_student,
    issue_bulletin,
    late_items,
    may_issue,
    overview,
    plan_template,
    plans,
)

from .. import clock
from ..extensions import db
from ..quality.routes import upload_bytes
from ..views_helpers import number, xlsx
from . import bp

PER_PAGE, MAX_PER_PAGE = 30, 200
RUNGS = {"remind": "已提醒", "yellow": "黄色预警", "orange": "橙色督办", "red": "红色问责"}
STATUSES = ("waiting", "running", "done")


def _list_page(status: int = 200, **context):  # type: ignore[no-untyped-def]
    rows = [(plan, overview(db.session, current_user, plan.id, clock.now()).tasks)
            for plan in plans(db.session, current_user)]
    return render_template("plans/index.html", rows=rows, may_import=is_quality_office(db.session, current_user),
                           **context), status


@bp.get("/", endpoint="index")
@login_required
def index():  # type: ignore[no-untyped-def]
    return _list_page()


@bp.post("/import", endpoint="import_plan")
@login_required
def import_view():  # type: ignore[no-untyped-def]
    if not is_quality_office(db.session, current_user):
        abort(403)
    form = request.form
    dry_run = bool(form.get("dry_run"))
    upload = request.files.get("file")
    name = form.get("name", "").strip() or (upload.filename.rsplit(".", 1)[0] if upload and upload.filename else "")
    try:
        report = import_plan(db.session, current_user, upload_bytes(), clock.now(), name=name,
                             office=form.get("office", ""), dry_run=dry_run)
    except InvalidWorkbook as exc:
        db.session.rollback()
        return _list_page(422, problems=exc.problems, form=form)
    except InvalidInput as exc:
        db.session.rollback()
        return _list_page(422, error=exc.message, form=form)
    if dry_run:
        return _list_page(report=report, form=form)
    flash(report.summary(), "success")
    return redirect(url_for("plans.show", plan_id=report.plan_id))


@bp.get("/template.xlsx", endpoint="template")
@login_required
def template():  # type: ignore[no-untyped-def]
    if is_student(db.session, current_user):
        abort(403)
    return xlsx(plan_template(), "plan-template.xlsx")


@bp.get("/<int:plan_id>", endpoint="show")
@login_required
def show(plan_id: int):  # type: ignore[no-untyped-def]
    state = overview(db.session, current_user, plan_id, clock.now())
    department = request.args.get("department", "").strip()
    status = request.args.get("status", "").strip()
    search = request.args.get("q", "").strip()[:100]
    shares = filter_shares(state.shares, department, status, search)
    per_page = number(request.args, "per_page", PER_PAGE, low=1, high=MAX_PER_PAGE) or PER_PAGE
    pages = max(1, -(-len(shares) // per_page))
    page = min(number(request.args, "page", 1, low=1) or 1, pages)
    return render_template("plans/show.html", state=state, shares=shares[(page - 1) * per_page:page * per_page],
                           total=len(shares), page=page, pages=pages, per_page=per_page, rungs=RUNGS,
                           query={k: v for k, v in request.args.items() if k != "page" and v},
                           filters={"department": department, "status": status, "q": search},
                           departments=[c.name for c in state.by_department],
                           bulletins=bulletins(db.session, current_user, plan_id),
                           may_issue=may_issue(db.session, current_user, state.plan))


@bp.get("/<int:plan_id>.xlsx", endpoint="export")
@login_required
def export(plan_id: int):  # type: ignore[no-untyped-def]
    args = request.args
    data = export_progress(db.session, current_user, plan_id, clock.now(), args.get("department", "").strip(),
                           args.get("status", "").strip(), args.get("q", "").strip()[:100])
    return xlsx(data, f"plan-{plan_id}.xlsx")


@bp.post("/<int:plan_id>/bulletins", endpoint="issue")
@login_required
def issue(plan_id: int):  # type: ignore[no-untyped-def]
    try:
        bulletin = issue_bulletin(db.session, current_user, plan_id, request.form.get("body", ""), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("plans.show", plan_id=plan_id))
    flash(_("已发布%(title)s，并通知全体教职工", title=bulletin.title), "success")
    return redirect(url_for("plans.bulletin", plan_id=plan_id, number=bulletin.number))


@bp.get("/<int:plan_id>/bulletins/<int:number>", endpoint="bulletin")
@login_required
def bulletin(plan_id: int, number: int):  # type: ignore[no-untyped-def]
    found = get_bulletin(db.session, current_user, plan_id, number)
    return render_template("plans/bulletin.html", bulletin=found, groups=late_items(found), rungs=RUNGS)
