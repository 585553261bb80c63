"""我的设置 → API 令牌: a person's own tokens (create, shown once; revoke); the admin's service tokens for other
systems (教务、学工、数据中心) acting as a chosen account."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    SCOPE_LABELS,
    InvalidInput,
    create_token,
    find_person,
    revoke_token,
    service_tokens,
    tokens_of,
)

from .. import clock
from ..extensions import db
from . import bp


def _shown_once(secret: str, name: str, back: str) -> Response:
    response = Response(render_template("me/token_created.html", secret=secret, name=name, back=back))
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once, never cached
    return response


@bp.get("/me/tokens")
@login_required
def tokens():  # type: ignore[no-untyped-def]
    return render_template("me/tokens.html", tokens=tokens_of(db.session, current_user), scopes=SCOPE_LABELS,
                           service=service_tokens(db.session) if current_user.is_admin else [])


@bp.post("/me/tokens")
@login_required
def create():  # type: ignore[no-untyped-def]
    form = request.form
    service = form.get("kind") == "service"
    owner = current_user
    if service:
        if not current_user.is_admin:
            abort(403)
        owner = find_person(db.session, form.get("username", "").strip())
        if owner is None:
            raise InvalidInput(_("找不到这个账号（工号）"), {"username": [_("请填写要代表的账号的工号")]})
    _token, secret = create_token(db.session, current_user, owner, form.get("name", ""), form.get("scope", "read"),
                                  clock.now(), service=service)
    return _shown_once(secret, form.get("name", ""), url_for("me.tokens"))


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):  # type: ignore[no-untyped-def]
    revoke_token(db.session, current_user, token_id, clock.now())
    return redirect(url_for("me.tokens"))
