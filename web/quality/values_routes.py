"""Values (监测): enter one, paste rows from Excel, import a 指标值 workbook, correct one; a subject's status."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from engine import (
    STATUS_LABELS,
    IndicatorValue,
    InvalidInput,
    Subject,
    ValueInput,
    can_supervise,
    correct_value,
    export_values,
    find_subject,
    get_indicator,
    history,
    import_values,
    indicators,
    latest_values,
    record_values,
    subject_status,
)

from .. import clock
from ..extensions import db
from ..views_helpers import level_label, number, today_period, xlsx
from . import bp
from .access import require_edit
from .routes import upload_bytes

PASTE_COLUMNS = 6  # 指标代码, 对象代码, 周期, 值, 采集日期, 来源: as copied from the 指标值 sheet
MAX_PASTE_ROWS = 5000


@bp.get("/values", endpoint="values")
@login_required
def values_page():  # type: ignore[no-untyped-def]
    require_edit()
    recent = list(db.session.scalars(select(IndicatorValue).order_by(IndicatorValue.id.desc()).limit(50)))
    year, term = today_period().year, today_period().term
    return render_template("quality/values.html", recent=recent, indicators=indicators(db.session),
                           subjects=db.session.scalars(select(Subject).order_by(Subject.level, Subject.code)).all(),
                           labels=STATUS_LABELS, today=clock.now().date().isoformat(), periods=(term, year),
                           level_label=level_label)


@bp.get("/values.xlsx", endpoint="values_export")
@login_required
def values_export():  # type: ignore[no-untyped-def]
    """The latest value of each indicator × subject × period, narrowed by the form's indicator, subject, period."""
    require_edit()
    args = request.args
    indicator = get_indicator(db.session, args["indicator"]) if args.get("indicator") else None
    subject = find_subject(db.session, args["subject"]) if args.get("subject", "").strip() else None
    rows = latest_values(db.session, subject_id=subject.id if subject else None,
                         period=args.get("period", "").strip()[:20] or None,
                         indicator_id=indicator.id if indicator else None)
    return xlsx(export_values(db.session, rows), f"values-{clock.now():%Y%m%d}.xlsx")


def _said(result) -> None:  # type: ignore[no-untyped-def]
    flash(_("已录入 %(n)d 个指标值（%(u)d 个已存在未重复录入）；发起整改 %(s)d 项，并入进行中的整改 %(j)d 项",
            n=len(result.values), u=result.unchanged, s=len(result.started), j=len(result.joined)), "success")


def _number(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("%").replace(",", ""))
    except ValueError:
        return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.strip().replace("/", "-").split("-")))
    except ValueError:
        return None


@bp.post("/values")
@login_required
def record():  # type: ignore[no-untyped-def]
    require_edit()
    form = request.form
    item = ValueInput(form.get("indicator", ""), form.get("subject", ""), form.get("period", ""),
                      _number(form.get("value", "")), _date(form.get("measured_on", "")), form.get("source", ""))
    _said(record_values(db.session, current_user, [item], clock.now(), origin="page"))
    db.session.commit()
    return redirect(url_for("quality.values"))


@bp.post("/values/paste")
@login_required
def paste():  # type: ignore[no-untyped-def]
    require_edit()
    lines = [line for line in request.form.get("rows", "").splitlines() if line.strip()]
    if not lines:
        raise InvalidInput(_("请粘贴要录入的行"))
    if len(lines) > MAX_PASTE_ROWS:
        raise InvalidInput(_("一次最多粘贴 5000 行，请分批录入或导入 Excel"))
    inputs = []
    for number_, line in enumerate(lines, start=1):
        cells = [*line.split("\t"), *[""] * PASTE_COLUMNS][:PASTE_COLUMNS]
        if cells[0].strip() == "指标代码":
            continue  # the header row, copied with the rest
        inputs.append(ValueInput(cells[0], cells[1], cells[2], _number(cells[3]), _date(cells[4]), cells[5],
                                 where=_("第 %(n)d 行", n=number_)))
    _said(record_values(db.session, current_user, inputs, clock.now(), origin="page"))
    db.session.commit()
    return redirect(url_for("quality.values"))


@bp.post("/values/import")
@login_required
def import_values_page():  # type: ignore[no-untyped-def]
    require_edit()
    _said(import_values(db.session, current_user, upload_bytes(), clock.now()))
    db.session.commit()
    return redirect(url_for("quality.values"))


@bp.post("/values/<int:value_id>/correct")
@login_required
def correct(value_id: int):  # type: ignore[no-untyped-def]
    require_edit()
    new_value = _number(request.form.get("value", ""))
    if new_value is None:
        raise InvalidInput(_("值应为数字"))
    fixed = correct_value(db.session, current_user, value_id, new_value, request.form.get("reason", ""),
                          clock.now())
    db.session.commit()
    flash(_("已更正，原值保留在历史中"), "success")
    return redirect(url_for("quality.subject", code=fixed.subject.code, period=fixed.period))


@bp.get("/subjects/<code>", endpoint="subject")
@login_required
def subject_page(code: str):  # type: ignore[no-untyped-def]
    subject = find_subject(db.session, code)
    if not (can_supervise(db.session, current_user) or subject.person_id == current_user.id):
        abort(403)
    year, term = today_period().year, today_period().term
    period = (request.args.get("period") or (term if subject.level in ("course", "student") else year))[:20]
    rows = subject_status(db.session, subject, period)
    shown = number(request.args, "indicator")
    series = []
    for ind in indicators(db.session, subject.level):
        if shown is None or ind.id == shown:
            series.append((ind, history(db.session, ind.id, subject.id)))
    return render_template("quality/subject.html", subject=subject, period=period, rows=rows, series=series,
                           labels=STATUS_LABELS, level_label=level_label, may_correct=True)
