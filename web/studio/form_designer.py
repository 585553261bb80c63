"""The form designer: form-js's editor in the studio, a live preview drawn by the server, save and download."""
from __future__ import annotations

import io
import json
from typing import Any

from flask import jsonify, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import (
    Conflict,
    InvalidInput,
    checked_form,
    form_registry,
    form_text,
    indicators,
    save_form,
    unknown_bound_indicators,
)

from .. import clock
from ..errors import error_text, field_errors
from ..extensions import db
from . import bp

BLANK = {"type": "default", "components": []}


def _payload() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or "schema" not in payload:
        raise InvalidInput(_("没有收到表单（form-js 的 JSON）。"))
    return payload


def _refused(exc: InvalidInput | Conflict, status: int):  # type: ignore[no-untyped-def]
    problems = [m for msgs in field_errors(exc).values() for m in msgs] or [error_text(exc)]
    return jsonify(ok=False, message=error_text(exc), problems=problems, errors=field_errors(exc)), status


@bp.get("/forms")
def forms_list():  # type: ignore[no-untyped-def]
    registry, rows = form_registry(db.session), []
    for form_id in registry.ids():
        try:
            title, fields = registry.get(form_id).title, len(registry.get(form_id).fields)
        except Exception:  # a broken file is still listed, so it can be opened and mended
            title, fields = form_id, None
        rows.append({"id": form_id, "title": title, "fields": fields, "designed": registry.is_designed(form_id)})
    return render_template("studio/forms.html", rows=rows)


@bp.get("/forms/new")
def form_new():  # type: ignore[no-untyped-def]
    return _designer("", BLANK, "")


@bp.get("/forms/<form_id>/design")
def form_design(form_id: str):  # type: ignore[no-untyped-def]
    text = form_text(db.session, form_id)
    try:
        schema = json.loads(text)
    except ValueError:
        schema = BLANK
    title = schema.get("title", "") if isinstance(schema, dict) else ""
    return _designer(form_id, schema, title)


def _designer(form_id: str, schema: Any, title: str):  # type: ignore[no-untyped-def]
    return render_template("studio/form_designer.html", form_id=form_id, schema=schema, title=title,
                           designed=bool(form_id) and form_registry(db.session).is_designed(form_id),
                           library=indicators(db.session))


@bp.post("/forms/preview")
def form_preview():  # type: ignore[no-untyped-def]
    try:
        form = checked_form(db.session, _payload()["schema"])
    except InvalidInput as exc:
        return _refused(exc, 422)
    html = render_template("studio/form_preview.html", form=form)
    return jsonify(ok=True, html=html, fields=len(form.fields))


@bp.post("/forms/save")
def form_save():  # type: ignore[no-untyped-def]
    payload = _payload()
    try:
        unknown = unknown_bound_indicators(db.session, checked_form(db.session, payload["schema"]))
        if unknown:
            raise InvalidInput("；".join(unknown), {"indicator": unknown})
        form = save_form(db.session, current_user, str(payload.get("form_id") or ""), payload["schema"],
                         clock.now(), str(payload.get("title") or ""), new=bool(payload.get("new")))
    except InvalidInput as exc:
        db.session.rollback()
        return _refused(exc, 422)
    except Conflict as exc:
        db.session.rollback()
        return _refused(exc, 409)
    return jsonify(ok=True, form_id=form.id, message=_("已保存表单“%(title)s”，流程中可以选用它。", title=form.title),
                   url=url_for("studio.form_design", form_id=form.id),
                   download=url_for("studio.form_download", form_id=form.id))


@bp.get("/forms/<form_id>.form")
def form_download(form_id: str):  # type: ignore[no-untyped-def]
    return send_file(io.BytesIO(form_text(db.session, form_id).encode("utf-8")), mimetype="application/json",
                     as_attachment=True, download_name=f"{form_id}.form")
