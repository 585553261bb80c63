"""Log in, log out, choose the language."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from engine import Person, SignInPolicy, end_sessions, sign_in

from ..clock import now
from ..extensions import db
from ..i18n import LANGUAGES
from . import bp


def _safe_next(target: str | None) -> str:
    """`target` when it is a path on this site; the inbox otherwise. Browsers read a backslash as a slash and
    drop tabs and newlines, so a backslash or a tab after the first slash would lead to another site."""
    if (target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
            and "\\" not in target and not any(ord(c) < 32 or c == "\x7f" for c in target)):
        return target
    return url_for("inbox.index")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    error, status = None, 200
    if request.method == "POST":
        result = sign_in(db.session, request.form.get("username", ""), request.form.get("password", ""),
                         request.remote_addr or "", now(), _policy())
        if result.person is not None:
            locale = session.get("locale")
            session.clear()  # a fresh session: nothing from before the sign-in survives it
            if locale:
                session["locale"] = locale
            session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds it
            login_user(result.person, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
        if result.retry_at is not None:
            error, status = _("登录失败次数过多，已暂时锁定，请于 %(time)s 之后再试。",
                              time=f"{result.retry_at:%Y-%m-%d %H:%M}"), 429
        else:
            error, status = _("用户名或密码错误。"), 401
    return render_template("auth/login.html", error=error), status


def _policy() -> SignInPolicy:
    config = current_app.config
    return SignInPolicy(account_failures=int(config["SIGN_IN_ACCOUNT_FAILURES"]),
                        address_failures=int(config["SIGN_IN_ADDRESS_FAILURES"]),
                        window=timedelta(minutes=float(config["SIGN_IN_WINDOW_MINUTES"])),
                        lock=timedelta(minutes=float(config["SIGN_IN_LOCK_MINUTES"])))


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    person = db.session.get(Person, int(current_user.id))
    if person is not None:
        end_sessions(db.session, person)  # the old session cookie and any remember-me cookie stop working
        db.session.commit()
    locale = session.get("locale")
    session.clear()
    logout_user()  # after the clear: it marks the remember-me cookie for clearing in the session
    if locale:
        session["locale"] = locale
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():  # type: ignore[no-untyped-def]
    choice = request.form.get("locale", "")
    if choice in LANGUAGES:
        session["locale"] = choice
    return redirect(_safe_next(request.form.get("next")))
