"""The quality office's pages: deployed processes (with upload/deploy) and starting a cycle."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    LEVELS,
    Conflict,
    InvalidInput,
    InvalidProcess,
    NeedsConfirmation,
    NotAllowed,
    NotFound,
    deploy,
    form_registry,
    is_quality_office,
    latest_definitions,
    loaded_for,
    start_cycle,
    subjects,
)
from forms import parse_form_post

from .. import clock
from ..errors import error_text, field_errors
from ..extensions import db
from ..views_helpers import today_period
from . import bp


@bp.before_request
@login_required
def _quality_office_only():  # type: ignore[no-untyped-def]
    if not is_quality_office(db.session, current_user):
        raise NotAllowed(_("只有质量管理办公室可以使用流程工作室。"))


@bp.get("/processes")
def processes():  # type: ignore[no-untyped-def]
    return render_template("studio/processes.html", definitions=latest_definitions(db.session), problems=[],
                           warnings=[])


@bp.post("/processes")
def upload():  # type: ignore[no-untyped-def]
    files = [(f.filename or "upload.bpmn", f.read()) for f in request.files.getlist("files") if f.filename]
    if not files:
        flash(_("请选择要部署的 BPMN 文件。"), "error")
        return redirect(url_for("studio.processes"))
    try:
        deployed = deploy(db.session, current_user, files, clock.now(), request.form.get("comment", ""),
                          confirm_removal=request.form.get("confirm_removal") == "1")
    except InvalidProcess as exc:
        db.session.rollback()
        return render_template("studio/processes.html", definitions=latest_definitions(db.session),
                               problems=exc.problems, warnings=exc.warnings), 422
    except NeedsConfirmation as exc:
        db.session.rollback()
        return render_template("studio/processes.html", definitions=latest_definitions(db.session),
                               problems=[], warnings=[], confirm=error_text(exc)), 409
    names = "、".join(f"{d.name} v{d.version}" for d in deployed)
    flash(_("已部署：%(names)s", names=names), "success")
    return redirect(url_for("studio.processes"))


def _start_form(definition):  # type: ignore[no-untyped-def]
    form_id = loaded_for(db.session, definition).meta.get("start_form", "") if definition else ""
    return form_registry(db.session).get(form_id) if form_id else None


@bp.route("/start", methods=["GET", "POST"])
def start():  # type: ignore[no-untyped-def]
    definitions = latest_definitions(db.session)
    by_id = {d.process_id: d for d in definitions}
    chosen = by_id.get(request.values.get("process_id", "")) or (definitions[0] if definitions else None)
    level = chosen.level if chosen and chosen.level else ""
    values, errors, error, status = {}, {}, "", 200
    form = _start_form(chosen)
    if request.method == "POST" and chosen is not None and request.form.get("action") == "start":
        values = parse_form_post(form, request.form) if form else {}
        try:
            instance = start_cycle(db.session, current_user, chosen.process_id,
                                   request.form.get("subject", ""), request.form.get("period", ""),
                                   clock.now(), values, locale=str(get_locale()))
        except (InvalidInput, Conflict, NotFound) as exc:
            db.session.rollback()
            error, errors = error_text(exc), field_errors(exc)
            status = 422 if isinstance(exc, InvalidInput) else 409 if isinstance(exc, Conflict) else 404
        else:
            flash(_("已启动诊改周期 #%(id)s。", id=instance.id), "success")
            return redirect(url_for("cycles.show", instance_id=instance.id))
    return render_template("studio/start.html", definitions=definitions, chosen=chosen,
                           subjects=subjects(db.session, level or None), levels=LEVELS, form=form,
                           values=values, errors=errors, error=error,
                           period=request.values.get("period") or today_period().term,
                           subject=request.values.get("subject", "")), status
