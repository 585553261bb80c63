"""One process in the studio: its versions, a readable diff, and moving running cycles to a newer version."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from engine import (
    Person,
    ProcessDefinition,
    ProcessInstance,
    diff_versions,
    get_draft,
    get_version,
    migrate_cycles,
    migration_blockers,
    versions,
)

from .. import clock
from ..extensions import db
from ..views_helpers import number
from . import bp

MAX_CHECKED = 200  # cycles whose migration is checked on the page (each check loads a workflow)


@bp.get("/processes/<process_id>")
def process(process_id: str):  # type: ignore[no-untyped-def]
    listed = versions(db.session, process_id)
    newest = listed[0][0]
    numbers = [d.version for d, _n in listed]
    old_v = number(request.args, "from") or (numbers[1] if len(numbers) > 1 else newest.version)
    new_v = number(request.args, "to") or newest.version
    diff = diff_versions(get_version(db.session, process_id, old_v), get_version(db.session, process_id, new_v))
    running = list(db.session.scalars(
        select(ProcessInstance).join(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessInstance.status == "running",
               ProcessDefinition.version < newest.version).order_by(ProcessInstance.id).limit(MAX_CHECKED)))
    blockers = {i.id: migration_blockers(db.session, i, newest) for i in running}
    return render_template("studio/process.html", listed=listed, newest=newest, diff=diff, old_v=old_v,
                           new_v=new_v, running=running, blockers=blockers,
                           draft=get_draft(db.session, process_id), names=_names([d for d, _n in listed]))


def _names(definitions: list[ProcessDefinition]) -> dict[int, str]:
    ids = {d.deployed_by_id for d in definitions if d.deployed_by_id}
    return {p.id: p.name for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}


@bp.post("/processes/<process_id>/migrate")
def migrate(process_id: str):  # type: ignore[no-untyped-def]
    target = get_version(db.session, process_id, number(request.form, "version") or 0)
    chosen = [int(v) for v in request.form.getlist("instance") if v.isdigit()]
    result = migrate_cycles(db.session, current_user, chosen, target.id, clock.now())
    if result.migrated:
        flash(_("已迁移到第 %(v)s 版：%(ids)s", v=target.version,
                ids="、".join(f"#{i}" for i in result.migrated)), "success")
    for instance_id, reason in result.refused.items():
        flash(_("周期 #%(id)s 未迁移：%(reason)s", id=instance_id, reason=reason), "error")
    return redirect(url_for("studio.process", process_id=process_id))
