"""/admin/holdings: who holds which role where, from when to when; add, change dates, end or remove a
holding after a preview of the open tasks the change would move."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from engine import (
    HoldingChange,
    InvalidInput,
    Person,
    find_holdings,
    find_person,
    get_holding,
    preview_holding_change,
    role_list,
    save_holding_change,
    unit_choices,
)

from .. import clock
from ..extensions import db
from ..views_helpers import number
from . import bp
from .access import admins_only, readers_only
from .helpers import checked, form_date, form_id, kept_query, page_number


@bp.get("/holdings")
@readers_only
def holdings():  # type: ignore[no-untyped-def]
    args = request.args
    found = find_holdings(db.session, number(args, "role"), number(args, "unit"), args.get("q", ""),
                          args.get("when", ""), clock.now().date(), page_number())
    return render_template("admin/holdings.html", found=found, query=kept_query(),
                           roles=[role for role, _count in role_list(db.session)], units=unit_choices(db.session),
                           today=clock.now().date())


@bp.get("/holdings/<int:holding_id>")
@readers_only
def holding(holding_id: int):  # type: ignore[no-untyped-def]
    return render_template("admin/holding.html", holding=get_holding(db.session, holding_id),
                           yesterday=clock.now().date() - timedelta(days=1))


def _change() -> HoldingChange:
    """The change the posted form asks for (a new holding names its person by 工号)."""
    form = request.form
    person_id = form_id("person_id")
    username = form.get("username", "").strip()
    if form.get("action") == "add" and person_id is None:
        person = find_person(db.session, username) if username else None
        if person is None:
            raise InvalidInput(_("找不到工号为“%(u)s”的人员。", u=username) if username else _("请填写人员的工号。"),
                               {"username": _("请填写人员的工号。")})
        person_id = person.id
    return HoldingChange(action=form.get("action", ""), holding_id=form_id("holding_id"), person_id=person_id,
                         role_id=form_id("role_id"), unit_id=form_id("unit_id"), starts_on=form_date("starts_on"),
                         ends_on=form_date("ends_on"))


@bp.post("/holdings/preview")
@admins_only
def holding_preview():  # type: ignore[no-untyped-def]
    change = _change()
    done, moves = preview_holding_change(db.session, current_user, change, clock.now())
    ids = {pid for move in moves for pid in (*move.from_ids, *move.to_ids)}
    names = dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()) if ids else {}
    return render_template("admin/holding_preview.html", change=change, done=done, moves=moves, names=names)


@bp.post("/holdings/apply")
@admins_only
def holding_apply():  # type: ignore[no-untyped-def]
    row, moved = save_holding_change(db.session, current_user, _change(), checked("move_tasks"), clock.now())
    flash(_("任职已保存。") + (_("已改派 %(n)s 项任务。", n=moved) if moved else ""), "success")
    if row is not None:
        return redirect(url_for("admin.holding", holding_id=row.id))
    return redirect(url_for("admin.holdings"))
