"""The 质量年报 pages: the years' reports (the quality office opens a year), one year's chapters, tables and
files, and the year's outline form (chapters, sub-sections, departments, annex tables). Leaders read."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from engine import (
    Conflict,
    InvalidInput,
    NotAllowed,
    annual,
    is_quality_office,
    outline_for,
    outline_source,
    save_outline,
)

from .. import clock
from ..errors import error_text
from ..extensions import db
from . import bp
from .routes import DOCX

EXTRA_ROWS = 3
_YEAR = re.compile(r"^\d{4}$")


def _reader() -> None:
    if not annual.may_read(db.session, current_user):
        raise NotAllowed(_("只有质量办和校领导可以查看质量年报。"))


def _office() -> None:
    if not is_quality_office(db.session, current_user):
        raise NotAllowed(_("只有质量办可以开启质量年报或修改大纲。"))


@bp.get("/reports/annual")
@login_required
def annual_index():  # type: ignore[no-untyped-def]
    return _index_page()


def _index_page(error: str = "", form: dict[str, str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    _reader()
    now = clock.now()
    year = annual.default_year(now)
    form = form or {"year": str(year), "deadline": (now.date() + timedelta(days=30)).isoformat()}
    return render_template("reports/annual/index.html", reports=annual.list_reports(db.session, current_user),
                           form=form, error=error, office=is_quality_office(db.session, current_user),
                           default_year=year), status


@bp.post("/reports/annual")
@login_required
def annual_open():  # type: ignore[no-untyped-def]
    _office()
    form = {"year": request.form.get("year", "").strip(), "deadline": request.form.get("deadline", "").strip()}
    try:
        deadline = date.fromisoformat(form["deadline"])
    except ValueError:
        return _index_page(_("请填写章节提交期限（日期）。"), form, 422)
    if not _YEAR.match(form["year"]):
        return _index_page(_("请填写四位数的年度，如 2026。"), form, 422)
    try:
        report = annual.open_report(db.session, current_user, int(form["year"]), deadline, clock.now())
    except (InvalidInput, Conflict) as exc:
        db.session.rollback()
        return _index_page(error_text(exc), form, 409 if isinstance(exc, Conflict) else 422)
    flash(_("%(year)s 年度质量年报已开启，各章节已分派到撰写部门。", year=report.year), "success")
    return redirect(url_for("reports.annual_year", year=report.year))


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/reports/annual/<int:year>")
@login_required
def annual_year(year: int):  # type: ignore[no-untyped-def]
    view = annual.annual_view(db.session, current_user, _year(year))
    return render_template("reports/annual/year.html", v=view, office=is_quality_office(db.session, current_user),
                           source=outline_source(db.session, year))


@bp.get("/reports/annual/<int:year>.docx")
@login_required
def annual_docx(year: int):  # type: ignore[no-untyped-def]
    content, published = annual.report_file(db.session, current_user, _year(year))
    name = f"{year}年度质量年报{'' if published else '（草稿）'}.docx"
    return send_file(io.BytesIO(content), mimetype=DOCX, as_attachment=True, download_name=name)


@bp.get("/reports/annual/<int:year>.pdf")
@login_required
def annual_pdf(year: int):  # type: ignore[no-untyped-def]
    content, _published = annual.report_file(db.session, current_user, _year(year), "pdf")
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{year}年度质量年报.pdf")


@bp.get("/reports/annual/<int:year>/outline")
@login_required
def annual_outline(year: int):  # type: ignore[no-untyped-def]
    _office()
    return _outline_page(_year(year), outline_for(db.session, year))


def _outline_page(year: int, outline: dict[str, Any], error: str = "", status: int = 200):  # type: ignore[no-untyped-def]
    chapters = list(outline.get("chapters", [])) + [{"key": "", "title": "", "unit": "", "sections": [],
                                                       "include": False}] * EXTRA_ROWS
    return render_template("reports/annual/outline.html", year=year, outline=outline, chapters=chapters,
                           departments=annual.department_choices(db.session), error=error,
                           opened=any(r.year == year for r in annual.list_reports(db.session, current_user)),
                           source=outline_source(db.session, year)), status


@bp.post("/reports/annual/<int:year>/outline")
@login_required
def annual_outline_save(year: int):  # type: ignore[no-untyped-def]
    _office()
    outline = parse_outline(request.form)
    try:
        save_outline(db.session, current_user, _year(year), outline, clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        return _outline_page(year, outline, error_text(exc), 422)
    flash(_("%(year)s 年度的大纲已保存。", year=year), "success")
    return redirect(url_for("reports.annual_year", year=year))


def parse_outline(form: MultiDict[str, str]) -> dict[str, Any]:
    """The outline the form posted: chapter rows c<i>_… (a row without a title is left out), table rows t<i>_…
    with one line per row: 指标名称 | 单位 | 指标代码 (the last two optional)."""
    chapters, tables = [], []
    for index in range(60):
        title = form.get(f"c{index}_title", "").strip()
        if not title:
            continue
        sections = [s.strip() for s in re.split(r"[、,，;；\n]", form.get(f"c{index}_sections", "")) if s.strip()]
        chapters.append({"key": form.get(f"c{index}_key", "").strip() or f"chapter{index + 1}", "title": title,
                         "unit": form.get(f"c{index}_unit", ""), "sections": sections,
                         "include": form.get(f"c{index}_include") == "1"})
    for index in range(30):
        title = form.get(f"t{index}_title", "").strip()
        if not title:
            continue
        rows = []
        for line in form.get(f"t{index}_rows", "").splitlines():
            parts = [p.strip() for p in re.split(r"[|｜]", line)]
            if parts and parts[0]:
                rows.append({"name": parts[0], "unit": parts[1] if len(parts) > 1 else "",
                             **({"indicator": parts[2]} if len(parts) > 2 and parts[2] else {})})
        tables.append({"key": form.get(f"t{index}_key", "").strip() or f"table{index + 1}", "title": title,
                       "rows": rows})
    return {"title": form.get("title", ""), "chapters": chapters, "tables": tables}
