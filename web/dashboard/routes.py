"""The 驾驶舱 page, its JSON, a department's late tasks, and a subject's portrait (画像). Every figure carries the
address of the list behind it."""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import Portrait, may_see_portrait, portrait
from engine import dashboard as board

from .. import clock
from ..extensions import db
from ..views_helpers import level_label, stage_label, today_period
from . import bp

COLOURS = ("red", "orange", "yellow")


def _may_enter() -> None:
    if not board.sees_dashboard(db.session, current_user):
        abort(403)


def colour_labels() -> dict[str, str]:
    """The words for a notice's colour."""
    return {"red": _("红色"), "orange": _("橙色"), "yellow": _("黄色")}


def warning_labels() -> dict[str, str]:
    """The words for a bad status."""
    return {"warning": _("预警"), "fail": _("不合格")}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _rate(row: Any) -> dict[str, Any]:
    return {"done": row.done, "on_time": row.on_time, "late": row.late, "overdue_open": row.overdue_open,
            "rate": _percent(row.rate)}


def figures(period: str, year: str) -> dict[str, Any]:
    """The dashboard's figures as JSON-ready data, each with the address of the list it drills into."""
    found = board.dashboard(db.session, current_user, clock.now(), period=period, year=year)
    keep: dict[str, Any] = {"period": period} if period else {}
    stages = [{"level": s.level, "level_label": level_label(s.level), "stage": s.stage,
               "label": stage_label(s.stage, [{"code": s.stage, "label": s.label}]) if s.stage else _("（阶段之间）"),
               "count": s.count,
               "url": url_for("cycles.index", level=s.level, stage=s.stage, status="running") if s.stage else
               url_for("cycles.index", level=s.level, status="running")} for s in found.stages]
    departments = [{"department": r.key or _("（未归属部门）"), **_rate(r),
                    "url": url_for("dashboard.late", department=r.key, **keep)} for r in found.departments]
    trend = [{"month": m.month, **_rate(m.rate), "url": url_for("dashboard.late", month=m.month)}
             for m in found.trend]
    notices = [{"colour": c, "label": colour_labels()[c], "count": found.notices.get(c, 0),
                "url": url_for("supervision.index", colour=c)} for c in COLOURS]
    warnings = [{"level": w.level, "level_label": level_label(w.level), "indicator": w.indicator, "name": w.name,
                 "status": w.status, "label": warning_labels().get(w.status, w.status), "count": w.count,
                 "url": url_for("quality.warnings_page", indicator=w.indicator, status=w.status, **keep)}
                for w in found.warnings]
    by_level: dict[tuple[str, str], int] = {}
    for w in found.warnings:
        by_level[(w.level, w.status)] = by_level.get((w.level, w.status), 0) + w.count
    warning_levels = [{"level": level, "level_label": level_label(level), "status": status,
                       "label": warning_labels().get(status, status), "count": count,
                       "url": url_for("quality.warnings_page", level=level, status=status, **keep)}
                      for (level, status), count in sorted(by_level.items())]
    goals = [{"id": g.goal_id, "title": g.title, "subject": g.subject, "level": g.level,
              "level_label": level_label(g.level), "depth": g.depth, "attainment": _percent(g.attainment),
              "colour": g.colour, "url": url_for("quality.goals", year=year)} for g in found.goals]
    plans = [{"id": p.plan_id, "name": p.name, "total": p.total, "done": p.done, "late": p.late,
              "url": url_for("plans.show", plan_id=p.plan_id)} for p in found.plans]
    return {"at": found.at.isoformat(timespec="seconds"), "period": period, "year": year, "stages": stages,
            "departments": departments, "trend": trend, "notices": notices, "warnings": warnings,
            "warning_levels": warning_levels, "goals": goals, "plans": plans}


def _filters() -> tuple[str, str]:
    period = (request.args.get("period") or "").strip()[:20]
    year = (request.args.get("year") or today_period().year).strip()[:9]
    return period, year


def portrait_link(subject: Any) -> str:
    """The address of a subject's 画像 when the signed-in person may read it, else ""."""
    if not getattr(current_user, "is_authenticated", False) or not may_see_portrait(db.session, current_user, subject):
        return ""
    return url_for("dashboard.subject", code=subject.code)


@bp.app_context_processor
def _links() -> dict[str, Any]:
    return {"portrait_link": portrait_link}


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    _may_enter()
    period, year = _filters()
    return render_template("dashboard/index.html", data=figures(period, year), period=period, year=year,
                           query={k: v for k, v in request.args.items() if v})


@bp.get("/data.json")
@login_required
def data():  # type: ignore[no-untyped-def]
    _may_enter()
    return jsonify(figures(*_filters()))


@bp.get("/late")
@login_required
def late():  # type: ignore[no-untyped-def]
    _may_enter()
    department = (request.args.get("department") or "").strip()[:200]
    month = (request.args.get("month") or "").strip()[:7]
    period = (request.args.get("period") or "").strip()[:20]
    overdue, done_late = board.late_tasks(db.session, current_user, department, clock.now(), period=period,
                                          month=month)
    return render_template("dashboard/late.html", department=department, month=month, period=period,
                           overdue=overdue, done_late=done_late, now=clock.now())


def portrait_data(found: Portrait) -> dict[str, Any]:
    """A portrait as JSON-ready data."""
    return {"code": found.code, "name": found.name, "level": found.level, "level_label": level_label(found.level),
            "rate": _rate(found.rate),
            "cycles": [{"id": c.instance_id, "process": c.process, "period": c.period, "status": c.status,
                        "stage": c.stage, "url": url_for("cycles.show", instance_id=c.instance_id)}
                       for c in found.cycles],
            "series": [{"code": s.code, "name": s.name, "unit": s.unit,
                        "points": [{"period": p.period, "value": p.value, "status": p.status} for p in s.points]}
                       for s in found.series],
            "improvements": [{"id": i.instance_id, "indicator": i.indicator, "name": i.indicator_name,
                              "period": i.period, "status": i.status,
                              "url": url_for("cycles.show", instance_id=i.instance_id)} for i in found.improvements]}


@bp.get("/subjects/<code>")
@login_required
def subject(code: str):  # type: ignore[no-untyped-def]
    found = portrait(db.session, current_user, code, clock.now())
    return render_template("dashboard/subject.html", p=found, data=portrait_data(found),
                           sees_dashboard=board.sees_dashboard(db.session, current_user))


@bp.get("/subjects/<code>/data.json")
@login_required
def subject_data(code: str):  # type: ignore[no-untyped-def]
    return jsonify(portrait_data(portrait(db.session, current_user, code, clock.now())))
