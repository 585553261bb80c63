"""导入组织数据: upload the org workbook, preview every problem or every change, confirm to apply exactly that file
(kept under the instance folder by a random id held in the session), see the new people's one-time passwords
once. The template and the current org's export are downloads."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import Response, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user

from engine import InvalidWorkbook, export_org, import_org, read_org_workbook, template_workbook, write_workbook

from .. import clock
from ..extensions import db
from . import bp
from .access import admins_only, readers_only

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "org_import"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_SECONDS = 24 * 3600  # an upload nobody confirmed is removed the next day


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_DIR") or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(data: bytes) -> str:
    folder = _folder()
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.xlsx").write_bytes(data)
    session[SESSION_KEY] = token
    return token


def _kept(token: str) -> Path | None:
    if not _TOKEN.match(token) or session.get(SESSION_KEY) != token:
        return None
    path = _folder() / f"{token}.xlsx"
    return path if path.is_file() else None


def _page(status: int = 200, **context):  # type: ignore[no-untyped-def]
    return render_template("admin/import.html", **context), status


@bp.get("/import")
@admins_only
def import_page():  # type: ignore[no-untyped-def]
    return _page()


@bp.post("/import")
@admins_only
def import_preview():  # type: ignore[no-untyped-def]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(400, error=_("请选择要导入的 Excel 文件（.xlsx）。"))
    if not upload.filename.lower().endswith(".xlsx"):
        return _page(400, error=_("只能导入 .xlsx 文件（Excel 2007 及以后的格式）；.xls 或 .csv 请先用 Excel 另存为 .xlsx。"))
    data = upload.read()
    try:
        report = import_org(db.session, current_user, read_org_workbook(data), clock.now(), dry_run=True)
    except InvalidWorkbook as exc:
        db.session.rollback()
        return _page(422, problems=exc.problems, filename=upload.filename)
    if not report.total:
        return _page(filename=upload.filename, unchanged=True, report=report)
    return render_template("admin/import_preview.html", report=report, filename=upload.filename,
                           token=_keep(data))


@bp.post("/import/confirm")
@admins_only
def import_confirm():  # type: ignore[no-untyped-def]
    path = _kept(request.form.get("token", ""))
    if path is None:
        return _page(409, error=_("预览已过期或已经导入过，请重新上传文件。"))
    try:
        report = import_org(db.session, current_user, read_org_workbook(path.read_bytes()), clock.now(),
                            dry_run=False)
    except InvalidWorkbook as exc:  # the school changed since the preview
        db.session.rollback()
        return _page(422, problems=exc.problems)
    finally:
        path.unlink(missing_ok=True)
        session.pop(SESSION_KEY, None)
    response = Response(render_template("admin/import_done.html", report=report))
    response.headers["Cache-Control"] = "no-store"  # the one-time passwords are shown once
    return response


def _download(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/import/template.xlsx")
@readers_only
def import_template():  # type: ignore[no-untyped-def]
    return _download(template_workbook(), "org-template.xlsx")


@bp.get("/export/org.xlsx")
@readers_only
def export_org_xlsx():  # type: ignore[no-untyped-def]
    return _download(write_workbook(export_org(db.session)), f"org-{clock.now():%Y%m%d}.xlsx")
