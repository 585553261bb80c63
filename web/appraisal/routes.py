"""The 考核 page (leaders and the quality office), its .xlsx, and the weights form (the quality office)."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    APPRAISAL_KEYS,
    APPRAISAL_RATES,
    InvalidInput,
    NotAllowed,
    appraisal_weights,
    appraisal_workbook,
    appraise,
    is_quality_office,
    periods,
    school_name,
    sees_appraisal,
    set_weights,
)

from .. import clock
from ..errors import error_text
from ..extensions import db
from ..views_helpers import today_period
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_enter() -> None:
    if not sees_appraisal(db.session, current_user):
        abort(403)


def _office_only() -> None:
    if not is_quality_office(db.session, current_user):
        raise NotAllowed(_("只有质量管理办公室可以设置考核权重。"))


def weight_labels() -> dict[str, str]:
    """The words for each component of the score."""
    return {"on_time": _("按时完成率"), "goals": _("目标达成度"), "plans": _("计划任务完成率"),
            "improvements": _("整改完成率"), "warning": _("质量预警（每项扣分）"),
            "red_notice": _("红色问责单（每张扣分）")}


def _period() -> str:
    return (request.args.get("period") or today_period().year).strip()[:20]


def _choices(period: str) -> list[str]:
    """The periods a cycle ran in and their years, newest first, with today's year and the one asked for."""
    found = {today_period().year, *(p for p in periods(db.session) if p)}
    found |= {p[:9] for p in found}
    return sorted(found | ({period} if period else set()), reverse=True)


@bp.get("/appraisal")
@login_required
def index():  # type: ignore[no-untyped-def]
    _may_enter()
    period = _period()
    try:
        found = appraise(db.session, period, clock.now(), current_user)
    except InvalidInput as exc:
        return render_template("appraisal/index.html", found=None, period=period, choices=_choices(""),
                               problem=error_text(exc), labels=weight_labels(), rates=APPRAISAL_RATES,
                               keys=APPRAISAL_KEYS, may_edit=False), 400
    return render_template("appraisal/index.html", found=found, period=period, choices=_choices(period),
                           problem="", labels=weight_labels(), rates=APPRAISAL_RATES, keys=APPRAISAL_KEYS,
                           may_edit=is_quality_office(db.session, current_user), term=len(found.period) > 9)


@bp.get("/appraisal.xlsx")
@login_required
def export():  # type: ignore[no-untyped-def]
    _may_enter()
    found = appraise(db.session, _period(), clock.now(), current_user)
    content = appraisal_workbook(found, school_name(db.session))
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True,
                     download_name=f"appraisal-{found.period}.xlsx")


@bp.route("/appraisal/weights", methods=["GET", "POST"])
@login_required
def weights():  # type: ignore[no-untyped-def]
    _office_only()
    current = appraisal_weights(db.session)
    values = {key: f"{current.values[key]:g}" for key in APPRAISAL_KEYS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: str(request.form.get(key, "")).strip()[:20] for key in APPRAISAL_KEYS}
        try:
            set_weights(db.session, current_user, values, clock.now())
            flash(_("考核权重已保存，考核结果按新权重计算。"), "success")
            return redirect(url_for("appraisal.weights"))
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.errors
            flash(error_text(exc), "error")
    return render_template("appraisal/weights.html", values=values, errors=errors, current=current,
                           labels=weight_labels(), rates=APPRAISAL_RATES, keys=APPRAISAL_KEYS), 400 if errors else 200
