"""The supervisors' workspace (督办): escalated items by colour, the notice, actions, rates, export."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from engine import (
    ACTIVE,
    GROUPS,
    STATUSES,
    InvalidInput,
    Listing,
    NotAllowed,
    Person,
    RoleHolding,
    SpiralError,
    Unit,
    can_supervise,
    find_role,
    notices_workbook,
    on_time_rates,
    periods,
    school_name,
)
from engine import notices as sv

from .. import clock
from ..errors import error_text, field_errors
from ..extensions import db
from ..views_helpers import number
from . import bp

COLOURS = ("red", "orange", "yellow")
PAGE_SIZE = 50


def _may_enter() -> None:
    if not sv.sees_notices(db.session, current_user):
        raise NotAllowed(_("督办工作台只对督导、校领导、质量管理办公室、督办人和单位负责人开放。"))


def _filter() -> sv.NoticeFilter:
    args = request.args
    colour = args.get("colour", "")
    status = args.get("status", "active")
    return sv.NoticeFilter(
        colour=colour if colour in COLOURS else "",
        status=status if status in STATUSES + ("active", "all") else "active",
        department_id=number(args, "department"), level=args.get("level", ""),
        min_age_days=number(args, "age", 0, high=3650) or 0, mine=args.get("mine") == "1",
        search=args.get("q", "").strip()[:100])


def _departments() -> list[Unit]:
    root = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))).first()
    if root is None:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.parent_id == root.id, Unit.kind != "committee")
                                   .order_by(Unit.id)))


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    _may_enter()
    flt = _filter()
    now = clock.now()
    total = sv.count_notices(db.session, current_user, flt, now)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(number(request.args, "page", 1, low=1) or 1, pages)
    sort = request.args.get("sort", "colour")
    sort = sort if sort in sv.NOTICE_SORTS else "colour"
    notices = sv.list_notices(db.session, current_user, flt, now, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                              sort=sort)
    return render_template("supervision/index.html", notices=notices, flt=flt, now=now, sort=sort,
                           found=Listing(notices, total, page, PAGE_SIZE),
                           query={k: v for k, v in request.args.items() if k != "page" and v},
                           counts=sv.colour_counts(db.session, current_user),
                           departments=_departments(), statuses=sv.STATUSES,
                           people=sv.reassign_choices(db.session, [n.task for n in notices]))


def _ids() -> list[int]:
    return [int(v) for v in request.form.getlist("notice") if v.isdigit()]


def _back(default: str) -> Any:
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/supervision") else default)


@bp.post("/bulk")
@login_required
def bulk():  # type: ignore[no-untyped-def]
    action = request.form.get("action", "")
    now = clock.now()
    try:
        if action == "remind":
            done = sv.remind(db.session, current_user, _ids(), request.form.get("note", ""), now)
            flash(_("已催办 %(n)d 张督办单。", n=done), "success")
        elif action == "reassign":
            done = sv.reassign(db.session, current_user, _ids(), (number(request.form, "person", 0) or 0),
                               request.form.get("reason", ""), now)
            flash(_("已改派 %(n)d 项任务。", n=done), "success")
        elif action == "close":
            done = sv.close(db.session, current_user, _ids(), request.form.get("conclusion", ""), now)
            flash(_("已办结 %(n)d 张督办单。", n=done), "success")
        else:
            flash(_("请选择要执行的操作。"), "error")
    except NotAllowed:
        db.session.rollback()
        raise  # a refusal is a 403 page, not a flash on the page the person may not see
    except SpiralError as exc:
        db.session.rollback()
        flash(_error_text(exc), "error")
    return _back(url_for("supervision.index"))


def _error_text(exc: SpiralError) -> str:
    details = [m for msgs in field_errors(exc).values() for m in msgs]
    return error_text(exc) + ("：" + "；".join(details) if details else "")


@bp.get("/notices/<int:notice_id>")
@login_required
def show(notice_id: int):  # type: ignore[no-untyped-def]
    notice = sv.get_notice(db.session, current_user, notice_id)
    role = find_role(db.session, notice.task.role_name.split("、")[0]) if notice.task.role_name else None
    holders = []
    if role is not None:
        holders = list(dict.fromkeys(db.session.scalars(
            select(Person).join(RoleHolding, RoleHolding.person_id == Person.id)
            .where(RoleHolding.role_id == role.id, Person.active.is_(True)).order_by(Person.id))))
    may_act = can_supervise(db.session, current_user) or notice.supervisor_id == current_user.id
    task = notice.task
    people = sv.reassign_choices(db.session, [task])
    holders = [p for p in holders if p in people]  # only whom a reassignment may reach
    return render_template("supervision/notice.html", notice=notice, holders=holders, people=people,
                           may_act=may_act, now=clock.now())


@bp.post("/notices/<int:notice_id>/<action>")
@login_required
def act(notice_id: int, action: str):  # type: ignore[no-untyped-def]
    form, now = request.form, clock.now()
    try:
        if action == "remind":
            sv.remind(db.session, current_user, [notice_id], form.get("note", ""), now)
            flash(_("已催办，办理人会收到提醒。"), "success")
        elif action == "reassign":
            sv.reassign(db.session, current_user, [notice_id], (number(form, "person", 0) or 0),
                        form.get("reason", ""), now)
            flash(_("已改派。"), "success")
        elif action == "extend":
            sv.extend(db.session, current_user, notice_id, _date(form.get("due")), form.get("reason", ""), now)
            flash(_("已延期，督办阶梯按新的截止日期重新计算。"), "success")
        elif action == "talk":
            sv.record_talk(db.session, current_user, notice_id, _date(form.get("talked_on")),
                           form.get("with_whom", ""), form.get("note", ""), now)
            flash(_("约谈记录已保存。"), "success")
        elif action == "close":
            sv.close(db.session, current_user, [notice_id], form.get("conclusion", ""), now)
            flash(_("督办单已办结。"), "success")
        else:
            raise InvalidInput(_("未知的操作。"))
    except NotAllowed:
        db.session.rollback()
        raise  # a refusal is a 403 page, not a flash on the page the person may not see
    except SpiralError as exc:
        db.session.rollback()
        flash(_error_text(exc), "error")
    return redirect(url_for("supervision.show", notice_id=notice_id))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/rates")
@login_required
def rates():  # type: ignore[no-untyped-def]
    _may_enter()
    period = request.args.get("period", "")
    now = clock.now()
    tables = {group: on_time_rates(db.session, group, now, period) for group in GROUPS}
    return render_template("supervision/rates.html", tables=tables, period=period,
                           periods=periods(db.session))


EXPORT_COLUMNS = [("number", "编号"), ("colour_label", "颜色"), ("kind", "督办单类型"), ("status_label", "状态"),
                  ("subject", "诊改对象"), ("task", "事项"), ("period", "周期"), ("department", "部门"),
                  ("responsible_unit", "责任单位"), ("responsible_name", "责任人"), ("supervisor_name", "督办人"),
                  ("issuing_unit", "发文单位"), ("issued_at", "发出时间"), ("deadline", "截止时间"),
                  ("days_late", "逾期天数"), ("reminders", "催办次数"), ("negative_list", "负面清单"), ("matter", "督办事项")]


@bp.get("/export.xlsx")
@login_required
def export():  # type: ignore[no-untyped-def]
    _may_enter()
    notices = sv.list_notices(db.session, current_user, _filter(), clock.now())
    colours = {"red": "红", "orange": "橙", "yellow": "黄"}
    statuses = status_labels()
    now = clock.now()
    rows = [{**sv.notice_to_dict(n), "issued_at": n.issued_at, "deadline": n.deadline,  # real dates in Excel
             "colour_label": colours.get(n.colour, n.colour),
             "status_label": statuses.get(n.status, n.status),
             "days_late": max(0, (now.date() - n.deadline.date()).days)  # days past due while still open
             if n.deadline and n.status in sv.ACTIVE else 0} for n in notices]
    data = notices_workbook(rows, EXPORT_COLUMNS, "督办清单", school_name(db.session))
    filename = f"supervision-{clock.now():%Y%m%d}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def status_labels() -> dict[str, str]:
    """The words for a notice's status."""
    return {"open": _("督办中"), "extended": _("已延期"), "escalated": _("已升级"), "completed": _("已完成待办结"),
            "closed": _("已办结")}


def action_labels() -> dict[str, str]:
    """The words for a notice's timeline entries."""
    return {"issue": _("发起督办"), "remind": _("催办"), "reassign": _("改派"), "extend": _("延期"),
            "talk": _("约谈"), "escalate": _("升级"), "complete": _("任务完成"), "close": _("办结")}


def colour_labels() -> dict[str, str]:
    """黄色/橙色/红色 in the current language."""
    return {"yellow": _("黄色"), "orange": _("橙色"), "red": _("红色"), "none": _("正常")}


@bp.app_context_processor
def _words() -> dict[str, Any]:
    return {"notice_status_labels": status_labels, "notice_action_labels": action_labels,
            "colour_labels": colour_labels, "active_notice_statuses": ACTIVE}
