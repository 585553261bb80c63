"""/admin/subjects: 诊改对象 by level; add and edit."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import LEVELS, add_subject, edit_subject, find_subjects, get_subject, unit_choices

from .. import clock
from ..extensions import db
from . import bp
from .access import admins_only, readers_only
from .helpers import form_id, kept_query, page_number


@bp.get("/subjects")
@readers_only
def subjects():  # type: ignore[no-untyped-def]
    args = request.args
    found = find_subjects(db.session, args.get("level", ""), args.get("q", ""), page_number())
    return render_template("admin/subjects.html", found=found, query=kept_query(), levels=LEVELS)


@bp.get("/subjects/new")
@admins_only
def subject_new():  # type: ignore[no-untyped-def]
    return render_template("admin/subject_form.html", subject=None, levels=LEVELS, units=unit_choices(db.session))


@bp.get("/subjects/<int:subject_id>")
@readers_only
def subject(subject_id: int):  # type: ignore[no-untyped-def]
    return render_template("admin/subject_form.html", subject=get_subject(db.session, subject_id), levels=LEVELS,
                           units=unit_choices(db.session))


def _fields() -> tuple[str, str, str, int | None, str]:
    form = request.form
    return (form.get("level", ""), form.get("code", ""), form.get("name", ""), form_id("unit_id"),
            form.get("username", ""))


@bp.post("/subjects")
@admins_only
def subject_add():  # type: ignore[no-untyped-def]
    found = add_subject(db.session, current_user, *_fields(), clock.now())
    flash(_("已添加诊改对象“%(name)s”。", name=found.name), "success")
    return redirect(url_for("admin.subjects", level=found.level))


@bp.post("/subjects/<int:subject_id>")
@admins_only
def subject_edit(subject_id: int):  # type: ignore[no-untyped-def]
    found = edit_subject(db.session, current_user, subject_id, *_fields(), clock.now())
    flash(_("诊改对象“%(name)s”已保存。", name=found.name), "success")
    return redirect(url_for("admin.subjects", level=found.level))
