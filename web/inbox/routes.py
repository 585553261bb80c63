"""The staff's inbox and task page: read instructions, fill the form, attach evidence, complete."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    EXPORT_MAX,
    INBOX_SORTS,
    INBOX_VIEWS,
    Conflict,
    Evidence,
    InvalidInput,
    Listing,
    NextStep,
    NotAllowed,
    SpiralError,
    Upload,
    add_comment,
    claim_task,
    claim_tasks,
    content_type_for,
    form_of,
    get_evidence,
    get_task,
    inbox,
    inbox_total,
    save_task_draft,
    school_name,
    set_follow_up,
    shown_inline,
    submit_task,
    task_page,
    tasks_workbook,
)
from forms import parse_form_post

from .. import clock
from ..errors import error_text
from ..extensions import db
from ..views_helpers import current_counts, number, numbers, xlsx
from . import bp

PER_PAGE = 50


@bp.get("/inbox")
@login_required
def index():  # type: ignore[no-untyped-def]
    view = request.args.get("view", "mine")
    if view not in INBOX_VIEWS:
        view = "mine"
    now = clock.now()
    search = request.args.get("q", "").strip()[:100]
    sort = request.args.get("sort", "due")
    sort = sort if sort in INBOX_SORTS else "due"
    per_page = int(current_app.config.get("INBOX_LIMIT", PER_PAGE))
    total = inbox_total(db.session, current_user, view, now, search)
    pages = max(1, -(-total // per_page))
    page = min(number(request.args, "page", 1, low=1) or 1, pages)
    tasks = inbox(db.session, current_user, view, now, limit=per_page, offset=(page - 1) * per_page, search=search,
                  sort=sort)
    counts = current_counts()
    if view == "mine" and not tasks and counts["claimable"] and not search:
        flash(_("您有可认领的任务，请查看“待认领”。"), "info")
    found = Listing(tasks, total, page, per_page)
    return render_template("inbox/index.html", tasks=tasks, view=view, counts=counts, views=INBOX_VIEWS,
                           search=search, sort=sort, found=found,
                           query={"view": view, "q": search or None, "sort": sort})


@bp.get("/inbox.xlsx")
@login_required
def export():  # type: ignore[no-untyped-def]
    view = request.args.get("view", "mine")
    view = view if view in INBOX_VIEWS else "mine"
    sort = request.args.get("sort", "due")
    now = clock.now()
    tasks = inbox(db.session, current_user, view, now, limit=EXPORT_MAX, search=request.args.get("q", "").strip()[:100],
                  sort=sort if sort in INBOX_SORTS else "due")
    return xlsx(tasks_workbook(tasks, now, "我的任务", school_name(db.session)), f"tasks-{view}-{now:%Y%m%d}.xlsx")


def _render_task(task_id: int, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                 extra_rows: dict[str, int] | None = None, status: int = 200, error: str = ""):  # type: ignore[no-untyped-def]
    """The task page; `values` (what was just posted) replace the answers it would start from."""
    page = task_page(db.session, current_user, task_id, clock.now())
    if values is None:  # what was just posted, else the reader's draft, else the answers to start from
        values = page.draft.data if page.draft is not None else page.answers
    return render_template(
        "inbox/task.html", page=page, values=values, errors=errors or {},
        extra_rows=extra_rows or {}, error=error,
    ), status


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int):  # type: ignore[no-untyped-def]
    return _render_task(task_id)


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int):  # type: ignore[no-untyped-def]
    try:
        claim_task(db.session, current_user, task_id, clock.now())
    except Conflict as exc:
        db.session.rollback()
        return _render_task(task_id, status=409, error=error_text(exc))
    flash(_("已认领，任务已移入“我的待办”。"), "success")
    return redirect(url_for("inbox.show", task_id=task_id))


@bp.post("/tasks/claim")
@login_required
def claim_many():  # type: ignore[no-untyped-def]
    ids = numbers(request.form, "task_ids")
    if not ids:
        flash(_("请先勾选要认领的任务。"), "error")
        return redirect(url_for("inbox.index", view="claimable"))
    result = claim_tasks(db.session, current_user, ids, clock.now())
    if result.claimed:
        flash(_("已认领 %(n)s 项任务，已移入“我的待办”。", n=len(result.claimed)), "success")
    for _task_id, reason in result.refused:
        flash(_("未能认领：%(reason)s", reason=reason), "error")
    return redirect(url_for("inbox.index", view="mine" if result.claimed else "claimable"))


@bp.post("/tasks/<int:task_id>/complete")
@login_required
def complete(task_id: int):  # type: ignore[no-untyped-def]
    session = db.request_session()
    task = get_task(session, task_id, with_cycle=True, state=False)  # the engine reads the workflow if needed
    title = task.title
    form = form_of(session, task)
    values = parse_form_post(form, request.form) if form else {}
    row_action = request.form.get("_add_row") or request.form.get("_remove_row")
    if form is not None and row_action:
        extra = {request.form["_add_row"]: 1} if request.form.get("_add_row") else {}
        return _render_task(task_id, values=values, extra_rows=extra)
    uploads = [Upload(key, f.filename or "file", f.mimetype or "application/octet-stream", f.read())
               for key in (form.file_fields if form else ()) for f in request.files.getlist(key) if f.filename]
    try:
        submitted = submit_task(session, current_user, task_id, values, clock.now(), uploads=uploads,
                                locale=str(get_locale()))
    except InvalidInput as exc:
        session.rollback()
        return _render_task(task_id, values=values, errors=exc.errors, status=422, error=error_text(exc))
    except Conflict as exc:
        session.rollback()
        return _render_task(task_id, status=409, error=error_text(exc))
    flash(_next_step_words(title, submitted.next_steps), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<int:task_id>/draft")
@login_required
def draft(task_id: int):  # type: ignore[no-untyped-def]
    task = get_task(db.session, task_id)
    form = form_of(db.session, task)
    values = parse_form_post(form, request.form) if form else {}
    saved = save_task_draft(db.session, current_user, task_id, values, clock.now())
    words = _("草稿已保存（%(at)s）", at=saved.strftime("%H:%M"))
    if request.form.get("beacon"):  # sent by a page being closed: nobody reads the answer
        return "", 204
    if request.accept_mimetypes.best == "application/json":  # page.js saves as one types
        return jsonify(ok=True, saved_at=saved.isoformat(), message=words)
    flash(words, "success")
    return redirect(url_for("inbox.show", task_id=task_id))


def _next_step_words(title: str, following: list[NextStep]) -> str:
    """What a submit did: who got the cycle's next step (assigned, or offered to claim), or that it ended."""
    if not following:
        return _("已提交：“%(title)s”。该周期的任务已全部完成。", title=title)
    steps = []
    for step in following:
        who = step.assignee or _("%(names)s 认领", names="、".join(step.candidates))
        steps.append(_("“%(step)s”交给 %(who)s", step=step.title, who=who))
    return _("已提交：“%(title)s”。下一步：%(steps)s。", title=title, steps="；".join(steps))


@bp.post("/tasks/<int:task_id>/follow-up")
@login_required
def follow_up(task_id: int):  # type: ignore[no-untyped-def]
    text = request.form.get("follow_up", "")
    try:
        when = None if request.form.get("clear") else datetime.fromisoformat(text)
    except ValueError:
        when = None
        flash(_("请选择提醒时间。"), "error")
        return redirect(url_for("inbox.show", task_id=task_id) + "#follow-up")
    try:
        set_follow_up(db.session, current_user, task_id, when, clock.now())
        flash(_("跟进提醒已设置。") if when else _("已取消跟进提醒。"), "success")
    except NotAllowed:
        db.session.rollback()
        raise  # a refusal is a 403 page, not a flash on the page the person may not see
    except SpiralError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    return redirect(url_for("inbox.show", task_id=task_id) + "#follow-up")


@bp.post("/tasks/<int:task_id>/comments")
@login_required
def comment(task_id: int):  # type: ignore[no-untyped-def]
    try:
        add_comment(db.session, current_user, task_id, request.form.get("body", ""), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    return redirect(url_for("inbox.show", task_id=task_id) + "#comments")


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id: int):  # type: ignore[no-untyped-def]
    item: Evidence = get_evidence(db.session, current_user, evidence_id)
    try:
        # the type follows the file's extension, not what the uploader's browser declared
        content_type = content_type_for(item.filename)
        return send_file(item.stored_path, mimetype=content_type, as_attachment=not shown_inline(content_type),
                         download_name=item.filename)
    except FileNotFoundError:
        abort(404)
