"""Small helpers the templates share: stage labels, dates, due-state classes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from engine import DEFAULT_STAGES, EN_LABELS, due_state, soon_until

from . import clock

ZH_LABELS = dict(DEFAULT_STAGES)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(data: bytes, filename: str) -> Response:
    """A workbook download (every list's 导出 Excel)."""
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={filename}"})


def stage_label(code: str, vocabulary: list[dict[str, str]] | None = None) -> str:
    """A stage's label in the current language (the process's own label first)."""
    if str(get_locale()).startswith("en") and code in EN_LABELS:
        return EN_LABELS[code]
    for item in vocabulary or []:
        if item.get("code") == code:
            return item.get("label", code)
    return ZH_LABELS.get(code, code)


def level_label(code: str) -> str:
    """学校/专业/课程/教师/学生 (or the English word) for a level code."""
    labels = {"school": _("学校"), "major": _("专业"), "course": _("课程"), "teacher": _("教师"),
              "student": _("学生")}
    return str(labels.get(code, code or "—"))


def fmt_dt(value: datetime | None, with_time: bool = True) -> str:
    """2026-11-23 14:05 (or the date only)."""
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def due_class(task: Any) -> str:
    """CSS class for a task's due state: overdue (red), soon (amber: within three working days) or ok."""
    from flask import g

    from .extensions import db
    if "soon_until" not in g:  # once per request: every row of a list asks
        g.soon_until = soon_until(db.session, clock.now())
    return due_state(task, clock.now(), g.soon_until)


def template_globals() -> dict[str, Any]:
    """Functions every template may call."""
    from engine import STATUS_LABELS
    return {"stage_label": stage_label, "due_class": due_class, "level_label": level_label,
            "status_labels": STATUS_LABELS, "unknown_deadline_years": unknown_deadline_years,
            "today_period": today_period}


def today_period() -> Any:
    """Today's academic year and term from the school's calendar (PeriodInfo; `guessed` by the month when no
    entered year holds today), once per request."""
    from flask import g

    from engine import period_info

    from . import clock
    from .extensions import db
    if "today_period" not in g:
        g.today_period = period_info(db.session, clock.now().date())
    return g.today_period


def unknown_deadline_years(moments: Any) -> list[int]:
    """The years of these deadlines whose official holidays nobody entered (for _calendar_note.html)."""
    from engine import unknown_years

    from .extensions import db
    return unknown_years(db.session, [m for m in moments if m is not None])


def mask_target(target: str) -> str:
    """An email address as is; a robot webhook without its secret key (key=abc… → key=abc***)."""
    if "?" not in target:
        return target
    base, _sep, query = target.partition("?")
    name, _eq, secret = query.partition("=")
    return f"{base}?{name}={secret[:4]}***"


def template_filters() -> dict[str, Any]:
    """Filters every template may use."""
    return {"dt": fmt_dt, "date": lambda v: fmt_dt(v, False), "mask_target": mask_target}


def context() -> dict[str, Any]:
    """Per-request template context: the current language, the inbox badge count."""
    from engine import heads_some_unit, is_quality_office, is_school_leader, is_staff, sees_notices

    from .extensions import db
    counts, quality_office, leader, supervisor, substitutes, unread = {}, False, False, False, False, 0
    staff = False
    if getattr(current_user, "is_authenticated", False):
        counts = current_counts()
        quality_office = is_quality_office(db.session, current_user)
        leader = quality_office or is_school_leader(db.session, current_user)  # = can_supervise, one query less
        supervisor = leader or sees_notices(db.session, current_user)
        substitutes = leader or heads_some_unit(db.session, current_user)  # as sees_some_substitutions
        unread = current_unread()
        staff = quality_office or is_staff(db.session, current_user)
    return {"current_locale": str(get_locale()), "nav_counts": counts, "is_quality_office": quality_office,
            "may_supervise": supervisor, "sees_substitutes": substitutes, "unread_notifications": unread,
            "is_staff": staff, "sees_dashboard": leader}


def current_unread() -> int:
    """The signed-in person's unread notifications (the bell), counted once per request."""
    from engine import unread_count

    from .extensions import db
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(db.session, current_user)
    return g.unread_notifications


def current_counts() -> dict[str, int]:
    """The signed-in person's inbox tab counts, counted once per request."""
    from engine import inbox_counts

    from .extensions import db
    if "inbox_counts" not in g:
        g.inbox_counts = inbox_counts(db.session, current_user, clock.now())
    return g.inbox_counts


ID_MAX = 2**31 - 1  # the largest id or count a page may ask for; larger cannot be in any table


def number(source: Any, name: str, default: int | None = None, low: int = 0, high: int = ID_MAX) -> int | None:
    """The whole number `name` of a query or form (`default` when absent); 400 with a sentence when it is not one
    between `low` and `high`."""
    text = source.get(name)
    if text is None or str(text).strip() == "":
        return default
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        abort(400, description=_("参数“%(name)s”应为 %(low)s 到 %(high)s 之间的整数。", name=name, low=low, high=high))
    return value


def numbers(source: Any, name: str) -> list[int]:
    """Every whole number given as `name` (checked as `number` does)."""
    return [number({name: text}, name) or 0 for text in source.getlist(name)]


def json_object() -> dict[str, Any]:
    """The request's JSON body when it is an object; {} for anything else (no body, a list, a number…), which
    each page then answers as a form it did not receive."""
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, dict) else {}


def landing_url() -> str:
    """Where a signed-in person starts: the 驾驶舱 for school leaders and the quality office, else the inbox."""
    from flask import url_for

    from engine import sees_dashboard

    from .extensions import db
    if getattr(current_user, "is_authenticated", False) and sees_dashboard(db.session, current_user):
        return url_for("dashboard.index")
    return url_for("inbox.index")
