"""An event's pages: add and edit it, its page (facts, sign-ins, counts, the QR code, the questionnaire's
results), publish, close, cancel, and the printable poster with the QR code."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import InvalidInput, Role, activities, unit_choices

from .. import clock
from ..extensions import db
from . import bp
from .helpers import event_fields, require_keep, require_run, require_see
from .qr import qr_svg, sign_in_link


def _form(plan: Any, event: Any, values: Any = None, errors: Any = None, status: int = 200):  # type: ignore[no-untyped-def]
    roles = db.session.query(Role).order_by(Role.name).all()
    return render_template("activities/event_form.html", plan=plan, event=event, values=values, errors=errors or {},
                           units=unit_choices(db.session), roles=roles,
                           questionnaires=activities.questionnaires(db.session)), status


@bp.get("/plans/<int:plan_id>/events/new")
@login_required
def new_event(plan_id: int):  # type: ignore[no-untyped-def]
    plan = activities.get_plan(db.session, plan_id)
    require_keep(plan)
    return _form(plan, None)


@bp.post("/plans/<int:plan_id>/events")
@login_required
def create_event(plan_id: int):  # type: ignore[no-untyped-def]
    plan = activities.get_plan(db.session, plan_id)
    require_keep(plan)
    try:
        event = activities.save_event(db.session, current_user, plan_id, None, event_fields(), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        return _form(plan, None, request.form, exc.errors, 422)
    flash(_("已新增活动“%(title)s”。检查无误后请点“发布”，面向的人员会收到通知。", title=event.title), "success")
    return redirect(url_for("activities.event", event_id=event.id))


@bp.get("/events/<int:event_id>")
@login_required
def event(event_id: int):  # type: ignore[no-untyped-def]
    now = clock.now()
    found = activities.get_event(db.session, event_id)
    require_see(found)
    runs = activities.may_run(db.session, current_user, found, now.date())
    link = sign_in_link(found.sign_in_token) if runs and found.status != "draft" else ""
    answered, results = activities.feedback_results(db.session, found) if runs else (0, [])
    return render_template(
        "activities/event.html", event=found, runs=runs, link=link,
        qr=qr_svg(link, 5, _("签到二维码")) if link else "", sign_ins=activities.sign_ins(db.session, found) if runs else [],
        counts=activities.sign_in_counts(db.session, [found.id]).get(found.id, {}), answered=answered,
        results=results, questionnaire=activities.questionnaire_of(db.session, found),
        window=activities.window(found), statuses=activities.EVENT_STATUSES, kinds=activities.SIGN_IN_KINDS,
        mask=activities.mask_phone, now=now)


@bp.get("/events/<int:event_id>/edit")
@login_required
def edit_event_page(event_id: int):  # type: ignore[no-untyped-def]
    found = activities.get_event(db.session, event_id)
    require_run(found)
    return _form(found.plan, found)


@bp.post("/events/<int:event_id>")
@login_required
def edit_event(event_id: int):  # type: ignore[no-untyped-def]
    found = activities.get_event(db.session, event_id)
    require_run(found)
    try:
        activities.save_event(db.session, current_user, found.plan_id, event_id, event_fields(), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        return _form(found.plan, found, request.form, exc.errors, 422)
    flash(_("活动已保存。"), "success")
    return redirect(url_for("activities.event", event_id=event_id))


@bp.post("/events/<int:event_id>/publish")
@login_required
def publish(event_id: int):  # type: ignore[no-untyped-def]
    told = activities.publish_event(db.session, current_user, event_id, clock.now())
    flash(_("活动已发布，已通知 %(n)s 人；活动前一天会再提醒一次。", n=told), "success")
    return redirect(url_for("activities.event", event_id=event_id))


@bp.post("/events/<int:event_id>/close")
@login_required
def close(event_id: int):  # type: ignore[no-untyped-def]
    found = activities.close_event(db.session, current_user, event_id, clock.now())
    flash(_("活动已结束。“活动总结”任务已发给组织人 %(name)s。", name=found.organiser.name), "success")
    return redirect(url_for("activities.event", event_id=event_id))


@bp.post("/events/<int:event_id>/cancel")
@login_required
def cancel(event_id: int):  # type: ignore[no-untyped-def]
    activities.cancel_event(db.session, current_user, event_id, request.form.get("reason", "")[:500], clock.now())
    flash(_("活动已取消。"), "success")
    return redirect(url_for("activities.event", event_id=event_id))


@bp.get("/events/<int:event_id>/poster")
@login_required
def poster(event_id: int):  # type: ignore[no-untyped-def]
    found = activities.get_event(db.session, event_id)
    require_run(found)
    if found.status == "draft":
        flash(_("活动发布后才有签到二维码。"), "error")
        return redirect(url_for("activities.event", event_id=event_id))
    link = sign_in_link(found.sign_in_token)
    return render_template("activities/poster.html", event=found, link=link, qr=qr_svg(link, 10, _("签到二维码")))
