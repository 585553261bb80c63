"""A cycle's page: the 8-shaped spiral with its stage lit, the open tasks, the timeline."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.access import can_view_instance, is_quality_office, is_school_leader
from engine.cycles import get_instance, timeline
from engine.definitions import loaded_for
from engine.errors import NotAllowed
from engine.queries import instance_tasks, instances
from engine.stages import SMALL_LOOP

from ..extensions import db
from ..views_helpers import stage_label
from .spiral_svg import render_spiral_svg

bp = Blueprint("cycles", __name__)


@bp.get("/cycles")
@login_required
def index():  # type: ignore[no-untyped-def]
    rows = instances(db.session)
    if not _may_see_all():
        rows = [i for i in rows if can_view_instance(db.session, current_user, i)]
    return render_template("cycles/index.html", instances=rows)


def _may_see_all() -> bool:
    return is_quality_office(db.session, current_user) or is_school_leader(db.session, current_user)


@bp.get("/cycles/<int:instance_id>")
@login_required
def show(instance_id: int):  # type: ignore[no-untyped-def]
    instance = get_instance(db.session, instance_id)
    if not can_view_instance(db.session, current_user, instance):
        raise NotAllowed(_("您无权查看该诊改周期。"))
    meta = loaded_for(instance.definition).meta
    vocabulary = meta.get("vocabulary", [])
    small_codes = {code for code, _label in SMALL_LOOP}
    big = [(s["code"], stage_label(s["code"], vocabulary)) for s in meta.get("stages", [])
           if s["code"] not in small_codes or s["code"] == "improve"]
    small = [(code, stage_label(code, vocabulary)) for code, _label in SMALL_LOOP]
    svg = render_spiral_svg(big, current={instance.current_stage} if instance.current_stage else set(),
                            done=set(instance.stages_done or []), small_loop=small,
                            title=f"{instance.subject.name} · {instance.definition.name}")
    return render_template("cycles/show.html", instance=instance, svg=svg, tasks=instance_tasks(db.session, instance),
                           events=timeline(db.session, instance), vocabulary=vocabulary)
