"""What the activity pages share: who may create a plan, parsing the event form."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from engine import InvalidInput, activities, find_person, heads_some_unit, is_quality_office

from .. import clock
from ..extensions import db


def may_create() -> bool:
    """The quality office and unit heads may make plans (for their own unit)."""
    return is_quality_office(db.session, current_user) or heads_some_unit(db.session, current_user)


def require_keep(plan: Any) -> None:
    """403 unless the signed-in person keeps the plan."""
    if not activities.may_keep(db.session, current_user, plan, clock.now().date()):
        abort(403)


def require_run(event: Any) -> None:
    """403 unless the signed-in person runs the event (organiser, keepers)."""
    if not activities.may_run(db.session, current_user, event, clock.now().date()):
        abort(403)


def require_see(event: Any) -> None:
    """404 unless the signed-in person may see the event (a draft is not shown to its audience)."""
    if not activities.may_see(db.session, current_user, event, clock.now().date()):
        abort(404)


def int_list(name: str) -> list[int]:
    """The posted ids of a multiple select (non-numbers dropped)."""
    return [int(v) for v in request.form.getlist(name) if v.isdigit()][:200]


def _when(name: str, errors: dict[str, str]) -> datetime:
    text = request.form.get(name, "").strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        errors[name] = _("请填写日期和时间")
        return datetime(2000, 1, 1)


def event_fields() -> Any:
    """The event form's fields; InvalidInput for dates that are not dates or an unknown organiser."""
    form, errors = request.form, dict[str, str]()
    starts, ends = _when("starts_at", errors), _when("ends_at", errors)
    organiser = find_person(db.session, form.get("organiser", "").strip())
    if organiser is None:
        errors["organiser_id"] = _("找不到该工号的组织人")
    if errors:
        raise InvalidInput(_("活动信息有误，请修改标红的项目"), errors)
    assert organiser is not None
    return activities.EventFields(
        title=form.get("title", "")[:200], starts_at=starts, ends_at=ends, place=form.get("place", "")[:200],
        organiser_id=organiser.id, audience=form.get("audience", "")[:500],
        audience_unit_ids=int_list("audience_unit_ids"), audience_role_ids=int_list("audience_role_ids"),
        programme=form.get("programme", "")[:5000], questionnaire=form.get("questionnaire", "")[:100],
        anonymous=bool(form.get("anonymous")))
