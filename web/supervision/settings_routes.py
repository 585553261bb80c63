"""Deadline settings beside the workspace: escalation ladders and the school's working calendar."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from engine import (
    DEFAULT_LADDER,
    WHEN_KEYS,
    InvalidInput,
    NotAllowed,
    Role,
    SpiralError,
    add_closure,
    add_school_workday,
    closures,
    get_ladder,
    is_quality_office,
    ladders,
    remove_closure,
    remove_school_workday,
    same_when,
    save_ladder,
    school_workdays,
    special_days,
    when_code,
    when_parts,
    year_source,
)

from .. import clock
from ..errors import error_text
from ..extensions import db
from ..views_helpers import number
from . import bp
from .routes import _error_text, _may_enter

RUNG_FIELDS = ("key", "label", "colour", "when", "value", "notify", "supervisor", "notice", "takeover")


def _office_only() -> None:
    if not is_quality_office(db.session, current_user):
        raise NotAllowed(_("只有管理员和质量管理办公室可以修改这里的设置。"))


@bp.get("/ladders", endpoint="ladders")
@login_required
def ladders_page():  # type: ignore[no-untyped-def]
    _may_enter()
    names = {"owner": _("办理人"), "unit_head": _("单位负责人")}
    for role in db.session.scalars(select(Role)):
        names[role.code] = names[role.name] = role.name
    return render_template("supervision/ladders.html", ladders=ladders(db.session), default=DEFAULT_LADDER,
                           may_edit=is_quality_office(db.session, current_user), names=names, when_parts=when_parts)


def _rungs_from_form() -> list[dict[str, Any]]:
    rungs = []
    count = number(request.form, "rows", 0, high=200) or 0
    for i in range(min(count, 20)):
        row = {f: request.form.get(f"{f}-{i}", "").strip() for f in RUNG_FIELDS}
        if not row["key"] and not row["label"]:
            continue
        notify = request.form.getlist(f"notify-{i}")  # the checkboxes, in the order the page lists them
        rung: dict[str, Any] = {"key": row["key"], "label": row["label"], "colour": row["colour"],
                                "notify": [t.strip() for t in ",".join(notify).replace("，", ",").split(",") if t.strip()],
                                "supervisor": row["supervisor"], "notice": row["notice"]}
        if row["when"] in WHEN_KEYS:
            rung[row["when"]] = _when_value(i, row["when"], row["value"])
        if row["takeover"]:
            rung["takeover"] = row["takeover"]
        if request.form.get(f"negative-{i}"):
            rung["negative_list"] = True
        rungs.append(rung)
    return rungs


def _when_value(i: int, when: str, raw: str) -> Any:
    """The stored trigger of row i: the code typed under "高级" when it was changed there, else the number and unit
    turned into a code; unchanged, the stored value itself (so that saving an unchanged ladder keeps it)."""
    shown, original = request.form.get(f"code-{i}", ""), request.form.get(f"orig-{i}", "")
    stored = json.loads(original) if original else {}
    if raw != shown:
        return raw
    value = when_code(when, request.form.get(f"amount-{i}", ""), request.form.get(f"unit-{i}", ""))
    if value == "" and not request.form.get(f"amount-{i}", "").strip() and shown and when in stored:
        return stored[when]  # a code the editor cannot show as a number: kept as it was
    if when in stored and same_when(when, stored[when], value):
        return stored[when]
    return value


@bp.route("/ladders/edit", methods=["GET", "POST"])
@login_required
def edit_ladder():  # type: ignore[no-untyped-def]
    _office_only()
    name = request.values.get("name", "")
    ladder = get_ladder(db.session, name) if name and request.method == "GET" else None
    values = {"name": name, "label": ladder.label if ladder else "", "description": ladder.description if ladder else "",
              "rungs": ladder.rungs if ladder else []}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {"name": name, "label": request.form.get("label", ""),
                  "description": request.form.get("description", ""), "rungs": _rungs_from_form()}
        try:
            save_ladder(db.session, current_user, values["name"], values["label"], values["description"],
                        values["rungs"], clock.now())
            flash(_("督办阶梯已保存；新派发的任务按新阶梯计算。"), "success")
            return redirect(url_for("supervision.ladders"))
        except InvalidInput as exc:
            db.session.rollback()
            errors = exc.errors
            flash(error_text(exc), "error")
    roles = list(db.session.scalars(select(Role).order_by(Role.id)))
    return render_template("supervision/ladder_edit.html", values=values, errors=errors, roles=roles,
                           when_parts=when_parts, target_names={"owner": _("办理人"), "unit_head": _("所在单位负责人"),
                                                                **{r.code: r.name for r in roles}},
                           is_new=ladder is None and request.method == "GET"), 422 if errors else 200


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar():  # type: ignore[no-untyped-def]
    _may_enter()
    now = clock.now()
    if request.method == "POST":
        _office_only()
        try:
            if request.form.get("remove"):
                remove_closure(db.session, current_user, number(request.form, "remove") or 0, now)
                flash(_("已取消该停课日。"), "success")
            elif request.form.get("remove_workday"):
                remove_school_workday(db.session, current_user, number(request.form, "remove_workday") or 0, now)
                flash(_("已取消该调休上班日。"), "success")
            elif request.form.get("workday"):
                day = _day(request.form.get("workday"))
                if day is None:
                    raise InvalidInput(_("请选择日期。"), {"workday": [_("请选择日期。")]})
                add_school_workday(db.session, current_user, day, request.form.get("reason", ""), now)
                flash(_("已设置调休上班日；之后派发的任务计算期限时会把这一天算作工作日。"), "success")
            else:
                first, last = _day(request.form.get("first")), _day(request.form.get("last") or request.form.get("first"))
                if first is None or last is None:
                    raise InvalidInput(_("请选择日期。"), {"first": [_("请选择日期。")]})
                added = add_closure(db.session, current_user, first, last, request.form.get("reason", ""), now)
                flash(_("已设置 %(n)d 个停课日；之后派发的任务计算期限时会跳过这些日子。", n=len(added)), "success")
        except SpiralError as exc:
            db.session.rollback()
            flash(_error_text(exc), "error")
        return redirect(url_for("supervision.calendar"))
    year = number(request.args, "year", now.year, low=2000, high=2100)
    return render_template("supervision/calendar.html", closures=closures(db.session), year=year,
                           workdays=school_workdays(db.session),
                           special=[(d.day, "makeup" if d.kind == "workday" else "holiday") for d in special_days(db.session, year)],
                           unknown=year_source(db.session, year) == "unknown", may_edit=is_quality_office(db.session, current_user))


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
