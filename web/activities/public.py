"""/s/<token>: the public sign-in page opened from the event's QR code (on a parent's phone, from WeChat), with
no account: name and phone (and the child's name and class), or one click for someone signed in; then the
event's feedback questionnaire. This browser remembers its sign-in in the session cookie, so the questionnaire
is offered to whoever signed in here and to no one else."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from engine import Conflict, InvalidInput, NotAllowed, activities
from forms import parse_form_post

from .. import clock
from ..errors import error_text
from ..extensions import db
from . import public_bp

SESSION_KEY = "activity_sign_ins"


def _remembered(event: Any) -> Any:
    """This browser's sign-in at the event, if any."""
    ids = session.get(SESSION_KEY) or {}
    return activities.get_sign_in(db.session, event, ids.get(str(event.id)) if isinstance(ids, dict) else None)


def _remember(event: Any, sign_in_id: int) -> None:
    ids = session.get(SESSION_KEY)
    ids = dict(ids) if isinstance(ids, dict) else {}
    ids[str(event.id)] = sign_in_id
    session[SESSION_KEY] = dict(list(ids.items())[-20:])  # the latest twenty events this browser signed in at


def _page(event: Any, *, errors: Any = None, values: Any = None, answers: Any = None, answer_errors: Any = None,
          message: str = "", status: int = 200):  # type: ignore[no-untyped-def]
    now = clock.now()
    signed = _remembered(event)
    try:
        activities.check_open(event, now)
        closed_reason = ""
    except Conflict as exc:
        closed_reason = error_text(exc)
    return render_template(
        "activities/sign_in.html", event=event, signed=signed, closed_reason=closed_reason,
        errors=errors or {}, values=values or {}, message=message,
        questionnaire=activities.questionnaire_of(db.session, event),
        feedback_open=activities.feedback_open(event, now), answers=answers, answer_errors=answer_errors or {},
        member=current_user if current_user.is_authenticated else None), status


@public_bp.get("/s/<sign_in_token>")
def sign_in_page(sign_in_token: str):  # type: ignore[no-untyped-def]
    return _page(activities.event_by_token(db.session, sign_in_token))


@public_bp.post("/s/<sign_in_token>")
def sign_in(sign_in_token: str):  # type: ignore[no-untyped-def]
    event = activities.event_by_token(db.session, sign_in_token)
    form, address, now = request.form, request.remote_addr or "", clock.now()
    try:
        if current_user.is_authenticated and form.get("as_member"):
            outcome = activities.sign_in_member(db.session, current_user, sign_in_token, address, now)
        else:
            visitor = activities.Visitor(form.get("name", "")[:100], form.get("phone", "")[:40],
                                         form.get("student_name", "")[:100], form.get("student_class", "")[:100])
            outcome = activities.sign_in_visitor(db.session, sign_in_token, visitor, address, now)
    except InvalidInput as exc:
        db.session.rollback()
        return _page(event, errors=exc.errors, values=form, message=error_text(exc), status=422)
    except Conflict as exc:
        db.session.rollback()
        return _page(event, values=form, message=error_text(exc), status=409)
    except NotAllowed as exc:
        db.session.rollback()
        return _page(event, values=form, message=error_text(exc), status=429)
    _remember(event, outcome.sign_in.id)
    if outcome.already:
        flash(_("已签到：%(name)s 已于 %(time)s 签到，无需重复签到。", name=outcome.sign_in.name,
                time=outcome.sign_in.signed_at.strftime("%Y-%m-%d %H:%M")), "success")
    else:
        flash(_("签到成功，欢迎您！"), "success")
    return redirect(url_for("activity_public.sign_in_page", sign_in_token=sign_in_token))


@public_bp.post("/s/<sign_in_token>/feedback")
def feedback(sign_in_token: str):  # type: ignore[no-untyped-def]
    event = activities.event_by_token(db.session, sign_in_token)
    form = activities.questionnaire_of(db.session, event)
    answers = parse_form_post(form, request.form) if form else {}
    try:
        activities.submit_feedback(db.session, event, _remembered(event), answers, clock.now(),
                                   str(get_locale()))
    except InvalidInput as exc:
        db.session.rollback()
        return _page(event, answers=answers, answer_errors=exc.errors, message=error_text(exc), status=422)
    except (Conflict, NotAllowed) as exc:
        db.session.rollback()
        return _page(event, message=error_text(exc), status=409)
    flash(_("感谢您的反馈！"), "success")
    return redirect(url_for("activity_public.sign_in_page", sign_in_token=sign_in_token))
