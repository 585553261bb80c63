"""Log in (a local or the campus directory's password), log out, choose the language. CAS is in cas.py,
passwords (change, forgotten) in passwords.py."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from engine import Person, SignInPolicy, check_directory_password, sign_in, sign_out

from ..campus import directory_only, ldap_settings
from ..clock import now
from ..extensions import db
from ..i18n import LANGUAGES
from ..views_helpers import landing_url
from . import bp

PROBLEMS = {"no_person": "统一身份认证已通过，但本系统中还没有您的账号（工号 %(username)s），请联系管理员添加。",
            "inactive": "该账号已停用，无法登录。如有疑问请联系管理员。",
            "unavailable": "统一身份认证服务器暂时无法连接，请稍后再试，或联系管理员。",
            "directory_only": "本校已启用统一身份认证：请用统一身份认证（校园网）账号和密码登录，本系统密码仅限管理员使用。"}


def _safe_next(target: str | None) -> str:
    """`target` when it is a path on this site; the landing page otherwise. Browsers read a backslash as a slash and
    drop tabs and newlines, so a backslash or a tab after the first slash would lead to another site."""
    if (target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
            and "\\" not in target and not any(ord(c) < 32 or c == "\x7f" for c in target)):
        return target
    return landing_url()


def start_session(person: Person, method: str, remember: bool = False) -> None:
    """Sign `person` in with a fresh session (nothing from before survives it but the language)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds it
    session["auth_method"] = method  # a one-time local password must be changed; a directory's need not
    login_user(person, remember=remember)


def problem_text(problem: str, username: str) -> str:
    """The sentence for a refusal that is not a plain wrong password."""
    return _(PROBLEMS[problem], username=username)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    error, status = None, 200
    if request.method == "POST":
        username = request.form.get("username", "")
        directory = ldap_settings(current_app.config)
        result = sign_in(db.session, username, request.form.get("password", ""), request.remote_addr or "", now(),
                         _policy(), local_admins_only=directory_only(current_app.config),
                         directory=(lambda u, p: check_directory_password(directory, u, p)) if directory else None)
        if result.person is not None:
            start_session(result.person, result.method, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
        if result.retry_at is not None:
            error, status = _("登录失败次数过多，已暂时锁定，请于 %(time)s 之后再试。",
                              time=f"{result.retry_at:%Y-%m-%d %H:%M}"), 429
        elif result.problem in PROBLEMS and result.problem != "inactive":  # inactive: told nothing more
            error = problem_text(result.problem, username.strip())
            status = 503 if result.problem == "unavailable" else 401
        else:
            error, status = _("用户名或密码错误。"), 401
    return render_template("auth/login.html", error=error, **login_page_options()), status


def login_page_options() -> dict[str, object]:
    """What the sign-in page offers besides the password form."""
    config = current_app.config
    return {"cas_on": bool(config.get("SPIRAL_CAS_URL")), "ldap_on": bool(config.get("SPIRAL_LDAP_URL")),
            "directory_only": directory_only(config)}


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
    via_cas = session.get("auth_method") == "cas" and bool(current_app.config.get("SPIRAL_CAS_URL"))
    if person is not None:  # the old session cookie and any remember-me cookie stop working
        sign_out(db.session, person, request.remote_addr or "", now())
    locale = session.get("locale")
    session.clear()
    logout_user()  # after the clear: it marks the remember-me cookie for clearing in the session
    if locale:
        session["locale"] = locale
    flash(_("您已退出登录。"), "info")
    if via_cas:  # end the campus sign-in too, or the next visit would sign straight back in
        from .cas import cas_logout_url
        return redirect(cas_logout_url())
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():  # type: ignore[no-untyped-def]
    choice = request.form.get("locale", "")
    if choice in LANGUAGES:
        session["locale"] = choice
    return redirect(_safe_next(request.form.get("next")))
