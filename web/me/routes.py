"""我的设置: the channels a person is told on, and their substitutes; the supervisors' list of substitutions."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from engine import (
    InvalidInput,
    Person,
    add_substitution,
    current_substitutions,
    end_substitution,
    hand_over_tasks,
    is_quality_office,
    is_school_leader,
    mail_settings,
    may_be_substitute,
    preference_of,
    set_channels,
    substitutions_of,
)

from .. import clock
from ..extensions import db
from ..views_helpers import number
from . import bp


@bp.get("/me/settings")
@login_required
def settings():  # type: ignore[no-untyped-def]
    colleagues = [p for p in db.session.scalars(select(Person).where(Person.active.is_(True),
                                                                     Person.id != current_user.id)
                                                 .order_by(Person.unit_id, Person.name))
                  if may_be_substitute(db.session, current_user, p)]  # only whom the rule allows
    return render_template(
        "me/settings.html", pref=preference_of(db.session, current_user), colleagues=colleagues,
        substitutions=substitutions_of(db.session, current_user), today=clock.now().date(),
        smtp_ready=bool(mail_settings(db.session).smtp_host),
        sees_all=is_quality_office(db.session, current_user) or is_school_leader(db.session, current_user))


@bp.post("/me/channels")
@login_required
def channels():  # type: ignore[no-untyped-def]
    set_channels(db.session, current_user, current_user.id, email=request.form.get("email") == "on",
                 wecom_webhook=request.form.get("wecom_webhook", ""),
                 dingtalk_webhook=request.form.get("dingtalk_webhook", ""), now=clock.now())
    flash(_("通知方式已保存。"), "success")
    return redirect(url_for("me.settings"))


def _date(field: str) -> date:
    try:
        return date.fromisoformat(request.form.get(field, ""))
    except ValueError as exc:
        raise InvalidInput(_("请填写日期，格式如 2025-10-09。"), {field: _("请填写日期")}) from exc


@bp.post("/me/substitutes")
@login_required
def add():  # type: ignore[no-untyped-def]
    substitute = number(request.form, "substitute_id")
    if substitute is None:
        raise InvalidInput(_("请选择代理人。"), {"substitute_id": _("请选择代理人。")})
    add_substitution(db.session, current_user, current_user.id, substitute, _date("starts_on"), _date("ends_on"),
                     request.form.get("reason", ""), clock.now())
    flash(_("代理人已设置：代理期间您的新任务将派给代理人。"), "success")
    return redirect(url_for("me.settings"))


@bp.post("/me/substitutes/<int:substitution_id>/end")
@login_required
def end(substitution_id: int):  # type: ignore[no-untyped-def]
    end_substitution(db.session, current_user, substitution_id, clock.now())
    if request.form.get("back") == "list":
        flash(_("代理安排已结束。"), "success")
        return redirect(url_for("me.index"))
    flash(_("代理已结束，新任务将派给您本人。"), "success")
    return redirect(url_for("me.settings"))


@bp.post("/me/substitutes/<int:substitution_id>/handover")
@login_required
def handover(substitution_id: int):  # type: ignore[no-untyped-def]
    moved = hand_over_tasks(db.session, current_user, substitution_id, clock.now())
    flash(_("已将 %(n)s 项待办移交给代理人。", n=moved), "success")
    return redirect(url_for("me.settings"))


@bp.get("/substitutes")
@login_required
def index():  # type: ignore[no-untyped-def]
    now = clock.now()
    return render_template("me/substitutes.html", rows=current_substitutions(db.session, current_user, now),
                           today=now.date())
