"""The indicator library (标准链) and the warning centre (预警中心)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    LEVELS,
    STATE_LABELS,
    STATUS_LABELS,
    IndicatorFields,
    InvalidInput,
    export_library,
    get_indicator,
    import_library,
    indicators,
    notices_workbook,
    save_indicator,
    warning_list,
)

from .. import clock
from ..extensions import db
from ..views_helpers import level_label, xlsx
from . import bp
from .access import may_edit, require_edit, require_watch

MAX_UPLOAD = 5 * 1024 * 1024
FIELDS = ("code", "name", "level", "item", "measure_unit", "direction", "aim", "standard", "warning", "source_unit",
          "frequency", "responsible_role", "process_id", "period_from")


def upload_bytes(name: str = "file") -> bytes:
    """The uploaded workbook's bytes; InvalidInput for none, too large or not .xlsx."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise InvalidInput(_("请选择要导入的 Excel 文件（.xlsx）"))
    if not upload.filename.lower().endswith(".xlsx"):
        raise InvalidInput(_("只能导入 .xlsx 格式的 Excel 文件"))
    data = upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(_("文件超过 5 MB，请分批导入"))
    return data


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    return redirect(url_for("quality.warnings_page") if may_edit() else url_for("quality.library"))


@bp.get("/indicators", endpoint="library")
@login_required
def library():  # type: ignore[no-untyped-def]
    level = request.args.get("level", "")
    level = level if level in LEVELS else ""
    editing = None
    if request.args.get("edit") and may_edit():
        editing = get_indicator(db.session, request.args["edit"])
    return render_template("quality/library.html", rows=indicators(db.session, level or None), level=level,
                           levels=LEVELS, level_label=level_label, may_edit=may_edit(), editing=editing)


@bp.post("/indicators")
@login_required
def save():  # type: ignore[no-untyped-def]
    require_edit()
    form = request.form
    try:
        numbers = {k: float(form.get(k, "")) for k in ("aim", "standard", "warning")}
    except ValueError as exc:
        raise InvalidInput(_("目标值、标准值和预警值应为数字")) from exc
    fields = IndicatorFields(**{k: form.get(k, "").strip() for k in FIELDS if k not in numbers},  # type: ignore[arg-type]
                             **numbers)
    indicator = save_indicator(db.session, current_user, fields, clock.now())
    db.session.commit()
    flash(_("已保存指标 %(code)s %(name)s", code=indicator.code, name=indicator.name), "success")
    return redirect(url_for("quality.library", level=indicator.level))


@bp.post("/indicators/import")
@login_required
def import_page():  # type: ignore[no-untyped-def]
    require_edit()
    dry_run = bool(request.form.get("dry_run"))
    report = import_library(db.session, current_user, upload_bytes(), clock.now(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        flash(_("检查通过（未写入）：将新增或修改 %(n)d 个指标，%(u)d 个不变", n=len(report.saved), u=report.unchanged),
              "success")
    else:
        db.session.commit()
        flash(_("已导入指标库：新增或修改 %(n)d 个指标，%(u)d 个不变", n=len(report.saved), u=report.unchanged),
              "success")
    return redirect(url_for("quality.library"))


@bp.get("/indicators.xlsx")
@login_required
def export():  # type: ignore[no-untyped-def]
    return xlsx(export_library(db.session), f"indicators-{clock.now():%Y%m%d}.xlsx")


def _warning_filters() -> dict[str, str | None]:
    args = request.args
    return {"status": args.get("status") if args.get("status") in ("warning", "fail") else None,
            "level": args.get("level") if args.get("level") in LEVELS else None,
            "indicator": (args.get("indicator") or "").strip()[:64] or None,
            "state": args.get("state") if args.get("state") in STATE_LABELS else None,
            "period": (args.get("period") or "").strip()[:20] or None}


@bp.get("/warnings", endpoint="warnings_page")
@login_required
def warnings_page():  # type: ignore[no-untyped-def]
    require_watch()
    filters = _warning_filters()
    rows = warning_list(db.session, clock.now(), **filters)  # type: ignore[arg-type]
    return render_template("quality/warnings.html", rows=rows, filters=filters, levels=LEVELS,
                           level_label=level_label, states=STATE_LABELS, labels=STATUS_LABELS,
                           indicators=indicators(db.session))


EXPORT_COLUMNS = [("label", "状态"), ("indicator", "指标代码"), ("indicator_name", "指标"), ("subject", "对象代码"),
                  ("subject_name", "诊改对象"), ("department", "部门"), ("period", "周期"), ("value", "值"),
                  ("unit", "单位"), ("aim", "目标值"), ("standard", "标准值"), ("warning", "预警值"),
                  ("measured_on", "采集日期"), ("source", "来源"), ("improvement_cycle", "整改周期"),
                  ("state_label", "整改状态")]


@bp.get("/warnings.xlsx")
@login_required
def warnings_export():  # type: ignore[no-untyped-def]
    require_watch()
    rows = [{**row.as_dict(), "measured_on": row.value.measured_on, "state_label": STATE_LABELS[row.state]}
            for row in warning_list(db.session, clock.now(), **_warning_filters())]  # type: ignore[arg-type]
    return xlsx(notices_workbook(rows, EXPORT_COLUMNS, "预警清单"), f"warnings-{clock.now():%Y%m%d}.xlsx")

