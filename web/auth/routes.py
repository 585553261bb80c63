"""Log in, log out, choose the language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from engine import find_person

from ..extensions import db
from ..i18n import LANGUAGES
from . import bp


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("inbox.index")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    error = None
    if request.method == "POST":
        person = find_person(db.session, request.form.get("username", ""))
        password = request.form.get("password", "")
        if person is None or not person.active or not check_password_hash(person.password_hash, password):
            error = _("用户名或密码错误。")
        else:
            login_user(person, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():  # type: ignore[no-untyped-def]
    choice = request.form.get("locale", "")
    if choice in LANGUAGES:
        session["locale"] = choice
    return redirect(_safe_next(request.form.get("next")))
