"""/admin/roles: the role catalogue; add a role, set its flags."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import add_role, role_list, set_role_flags

from .. import clock
from ..extensions import db
from . import bp
from .access import admins_only, readers_only
from .helpers import checked


@bp.get("/roles")
@readers_only
def roles():  # type: ignore[no-untyped-def]
    query = request.args.get("q", "")
    return render_template("admin/roles.html", rows=role_list(db.session, query), query=query)


@bp.post("/roles")
@admins_only
def role_add():  # type: ignore[no-untyped-def]
    form = request.form
    role = add_role(db.session, current_user, form.get("code", ""), form.get("name", ""), checked("heads_unit"),
                    checked("receives_unroutable"), clock.now())
    flash(_("已添加角色“%(name)s”。", name=role.name), "success")
    return redirect(url_for("admin.roles"))


@bp.post("/roles/<int:role_id>/flags")
@admins_only
def role_flags(role_id: int):  # type: ignore[no-untyped-def]
    role = set_role_flags(db.session, current_user, role_id, checked("heads_unit"), checked("receives_unroutable"),
                          clock.now())
    flash(_("角色“%(name)s”的类别已保存。", name=role.name), "success")
    return redirect(url_for("admin.roles"))
