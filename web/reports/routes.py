"""The 自我诊断报告 page and download (for whoever may see the cycle), 生成草稿 on a diagnosis task, and the report
templates page of the quality office (upload, versions, the placeholders a template may use)."""
from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    REPORT_KINDS,
    InvalidInput,
    NotAllowed,
    NotFound,
    activate_template,
    active_template,
    diagnosis_report,
    form_of,
    generate_draft,
    get_template_version,
    is_quality_office,
    offers_draft,
    placeholder_list,
    render_report,
    report_stage_task,
    template_bytes,
    template_versions,
    upload_template,
)

from .. import clock
from ..errors import error_text
from ..extensions import db
from . import bp

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    def report_links(task: Any) -> dict[str, bool]:
        """What the task page offers: the report link (a diagnosis step), 生成草稿 (its holder's diagnosis)."""
        if not report_stage_task(task):
            return {"report": False, "draft": False}
        return {"report": True, "draft": offers_draft(task, form_of(db.session, task))}
    return {"report_links": report_links}


@bp.get("/cycles/<int:instance_id>/report")
@login_required
def diagnosis(instance_id: int):  # type: ignore[no-untyped-def]
    report = diagnosis_report(db.session, current_user, instance_id, clock.now())
    return render_template("reports/diagnosis.html", r=report, instance_id=instance_id)


@bp.get("/cycles/<int:instance_id>/report.docx")
@login_required
def diagnosis_docx(instance_id: int):  # type: ignore[no-untyped-def]
    report = diagnosis_report(db.session, current_user, instance_id, clock.now())
    content = render_report(db.session, "diagnosis", report)
    name = f"{report['title']}-{report['period']}.docx"
    return send_file(io.BytesIO(content), mimetype=DOCX, as_attachment=True, download_name=name)


@bp.post("/tasks/<int:task_id>/report-draft")
@login_required
def draft(task_id: int):  # type: ignore[no-untyped-def]
    try:
        filled = generate_draft(db.session, current_user, task_id, clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return redirect(url_for("inbox.show", task_id=task_id))
    flash(_("已根据本周期的目标、指标和预警生成草稿（%(fields)s），请修改完善后提交。", fields="、".join(filled)),
          "success")
    return redirect(url_for("inbox.show", task_id=task_id))


def _office() -> None:
    if not is_quality_office(db.session, current_user):
        raise NotAllowed(_("只有质量管理办公室可以管理报告模板。"))


def _kind(kind: str) -> str:
    if kind not in REPORT_KINDS:
        raise NotFound(_("没有这种报告。"))
    return kind


def _templates_page(error: str = "", status: int = 200):  # type: ignore[no-untyped-def]
    kinds = [{"kind": kind, "name": name, "active": active_template(db.session, kind),
              "versions": template_versions(db.session, kind), "placeholders": placeholder_list(kind)}
             for kind, name in REPORT_KINDS.items()]
    return render_template("reports/templates.html", kinds=kinds, error=error), status


@bp.get("/reports/templates")
@login_required
def templates():  # type: ignore[no-untyped-def]
    _office()
    return _templates_page()


@bp.post("/reports/templates/<kind>")
@login_required
def upload(kind: str):  # type: ignore[no-untyped-def]
    _office()
    _kind(kind)
    file = request.files.get("file")
    if file is None or not file.filename:
        return _templates_page(_("请选择要上传的 .docx 模板。"), 422)
    try:
        row = upload_template(db.session, current_user, kind, file.read(), file.filename,
                              request.form.get("comment", ""), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        return _templates_page(error_text(exc), 422)
    flash(_("模板 v%(v)s 已启用。", v=row.version), "success")
    return redirect(url_for("reports.templates"))


@bp.post("/reports/templates/<kind>/activate")
@login_required
def activate(kind: str):  # type: ignore[no-untyped-def]
    _office()
    raw = request.form.get("version", "")
    if raw and not (raw.isdigit() and len(raw) <= 9):
        abort(400, description=_("版本号无效。"))
    activate_template(db.session, current_user, _kind(kind), int(raw) if raw else None, clock.now())
    flash(_("已改用所选模板。"), "success")
    return redirect(url_for("reports.templates"))


@bp.get("/reports/templates/<kind>/current.docx")
@login_required
def current(kind: str):  # type: ignore[no-untyped-def]
    _office()
    content, filename = template_bytes(db.session, _kind(kind))
    return send_file(io.BytesIO(content), mimetype=DOCX, as_attachment=True, download_name=filename)


@bp.get("/reports/templates/<kind>/v<int:version>.docx")
@login_required
def version(kind: str, version: int):  # type: ignore[no-untyped-def]
    found = get_template_version(db.session, current_user, _kind(kind), version)
    return send_file(io.BytesIO(found.content), mimetype=DOCX, as_attachment=True,
                     download_name=f"v{found.version}-{found.filename}")
