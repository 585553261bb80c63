"""统一身份认证 over CAS 3.0 (python-cas): /login/cas sends the browser to the campus CAS server, which sends it
back to /login/cas/callback with a ticket; the ticket is checked with the server (p3/serviceValidate) and the
CAS user (or the attribute SPIRAL_CAS_ATTRIBUTE) is the person's 工号."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine import sign_in_verified

from ..clock import now
from ..extensions import db
from ..views_helpers import landing_url
from . import bp
from .routes import _safe_next, login_page_options, problem_text, start_session


def _client() -> Any:
    server = str(current_app.config.get("SPIRAL_CAS_URL") or "")
    if not server:
        abort(404)
    from cas import CASClient  # python-cas and requests load at the first CAS sign-in, not at start-up

    from .cas_session import TimelySession
    return CASClient(version=3, server_url=server.rstrip("/") + "/", session=TimelySession(),
                     service_url=url_for("auth.cas_callback", _external=True))


def cas_logout_url() -> str:
    """The CAS server's logout, coming back to Spiral's sign-in page."""
    return str(_client().get_logout_url(url_for("auth.login", _external=True)))


@bp.get("/login/cas")
def cas_login():  # type: ignore[no-untyped-def]
    client = _client()
    session["cas_next"] = _safe_next(request.args.get("next"))
    return redirect(client.get_login_url())


@bp.get("/login/cas/callback")
def cas_callback():  # type: ignore[no-untyped-def]
    client, ticket = _client(), request.args.get("ticket", "")
    if not ticket:
        return redirect(url_for("auth.cas_login"))
    import requests
    try:
        user, attributes, _pgt = client.verify_ticket(ticket)
    except (requests.RequestException, ValueError, IndexError, SyntaxError) as exc:  # unreachable or not CAS XML
        current_app.logger.warning("CAS ticket check failed: %s", exc)
        return _refused(problem_text("unavailable", ""), 503)
    attribute = str(current_app.config.get("SPIRAL_CAS_ATTRIBUTE") or "")
    username = (attributes or {}).get(attribute) if attribute else user
    if isinstance(username, list):
        username = username[0] if username else None
    if not username:
        return _refused(_("统一身份认证未通过（登录凭据无效或已过期），请重新登录。"), 401)
    result = sign_in_verified(db.session, str(username), "cas", request.remote_addr or "", now())
    if result.person is None:
        return _refused(problem_text(result.problem, str(username)), 403)
    target = session.get("cas_next") or landing_url()
    start_session(result.person, "cas")
    return redirect(_safe_next(target))


def _refused(message: str, status: int):  # type: ignore[no-untyped-def]
    return render_template("auth/login.html", error=message, **login_page_options()), status
