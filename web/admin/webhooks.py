"""Webhook 推送: the admin registers other systems' addresses for Spiral's events, reads each delivery and sends a
failed one again."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import (
    WEBHOOK_EVENTS,
    InvalidInput,
    retry_webhook_delivery,
    save_webhook,
    set_webhook_active,
    webhook_log,
    webhooks,
)

from .. import clock
from ..extensions import db
from . import bp
from .access import admins_only


def _page(status: int = 200, **context):  # type: ignore[no-untyped-def]
    return render_template("admin/webhooks.html", hooks=webhooks(db.session), log=webhook_log(db.session),
                           events=WEBHOOK_EVENTS, **context), status


@bp.get("/webhooks")
@admins_only
def webhooks_page():  # type: ignore[no-untyped-def]
    return _page()


@bp.post("/webhooks")
@admins_only
def webhook_save():  # type: ignore[no-untyped-def]
    form = request.form
    try:
        hook = save_webhook(db.session, current_user, form.get("name", ""), form.get("url", ""),
                            form.getlist("events"), clock.now())
    except InvalidInput as exc:
        db.session.rollback()
        return _page(422, errors=exc.errors, form=form)
    flash(_("已保存 Webhook“%(name)s”。", name=hook.name), "success")
    return redirect(url_for("admin.webhooks_page"))


@bp.post("/webhooks/<int:webhook_id>/pause")
@admins_only
def webhook_pause(webhook_id: int):  # type: ignore[no-untyped-def]
    set_webhook_active(db.session, current_user, webhook_id, False, clock.now())
    return redirect(url_for("admin.webhooks_page"))


@bp.post("/webhooks/<int:webhook_id>/resume")
@admins_only
def webhook_resume(webhook_id: int):  # type: ignore[no-untyped-def]
    set_webhook_active(db.session, current_user, webhook_id, True, clock.now())
    return redirect(url_for("admin.webhooks_page"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/retry")
@admins_only
def webhook_retry(delivery_id: int):  # type: ignore[no-untyped-def]
    retry_webhook_delivery(db.session, current_user, delivery_id, clock.now())
    flash(_("将在下一次定时任务时重新推送。"), "success")
    return redirect(url_for("admin.webhooks_page"))
