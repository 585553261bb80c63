"""The modeler: bpmn-js in the studio, with Spiral's side panel; validate, save a draft, deploy as JSON calls."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from engine import (
    DEFAULT_STAGES,
    LEVELS,
    Conflict,
    InvalidInput,
    InvalidProcess,
    NeedsConfirmation,
    Problem,
    Role,
    create_process,
    deploy,
    form_registry,
    ladders,
    latest_definitions,
    save_draft,
    validate_files,
    working_copy,
)

from .. import clock
from ..errors import error_text
from ..extensions import db
from ..views_helpers import json_object, stage_label
from . import bp


def _problems(items: list[Problem]) -> list[dict[str, Any]]:
    return [{"message": p.message, "line": p.line, "element_id": p.element_id, "element_name": p.element_name,
             "text": str(p)} for p in items]


def _settings() -> dict[str, Any]:
    """What the side panel offers: the stage vocabulary, the org's roles, the forms, the escalation ladders."""
    registry = form_registry(db.session)
    forms = []
    for form_id in registry.ids():
        try:
            forms.append({"id": form_id, "title": registry.get(form_id).title})
        except Exception:  # a broken form file is listed by id; the validator names its problem
            forms.append({"id": form_id, "title": form_id})
    roles = [{"code": r.code, "name": r.name} for r in db.session.scalars(select(Role).order_by(Role.id))]
    return {"stages": [{"code": c, "label": stage_label(c)} for c, _label in DEFAULT_STAGES],
            "roles": roles, "forms": forms, "levels": list(LEVELS),
            "ladders": [{"name": lad.name, "label": lad.label} for lad in ladders(db.session)]}


@bp.get("/modeler/<process_id>")
def modeler(process_id: str):  # type: ignore[no-untyped-def]
    xml, origin = working_copy(db.session, process_id)
    return render_template("studio/modeler.html", process_id=process_id, xml=xml, origin=origin,
                           panel=_settings())


@bp.route("/modeler/new", methods=["GET", "POST"])
def new_process():  # type: ignore[no-untyped-def]
    error, status = "", 200
    if request.method == "POST":
        try:
            create_process(db.session, current_user, request.form.get("template", ""),
                           request.form.get("process_id", "").strip(), request.form.get("name", ""), clock.now())
        except (InvalidInput, Conflict) as exc:
            db.session.rollback()
            error, status = error_text(exc), 409 if isinstance(exc, Conflict) else 422
        else:
            return redirect(url_for("studio.modeler", process_id=request.form["process_id"].strip()))
    return render_template("studio/new.html", levels=LEVELS, error=error,
                           definitions=latest_definitions(db.session)), status


def _posted_xml() -> str:
    payload = json_object()
    xml = payload.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput(_("没有收到流程图（BPMN XML）。"))
    return xml


@bp.post("/modeler/validate")
def validate():  # type: ignore[no-untyped-def]
    report = validate_files(db.session, [(_filename(), _posted_xml().encode("utf-8"))])
    return jsonify(ok=report.ok, problems=_problems(report.problems), warnings=_problems(report.warnings))


def _filename() -> str:
    name = (json_object()).get("filename") or "modeler.bpmn"
    return str(name)[:100]


@bp.post("/modeler/draft")
def draft():  # type: ignore[no-untyped-def]
    editing = (json_object()).get("process_id")
    saved = save_draft(db.session, current_user, _posted_xml(), clock.now(),
                       editing=str(editing) if editing is not None else None)
    return jsonify(ok=True, process_id=saved.process_id, saved_at=saved.updated_at.strftime("%Y-%m-%d %H:%M"))


@bp.post("/modeler/deploy")
def deploy_xml():  # type: ignore[no-untyped-def]
    payload = json_object()
    comment = str(payload.get("comment") or "")
    try:
        [definition] = deploy(db.session, current_user, [(_filename(), _posted_xml().encode("utf-8"))],
                              clock.now(), comment, confirm_removal=payload.get("confirm_removal") is True)
    except InvalidProcess as exc:
        db.session.rollback()
        return jsonify(ok=False, problems=_problems(exc.problems), warnings=_problems(exc.warnings)), 422
    except NeedsConfirmation as exc:
        db.session.rollback()
        return jsonify(ok=False, confirm=error_text(exc), problems=[], warnings=[]), 409
    return jsonify(ok=True, process_id=definition.process_id, version=definition.version,
                   message=_("已部署：%(name)s v%(version)s", name=definition.name, version=definition.version),
                   url=url_for("studio.process", process_id=definition.process_id))


@bp.get("/processes/<process_id>/v<int:version>.bpmn")
def download(process_id: str, version: int):  # type: ignore[no-untyped-def]
    from engine import get_version
    definition = get_version(db.session, process_id, version)
    return Response(definition.xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{process_id}-v{version}.bpmn"'})
