"""校历: academic years and terms, and the official days of a year the built-in calendar does not know."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    CALENDAR_SOURCES,
    SpiralError,
    academic_years,
    delete_term,
    delete_year,
    enter_official_days,
    period_info,
    remove_official_day,
    save_term,
    save_year,
    special_days,
    year_source,
)

from .. import clock
from ..extensions import db
from ..views_helpers import number
from . import bp
from .helpers import day_of, message, require_office


@bp.get("/", endpoint="index")
@login_required
def index():  # type: ignore[no-untyped-def]
    require_office()
    return redirect(url_for("planning.calendar"))


@bp.get("/calendar", endpoint="calendar")
@login_required
def calendar_page():  # type: ignore[no-untyped-def]
    require_office()
    now = clock.now()
    year = number(request.args, "year", now.year + 1 if now.month >= 10 else now.year, low=2000, high=2100) or now.year
    return render_template("planning/calendar.html", years=academic_years(db.session), year=year,
                           source=year_source(db.session, year), sources=CALENDAR_SOURCES,
                           special=special_days(db.session, year), period=period_info(db.session, now.date()))


def _back(year: int | None = None):  # type: ignore[no-untyped-def]
    return redirect(url_for("planning.calendar", year=year) if year else url_for("planning.calendar"))


@bp.post("/calendar/years")
@login_required
def save_year_view():  # type: ignore[no-untyped-def]
    require_office()
    form = request.form
    try:
        starts = day_of(form.get("starts_on"), "starts_on", "开始日期")
        ends = day_of(form.get("ends_on"), "ends_on", "结束日期")
        year = save_year(db.session, current_user, form.get("code", ""), starts, ends, clock.now(),
                         number(form, "year_id"))
        flash(_("学年 %(code)s 已保存。", code=year.code), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return _back()


@bp.post("/calendar/years/<int:year_id>/delete")
@login_required
def delete_year_view(year_id: int):  # type: ignore[no-untyped-def]
    require_office()
    try:
        delete_year(db.session, current_user, year_id, clock.now())
        flash(_("学年已删除。"), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return _back()


@bp.post("/calendar/years/<int:year_id>/terms")
@login_required
def save_term_view(year_id: int):  # type: ignore[no-untyped-def]
    require_office()
    form = request.form
    try:
        starts = day_of(form.get("starts_on"), "starts_on", "学期开始日期")
        ends = day_of(form.get("ends_on"), "ends_on", "学期结束日期")
        term = save_term(db.session, current_user, year_id, number(form, "number", 0, high=9) or 0, starts, ends,
                         clock.now())
        flash(_("学期 %(code)s 已保存；定期启动已按新日期重新计算。", code=term.code), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return _back()


@bp.post("/calendar/terms/<int:term_id>/delete")
@login_required
def delete_term_view(term_id: int):  # type: ignore[no-untyped-def]
    require_office()
    try:
        delete_term(db.session, current_user, term_id, clock.now())
        flash(_("学期已删除。"), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return _back()


@bp.post("/calendar/official")
@login_required
def enter_official_view():  # type: ignore[no-untyped-def]
    require_office()
    form = request.form
    year = None
    try:
        first = day_of(form.get("first"), "first", "开始日期")
        last = day_of(form.get("last"), "last", "结束日期") if form.get("last") else first
        year = first.year
        saved = enter_official_days(db.session, current_user, first, last, form.get("kind", ""),
                                    form.get("name", ""), clock.now())
        flash(_("已录入 %(n)d 天；之后计算的期限按录入的日子计算。", n=len(saved)), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return _back(year)


@bp.post("/calendar/official/<int:entry_id>/delete")
@login_required
def remove_official_view(entry_id: int):  # type: ignore[no-untyped-def]
    require_office()
    try:
        remove_official_day(db.session, current_user, entry_id, clock.now())
        flash(_("已删除该日。"), "success")
    except SpiralError as exc:
        db.session.rollback()
        flash(message(exc), "error")
    return _back(number(request.form, "year", None, low=2000, high=2100))
