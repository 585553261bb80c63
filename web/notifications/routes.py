"""The bell: a person's notifications; and the admin's view of outgoing sends that failed or wait."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import NotFound, Notification, mark_read, notifications_of, retry_delivery
from engine import deliveries as pending_deliveries

from .. import clock
from ..extensions import db
from . import bp


@bp.get("/notifications")
@login_required
def index():  # type: ignore[no-untyped-def]
    return render_template("notifications/index.html", items=notifications_of(db.session, current_user))


def _local(link: str) -> str:
    """The link if it stays on this site (never an open redirect), else the list."""
    parts = urlsplit(link)
    if link.startswith("/") and not link.startswith("//") and not parts.scheme and not parts.netloc:
        return link
    return url_for("notifications.index")


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):  # type: ignore[no-untyped-def]
    mark_read(db.session, current_user, notification_id, clock.now())
    notification = db.session.get(Notification, notification_id)
    if notification is None:  # mark_read has already raised NotFound for a notification that is not there
        raise NotFound("该通知不存在")
    return redirect(_local(notification.link or ""))


@bp.post("/notifications/read")
@login_required
def read_all():  # type: ignore[no-untyped-def]
    changed = mark_read(db.session, current_user, None, clock.now())
    flash(_("已将 %(n)s 条通知标为已读。", n=changed), "success")
    return redirect(url_for("notifications.index"))


@bp.get("/admin/deliveries")
@login_required
def deliveries():  # type: ignore[no-untyped-def]
    return render_template("notifications/deliveries.html", items=pending_deliveries(db.session, current_user))


@bp.post("/admin/deliveries/<int:delivery_id>/retry")
@login_required
def retry(delivery_id: int):  # type: ignore[no-untyped-def]
    retry_delivery(db.session, current_user, delivery_id, clock.now())
    flash(_("已重新排队，下一次调度时发送。"), "success")
    return redirect(url_for("notifications.deliveries"))
