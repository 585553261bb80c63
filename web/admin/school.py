"""/admin/school: the school's name, short name, logo and default language; the logo itself for every page."""
from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from engine import LOGO_MAX_BYTES, InvalidInput, remove_logo, save_logo, save_school, school_info, school_settings

from .. import clock
from ..extensions import db
from ..i18n import LANGUAGES
from . import bp
from .access import admins_only, readers_only


@bp.app_context_processor
def _school() -> dict[str, Any]:
    """Every page's school: its name and short name for the top bar and the sign-in page."""
    try:
        return {"school": school_info(db.session)}
    except SQLAlchemyError:  # no schema yet (a fresh database before init-db)
        db.session.rollback()
        return {"school": None}


@bp.get("/school")
@readers_only
def school():  # type: ignore[no-untyped-def]
    return render_template("admin/school.html", settings=school_settings(db.session), languages=LANGUAGES,
                           max_kb=LOGO_MAX_BYTES // 1024)


@bp.post("/school")
@admins_only
def school_save():  # type: ignore[no-untyped-def]
    form = request.form
    save_school(db.session, current_user, form.get("name", ""), form.get("short_name", ""),
                form.get("default_locale", ""), clock.now())
    flash(_("学校设置已保存。"), "success")
    return redirect(url_for("admin.school"))


@bp.post("/school/logo")
@admins_only
def school_logo_upload():  # type: ignore[no-untyped-def]
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        raise InvalidInput(_("请选择一个标志图片文件。"))
    data = upload.stream.read(LOGO_MAX_BYTES + 1)
    save_logo(db.session, current_user, data, clock.now())
    flash(_("学校标志已更新。"), "success")
    return redirect(url_for("admin.school"))


@bp.post("/school/logo/remove")
@admins_only
def school_logo_remove():  # type: ignore[no-untyped-def]
    remove_logo(db.session, current_user, clock.now())
    flash(_("学校标志已删除。"), "success")
    return redirect(url_for("admin.school"))


@bp.get("/school/logo")
def school_logo():  # type: ignore[no-untyped-def]
    """The logo (public: the sign-in page shows it); only PNG or JPEG is ever stored."""
    settings = school_settings(db.session)
    if not settings.logo or settings.logo_type not in ("image/png", "image/jpeg"):
        abort(404)
    stamp = f"{settings.updated_at:%Y%m%d%H%M%S}" if settings.updated_at else "0"
    return Response(settings.logo, mimetype=settings.logo_type,
                    headers={"Cache-Control": "public, max-age=300", "ETag": stamp,
                             "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": "inline; filename=logo"})
