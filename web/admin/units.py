"""/admin/units: the unit tree; add, rename, move, close and reopen units."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import (
    UNIT_KINDS,
    add_unit,
    close_blockers,
    close_unit,
    edit_unit,
    get_unit,
    move_unit,
    reopen_unit,
    unit_choices,
    unit_tree,
)

from .. import clock
from ..extensions import db
from . import bp
from .access import admins_only, readers_only
from .helpers import form_id


@bp.get("/units")
@readers_only
def units():  # type: ignore[no-untyped-def]
    query = request.args.get("q", "")
    return render_template("admin/units.html", rows=unit_tree(db.session, query), query=query,
                           kinds=UNIT_KINDS, parents=unit_choices(db.session))


@bp.post("/units")
@admins_only
def unit_add():  # type: ignore[no-untyped-def]
    form = request.form
    unit = add_unit(db.session, current_user, form.get("code", ""), form.get("name", ""), form.get("kind", ""),
                    form_id("parent_id"), form.get("aliases", ""), clock.now())
    flash(_("已添加单位“%(name)s”。", name=unit.name), "success")
    return redirect(url_for("admin.unit", unit_id=unit.id))


@bp.get("/units/<int:unit_id>")
@readers_only
def unit(unit_id: int):  # type: ignore[no-untyped-def]
    found = get_unit(db.session, unit_id)
    return render_template("admin/unit.html", unit=found, kinds=UNIT_KINDS, parents=unit_choices(db.session),
                           blockers=close_blockers(db.session, found) if found.active else [])


@bp.post("/units/<int:unit_id>/edit")
@admins_only
def unit_edit(unit_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    edit_unit(db.session, current_user, unit_id, form.get("name", ""), form.get("kind", ""),
              form.get("aliases", ""), clock.now())
    flash(_("单位信息已保存。"), "success")
    return redirect(url_for("admin.unit", unit_id=unit_id))


@bp.post("/units/<int:unit_id>/move")
@admins_only
def unit_move(unit_id: int):  # type: ignore[no-untyped-def]
    moved = move_unit(db.session, current_user, unit_id, form_id("parent_id"), clock.now())
    flash(_("“%(name)s”已移动。", name=moved.name), "success")
    return redirect(url_for("admin.unit", unit_id=unit_id))


@bp.post("/units/<int:unit_id>/close")
@admins_only
def unit_close(unit_id: int):  # type: ignore[no-untyped-def]
    closed = close_unit(db.session, current_user, unit_id, clock.now())
    flash(_("“%(name)s”已撤销。", name=closed.name), "success")
    return redirect(url_for("admin.unit", unit_id=unit_id))


@bp.post("/units/<int:unit_id>/reopen")
@admins_only
def unit_reopen(unit_id: int):  # type: ignore[no-untyped-def]
    opened = reopen_unit(db.session, current_user, unit_id, clock.now())
    flash(_("“%(name)s”已恢复。", name=opened.name), "success")
    return redirect(url_for("admin.unit", unit_id=unit_id))
