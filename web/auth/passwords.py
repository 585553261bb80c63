"""Passwords: change your own (我的设置 → 修改密码; forced after signing in with a one-time password), and the
forgotten-password link sent by e-mail."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from engine import (
    InvalidInput,
    NotAllowed,
    NotFound,
    Person,
    change_password,
    reset_holder,
    resets_by_mail,
    send_reset_link,
    use_reset,
)

from ..clock import now
from ..extensions import db
from . import bp

# While a one-time password waits to be changed, only these pages open (and static files).
OPEN_WHILE_FORCED = frozenset({"auth.password", "auth.logout", "auth.language", "static", "vendor.asset"})


@bp.before_app_request
def _one_time_password_first():  # type: ignore[no-untyped-def]
    """After signing in with a one-time password every page leads to 修改密码 until it is changed."""
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and session.get("auth_method", "password") == "password"
            and request.endpoint not in OPEN_WHILE_FORCED and not (request.endpoint or "").endswith(".static")):
        return redirect(url_for("auth.password"))
    return None


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
def password():  # type: ignore[no-untyped-def]
    forced = bool(current_user.must_change_password) and session.get("auth_method", "password") == "password"
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        person = db.session.get(Person, current_user.id)
        try:
            change_password(db.session, person, request.form.get("current", ""), request.form.get("new", ""),
                            request.form.get("again", ""), now())
        except InvalidInput as exc:
            errors, status = exc.errors or {"new": [exc.message]}, 422
        else:
            remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))
            login_user(person, remember=remember)  # the new session version: this browser stays signed in
            flash(_("密码已修改。其他设备上的登录已退出，请用新密码登录。"), "success")
            return redirect(url_for("inbox.index") if forced else url_for("me.settings"))
    return render_template("auth/password.html", forced=forced, errors=errors), status


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():  # type: ignore[no-untyped-def]
    by_mail = resets_by_mail(db.session)
    sent = False
    if request.method == "POST" and by_mail:
        try:
            send_reset_link(db.session, request.form.get("login", ""), request.remote_addr or "", now(), _link)
        except NotAllowed:
            by_mail = False
        else:
            sent = True
    return render_template("auth/forgot.html", by_mail=by_mail, sent=sent)


def _link(token: str) -> str:
    public = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    path = url_for("auth.reset", token=token)
    return public + path if public else url_for("auth.reset", token=token, _external=True)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):  # type: ignore[no-untyped-def]
    try:
        person = reset_holder(db.session, token, now())
    except NotFound as exc:
        return render_template("auth/reset.html", dead=exc.message, errors={}), 410
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            use_reset(db.session, token, request.form.get("new", ""), request.form.get("again", ""), now())
        except NotFound as exc:
            return render_template("auth/reset.html", dead=exc.message, errors={}), 410
        except InvalidInput as exc:
            errors, status = exc.errors or {"new": [exc.message]}, 422
        else:
            flash(_("新密码已设置，请用新密码登录。"), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", dead=None, person=person, errors=errors), status
