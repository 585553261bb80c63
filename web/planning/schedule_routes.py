"""定期启动: the quality office's scheduled cycles: list, create, edit, pause, resume, delete."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    InvalidInput,
    ScheduleFields,
    SpiralError,
    delete_schedule,
    describe_schedule,
    get_schedule,
    latest_definitions,
    save_schedule,
    schedules,
    set_active,
)

from .. import clock
from ..errors import field_errors
from ..extensions import db
from ..views_helpers import number
from . import bp
from .helpers import message, require_office


def _processes():  # type: ignore[no-untyped-def]
    return [d for d in latest_definitions(db.session) if d.level]


def _form(values: dict[str, str], errors: dict[str, list[str]], schedule_id: int | None, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("planning/schedules.html", rows=schedules(db.session), describe=describe_schedule,
                           processes=_processes(), values=values, errors=errors, editing=schedule_id,
                           names={d.process_id: d.name for d in latest_definitions(db.session)}), status


@bp.get("/schedules", endpoint="schedules")
@login_required
def schedules_page():  # type: ignore[no-untyped-def]
    require_office()
    editing = number(request.args, "edit")
    values = {"process_id": "", "rule": "after_term_end", "working_days": "10", "month_day": "07-01"}
    if editing:
        found = get_schedule(db.session, editing)
        values = {"process_id": found.process_id, "rule": found.rule, "working_days": str(found.working_days),
                  "month_day": found.month_day or "07-01"}
    return _form(values, {}, editing)


@bp.post("/schedules")
@login_required
def save_schedule_view():  # type: ignore[no-untyped-def]
    require_office()
    form = request.form
    values = {k: form.get(k, "").strip() for k in ("process_id", "rule", "working_days", "month_day")}
    schedule_id = number(form, "schedule_id")
    try:
        days = values["working_days"] or "0"
        if not days.isdigit():
            raise InvalidInput(_("定期启动设置有误，请修改标红的项目"), {"working_days": [_("工作日数应为整数")]})
        fields = ScheduleFields(values["process_id"], values["rule"], int(days[:4]), values["month_day"])
        save_schedule(db.session, current_user, fields, clock.now(), schedule_id)
    except InvalidInput as exc:
        db.session.rollback()
        flash(message(exc), "error")
        return _form(values, field_errors(exc), schedule_id, 422)
    flash(_("定期启动已保存。"), "success")
    return redirect(url_for("planning.schedules"))


@bp.post("/schedules/<int:schedule_id>/pause", defaults={"action": "pause"}, endpoint="pause_schedule")
@bp.post("/schedules/<int:schedule_id>/resume", defaults={"action": "resume"}, endpoint="resume_schedule")
@bp.post("/schedules/<int:schedule_id>/delete", defaults={"action": "delete"}, endpoint="delete_schedule")
@login_required
def change_schedule(schedule_id: int, action: str):  # type: ignore[no-untyped-def]
    require_office()
    try:
        if action == "delete":
            delete_schedule(db.session, current_user, schedule_id, clock.now())
            flash(_("定期启动已删除；已启动的周期不受影响。"), "success")
        else:
            set_active(db.session, current_user, schedule_id, action == "resume", clock.now())
            flash(_("定期启动已恢复。") if action == "resume" else _("定期启动已暂停。"), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return redirect(url_for("planning.schedules"))
