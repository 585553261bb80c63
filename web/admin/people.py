"""/admin/people: search, add (one-time password shown once), edit, deactivate (then reassign their open
tasks), reactivate, reset a password; a person's holdings and audit events."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine import (
    PERSON_KINDS,
    InvalidInput,
    add_person,
    deactivate_person,
    edit_person,
    eligible_people,
    find_people,
    get_person,
    open_tasks_of,
    person_events,
    person_holdings,
    reactivate_person,
    reassign_tasks,
    reset_password,
    unit_choices,
)

from .. import clock
from ..extensions import db
from ..views_helpers import number
from . import bp
from .access import admins_only, readers_only
from .helpers import form_id, kept_query, page_number, secret_page


@bp.get("/people")
@readers_only
def people():  # type: ignore[no-untyped-def]
    args = request.args
    found = find_people(db.session, args.get("q", ""), number(args, "unit"), args.get("status", ""),
                        page_number(), args.get("sort", "username"))
    return render_template("admin/people.html", found=found, query=kept_query(), units=unit_choices(db.session),
                           kinds=PERSON_KINDS)


@bp.get("/people/new")
@admins_only
def person_new():  # type: ignore[no-untyped-def]
    return render_template("admin/person_form.html", person=None, units=unit_choices(db.session),
                           kinds=PERSON_KINDS)


@bp.post("/people")
@admins_only
def person_add():  # type: ignore[no-untyped-def]
    form = request.form
    person, password = add_person(db.session, current_user, form.get("username", ""), form.get("name", ""),
                                  form_id("unit_id"), form.get("kind", ""), form.get("email", ""),
                                  form.get("phone", ""), clock.now())
    return secret_page("admin/password_shown.html", person=person, password=password, new=True)


@bp.get("/people/<int:person_id>")
@readers_only
def person(person_id: int):  # type: ignore[no-untyped-def]
    found = get_person(db.session, person_id)
    tasks = open_tasks_of(db.session, found.id)
    choices = {task.id: eligible_people(db.session, task, leaving=found.id) for task in tasks} \
        if not found.active else {}
    return render_template("admin/person.html", person=found, holdings=person_holdings(db.session, found.id),
                           events=person_events(db.session, found.id), tasks=tasks, choices=choices,
                           today=clock.now().date())


@bp.get("/people/<int:person_id>/edit")
@admins_only
def person_edit_page(person_id: int):  # type: ignore[no-untyped-def]
    return render_template("admin/person_form.html", person=get_person(db.session, person_id),
                           units=unit_choices(db.session), kinds=PERSON_KINDS)


@bp.post("/people/<int:person_id>/edit")
@admins_only
def person_edit(person_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    edit_person(db.session, current_user, person_id, form.get("name", ""), form_id("unit_id"),
                form.get("kind", ""), form.get("email", ""), form.get("phone", ""), clock.now())
    flash(_("人员信息已保存。"), "success")
    return redirect(url_for("admin.person", person_id=person_id))


@bp.post("/people/<int:person_id>/deactivate")
@admins_only
def person_deactivate(person_id: int):  # type: ignore[no-untyped-def]
    found = deactivate_person(db.session, current_user, person_id, clock.now())
    left = len(open_tasks_of(db.session, found.id))
    flash(_("%(name)s的账号已停用，已登录的会话全部失效。", name=found.name)
          + (_("其名下还有 %(n)s 项待办，请在下方改派。", n=left) if left else ""), "success")
    return redirect(url_for("admin.person", person_id=person_id))


@bp.post("/people/<int:person_id>/reactivate")
@admins_only
def person_reactivate(person_id: int):  # type: ignore[no-untyped-def]
    found = reactivate_person(db.session, current_user, person_id, clock.now())
    flash(_("%(name)s的账号已恢复。", name=found.name), "success")
    return redirect(url_for("admin.person", person_id=person_id))


@bp.post("/people/<int:person_id>/password")
@admins_only
def person_password(person_id: int):  # type: ignore[no-untyped-def]
    found, password = reset_password(db.session, current_user, person_id, clock.now())
    return secret_page("admin/password_shown.html", person=found, password=password, new=False)


@bp.post("/people/<int:person_id>/tasks")
@admins_only
def person_tasks(person_id: int):  # type: ignore[no-untyped-def]
    found = get_person(db.session, person_id)
    assignments = {}
    for task in open_tasks_of(db.session, found.id):
        chosen = number(request.form, f"to_{task.id}")
        if chosen:
            assignments[task.id] = chosen
    if not assignments:
        raise InvalidInput(_("请至少为一项任务选择新的办理人。"))
    moved = reassign_tasks(db.session, current_user, assignments,
                           request.form.get("reason", "") or _("%(name)s已停用", name=found.name), clock.now())
    flash(_("已改派 %(n)s 项任务。", n=moved), "success")
    return redirect(url_for("admin.person", person_id=person_id))
