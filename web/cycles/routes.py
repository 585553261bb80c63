"""A cycle's page: the 8-shaped spiral with its stage lit, the open tasks, the timeline."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import (
    CYCLE_SORTS,
    DEFAULT_STAGES,
    EXPORT_MAX,
    LEVELS,
    SMALL_LOOP,
    CycleFilter,
    NotAllowed,
    can_view_instance,
    cancel_cycle,
    cycle_evidence,
    cycles_workbook,
    element_states,
    get_instance,
    improvements_of,
    instance_tasks,
    is_quality_office,
    latest_definitions,
    loaded_for,
    origin_of,
    retry_incident,
    school_name,
    share_of_cycle,
    small_loop_live,
    timeline,
    visible_cycles,
)

from .. import clock
from ..extensions import db
from ..views_helpers import number, stage_label, xlsx
from . import bp
from .spiral_svg import WORDS as SPIRAL_WORDS
from .spiral_svg import render_spiral_svg

PER_PAGE, MAX_PER_PAGE = 50, 200


def _wanted() -> CycleFilter:
    """The cycle list's filters as the query string gives them."""
    args = request.args
    return CycleFilter(level=args.get("level", ""), process_id=args.get("process_id", ""),
                         version=number(args, "version"), subject=args.get("subject", ""),
                         period=args.get("period", ""), stage=args.get("stage", ""),
                         status=args.get("status", ""), lateness=args.get("lateness", ""),
                       search=args.get("q", "").strip()[:100])


@bp.get("/cycles")
@login_required
def index():  # type: ignore[no-untyped-def]
    args = request.args
    wanted = _wanted()
    sort = args.get("sort", "created")
    sort = sort if sort in CYCLE_SORTS else "created"
    found = visible_cycles(db.session, current_user, wanted, clock.now(), page=number(args, "page", 1, low=1) or 1,
                           per_page=number(args, "per_page", PER_PAGE, low=1, high=MAX_PER_PAGE) or PER_PAGE,
                           sort=sort)
    return render_template("cycles/index.html", found=found, wanted=wanted, levels=LEVELS, sort=sort,
                           definitions=latest_definitions(db.session), stages=DEFAULT_STAGES,
                           query={k: v for k, v in args.items() if k != "page" and v})


@bp.get("/cycles.xlsx")
@login_required
def export():  # type: ignore[no-untyped-def]
    sort = request.args.get("sort", "created")
    found = visible_cycles(db.session, current_user, _wanted(), clock.now(), per_page=EXPORT_MAX,
                           sort=sort if sort in CYCLE_SORTS else "created")
    return xlsx(cycles_workbook(found.items, school_name(db.session)), f"cycles-{clock.now():%Y%m%d}.xlsx")


def cycle_status_labels() -> dict[str, str]:
    """The words for a cycle's status."""
    return {"running": _("进行中"), "completed": _("已完成"), "cancelled": _("已取消")}


def task_status_labels() -> dict[str, str]:
    """The words for a task's status."""
    return {"open": _("待办"), "done": _("已完成"), "cancelled": _("已取消")}


@bp.app_context_processor
def _words() -> dict[str, Any]:
    return {"cycle_status_labels": cycle_status_labels, "task_status_labels": task_status_labels}


@bp.get("/cycles/<int:instance_id>")
@login_required
def show(instance_id: int):  # type: ignore[no-untyped-def]
    instance = get_instance(db.session, instance_id)
    if not can_view_instance(db.session, current_user, instance):
        raise NotAllowed(_("您无权查看该诊改周期。"))
    meta = loaded_for(db.session, instance.definition).meta
    vocabulary = meta.get("vocabulary", [])
    small_codes = {code for code, _label in SMALL_LOOP}
    big = [(s["code"], stage_label(s["code"], vocabulary)) for s in meta.get("stages", [])
           if s["code"] not in small_codes or s["code"] == "improve"]
    small = [(code, stage_label(code, vocabulary)) for code, _label in SMALL_LOOP]
    svg = render_spiral_svg(big, current={instance.current_stage} if instance.current_stage else set(),
                            done=set(instance.stages_done or []), small_loop=small,
                            title=f"{instance.subject.name} · {instance.definition.name}",
                            small_live=small_loop_live(db.session, instance),
                            words={key: _(text) for key, text in SPIRAL_WORDS.items()})
    office = is_quality_office(db.session, current_user)
    return render_template("cycles/show.html", instance=instance, svg=svg, tasks=instance_tasks(db.session, instance),
                           events=timeline(db.session, instance), vocabulary=vocabulary, office=office,
                           plan_share=share_of_cycle(db.session, instance.id),
                           origin=origin_of(db.session, instance), improvements=improvements_of(db.session, instance),
                           evidence=cycle_evidence(db.session, instance.id),
                           diagram={"xml": instance.definition.xml, "states": element_states(db.session, instance)})


@bp.post("/cycles/<int:instance_id>/cancel")
@login_required
def cancel(instance_id: int):  # type: ignore[no-untyped-def]
    cancel_cycle(db.session, current_user, instance_id, request.form.get("reason", ""), clock.now())
    flash(_("周期已取消。"), "success")
    return redirect(url_for("cycles.show", instance_id=instance_id))


@bp.post("/cycles/<int:instance_id>/incident")
@login_required
def incident(instance_id: int):  # type: ignore[no-untyped-def]
    skip = request.form.get("action") == "skip"
    instance = retry_incident(db.session, current_user, instance_id, clock.now(), skip=skip)
    if instance.incident:
        flash(_("仍然失败：%(error)s", error=instance.incident), "error")
    else:
        flash(_("异常已处理，流程继续运行。"), "success")
    return redirect(url_for("cycles.show", instance_id=instance_id))
