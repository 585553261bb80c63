"""Claiming and completing tasks, and commenting on them: the staff's use cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Select, bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

import engine.audit as audit
from engine.bus import publish
from engine.db.prepared import Prepared
from engine.db.session import rowcount
from engine.definitions.specs import get_form, loaded_for
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound, ScriptError
from engine.org.models import Person
from forms import FormDef, check_upload, validate_submission

from . import task_state
from .access import can_view_instance, ensure_may_act, is_candidate
from .events import TaskClaimed, TaskCompleting
from .inbox import NextStep, next_steps
from .mirror import sync_tasks
from .models import Comment, Evidence, HumanTask, ProcessInstance
from .runtime import json_size, runtime_of
from .uploads import content_type_for, fit_bytes, upload_store


@dataclass
class Upload:
    """A file a person attached to a filepicker field."""

    field: str
    filename: str
    content_type: str
    data: bytes


def _task_statement(with_cycle: bool, state: bool) -> Select[HumanTask]:
    query = select(HumanTask).where(HumanTask.id == bindparam("id"))
    if not with_cycle:
        return query
    cycle = joinedload(HumanTask.instance)
    return query.options((cycle if state else cycle.defer(ProcessInstance.state)).joinedload(
        ProcessInstance.definition), joinedload(HumanTask.instance).joinedload(ProcessInstance.subject))


# built once: the page and the completion read a task on every request (a prebuilt select costs half of
# session.get with the same options, which builds its statement and cache key again each time)
_GET_TASK = {(cycle, state): _task_statement(cycle, state) for cycle in (False, True) for state in (False, True)}


def get_task(session: Session, task_id: int, with_cycle: bool = False, state: bool = True) -> HumanTask:
    """The task with this id (`with_cycle`: its cycle, definition and subject in the same query; `state=False`:
    without the cycle's saved workflow, read by `_saved_state` when needed); raises NotFound."""
    held = _held(session, task_id, with_cycle, state)
    if held is not None:  # the page read it already: what the query would give (it refreshes nothing)
        return held
    task = session.execute(_GET_TASK[with_cycle, state], {"id": task_id}).scalar_one_or_none()
    if task is None:
        raise NotFound(code="task.not_found", params={"id": task_id})
    return task


def _held(session: Session, task_id: int, with_cycle: bool, state: bool) -> HumanTask | None:
    """The task as the session holds it, loaded (with what `with_cycle` and `state` ask for), or None."""
    task = session.identity_map.get(identity_key(HumanTask, task_id))
    if not isinstance(task, HumanTask) or inspect(task).expired:
        return None
    if not with_cycle:
        return task
    instance = task.__dict__.get("instance")
    if instance is None or inspect(instance).expired or not {"definition", "subject"} <= instance.__dict__.keys():
        return None
    return None if state and "state" not in instance.__dict__ else task


_STATE = Prepared(select(ProcessInstance.__table__.c.state).where(ProcessInstance.__table__.c.id == bindparam("id")))


def _saved_state(session: Session, instance: ProcessInstance) -> dict[str, Any]:
    """The cycle's saved workflow: read now if the row was loaded without it (one plain statement)."""
    if "state" in inspect(instance).unloaded:
        set_committed_value(instance, "state", _STATE.run(session, {"id": instance.id}).scalar())
    return instance.state


def task_context(session: Session, task: HumanTask) -> dict[str, Any]:
    """The data an open task sees (what earlier steps wrote); a finished task's own submitted data."""
    if task.status != "open":
        return dict(task.data or {})
    runtime, instance = runtime_of(session), task.instance
    workflow = runtime.kept.take(instance.id, instance.version, instance.definition_id) or \
        runtime.load(loaded_for(session, instance.definition), _saved_state(session, instance))
    spiff_task = runtime.find_task(workflow, task.spiff_task_id)
    found = dict(spiff_task.data) if spiff_task is not None else {}
    runtime.kept.keep(instance.id, instance.version, instance.definition_id, workflow)  # read, not changed
    return found


def _refuse_finished(task: HumanTask) -> None:
    if task.status == "done":
        when = task.completed_at.strftime("%Y-%m-%d %H:%M") if task.completed_at else ""
        if task.completed_by:
            raise Conflict(code="task.already_done", params={"who": task.completed_by.name, "when": when})
        raise Conflict(code="task.already_done_by_system", params={"when": when})
    if task.status != "open":
        raise Conflict(code="task.cancelled")


def claim_task(session: Session, actor: Person, task_id: int, now: datetime) -> HumanTask:
    """Claim a task offered to the actor's role; raises Conflict if someone claimed it first."""
    task = get_task(session, task_id)
    _refuse_finished(task)
    if not ensure_may_act(session, actor, task, refusal="task.not_candidate"):
        return task  # already theirs
    _claim(session, actor, task, now)
    session.commit()
    return task


def _try_claim(session: Session, actor: Person, task: HumanTask, now: datetime) -> bool:
    """Take an unassigned open task with a conditional UPDATE (and audit it); False if someone was first."""
    result = session.execute(update(HumanTask).where(HumanTask.id == task.id, HumanTask.assignee_id.is_(None),
                                                     HumanTask.status == "open")
                             .values(assignee_id=actor.id).execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        return False
    session.refresh(task)
    audit.record(session, actor, "task.claimed", now, instance=task.instance, task=task,
                 summary=f"{actor.name}认领了任务“{task.title}”")
    publish(session, TaskClaimed(task, now))
    return True


def _claim(session: Session, actor: Person, task: HumanTask, now: datetime) -> None:
    if not _try_claim(session, actor, task, now):
        session.rollback()
        session.refresh(task)
        _refuse_finished(task)
        if task.assignee:
            raise Conflict(code="task.claimed_by", params={"who": task.assignee.name})
        raise Conflict(code="task.claimed_by_other")


@dataclass
class ClaimResult:
    """What a multi-claim did: the tasks now the actor's, and why each other one was not."""

    claimed: list[HumanTask] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def claim_tasks(session: Session, actor: Person, task_ids: list[int], now: datetime) -> ClaimResult:
    """Claim several offered tasks at once; the ones someone else got first are reported, not raised; commits."""
    result = ClaimResult()
    for task_id in dict.fromkeys(task_ids):
        task = session.get(HumanTask, task_id)
        if task is None or not is_candidate(session, actor, task):
            result.refused.append((task_id, f"任务 #{task_id} 不是派给您认领的任务"))
        elif task.assignee_id == actor.id and task.status == "open":
            result.claimed.append(task)
        elif not _try_claim(session, actor, task, now):
            session.refresh(task)
            who = task.assignee.name if task.assignee else "他人"
            result.refused.append((task_id, f"“{task.title}”已由{who}认领" if task.status == "open"
                                   else f"“{task.title}”已办结或取消"))
        else:
            result.claimed.append(task)
    session.commit()
    return result


@dataclass(frozen=True)
class Submitted:
    """A task completed from its page, and who has its cycle's next steps now (what the page tells the submitter)."""

    task: HumanTask
    next_steps: list[NextStep]


def complete_task(session: Session, actor: Person, task_id: int, data: dict[str, Any], now: datetime,
                  uploads: list[Upload] | None = None, locale: str = "zh_CN") -> HumanTask:
    """Validate the form, store evidence, complete the task, advance the cycle and commit.

    A candidate claims the task first. Raises NotFound, NotAllowed, Conflict (done by someone else),
    InvalidInput (per-field errors; nothing changed), ScriptError (the cycle records an incident).
    """
    return _complete(session, actor, task_id, data, now, uploads or [], locale, report=False).task


def submit_task(session: Session, actor: Person, task_id: int, data: dict[str, Any], now: datetime,
                uploads: list[Upload] | None = None, locale: str = "zh_CN") -> Submitted:
    """complete_task, and the cycle's next steps read in the same transaction before its commit (the page asks;
    after the commit they would cost a transaction of their own). Raises what complete_task raises."""
    return _complete(session, actor, task_id, data, now, uploads or [], locale, report=True)


def _complete(session: Session, actor: Person, task_id: int, data: dict[str, Any], now: datetime,
              uploads: list[Upload], locale: str, report: bool) -> Submitted:
    task = get_task(session, task_id, with_cycle=True, state=False)
    _refuse_finished(task)
    must_claim = ensure_may_act(session, actor, task)
    instance = task.instance
    loaded = loaded_for(session, instance.definition)
    runtime = runtime_of(session)
    kept = runtime.kept.take(instance.id, instance.version, instance.definition_id)
    workflow = kept or runtime.load(loaded, _saved_state(session, instance))
    spiff_task = runtime.find_task(workflow, task.spiff_task_id)
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict(code="task.not_ready")
    form = get_form(session, task.form_id) if task.form_id else None
    try:
        clean = _validated(session, form, data, uploads or [], locale, earlier=spiff_task.data)
    except InvalidInput:  # the page shows the form again from the same workflow, untouched
        runtime.kept.keep(instance.id, instance.version, instance.definition_id, workflow)
        raise
    written: list[Path] = []
    audit.hold(session)  # the step's audit events are written together, before the commit (or dropped)
    try:
        if must_claim:
            _claim(session, actor, task, now)
        clean.update(_store_uploads(session, actor, task, uploads or [], now, clean, written))
        publish(session, TaskCompleting(task, instance, actor, clean, form, now,
                                        context=dict(spiff_task.data)))
        try:
            runtime.complete(workflow, spiff_task, clean, now)
            state = runtime.dump(workflow)
        except ScriptError as exc:
            _discard(session, written)
            _record_incident(session, actor, task, exc, now)
            raise
        with session.no_autoflush:  # the step's rows are written together at its end (task_state.open_tasks)
            task_state.complete(session, task, actor, now, clean)
            instance.state = state
            sync_tasks(session, instance, workflow, loaded.meta, actor, now)
        audit.write_held(session)
        following = next_steps(session, instance.id) if report else []
        session.commit()
        runtime.kept.keep(instance.id, instance.version, instance.definition_id, workflow, state)
    except StaleDataError as exc:
        _discard(session, written)
        session.refresh(task)
        _refuse_finished(task)
        raise Conflict(code="cycle.stale") from exc
    except Exception:
        _discard(session, written)
        raise
    finally:
        audit.drop_held(session)  # whatever ended the step (written already when it committed)
    return Submitted(task, following)


def _validated(session: Session, form: FormDef | None, data: dict[str, Any], uploads: list[Upload], locale: str,
               earlier: dict[str, Any]) -> dict[str, Any]:
    if form is None:
        return {}
    data = dict(data)
    for key in form.file_fields:  # files attached in an earlier round (a returned task) stay attached
        if earlier.get(key) and not data.get(key):
            data[key] = earlier[key]
    errors: dict[str, str] = {}
    limit = upload_store(session).max_mb
    for upload in uploads:
        problem = check_upload(form, upload.field, upload.filename, len(upload.data), upload.content_type,
                               default_max_mb=limit, locale=locale)
        if problem:
            errors.setdefault(upload.field, problem)
    provided = dict(data)
    for upload in uploads:  # a required filepicker is satisfied by a file uploaded with this submission
        provided.setdefault(upload.field, [])
        provided[upload.field] = list(provided[upload.field]) + [
            {"evidence_id": 0, "filename": upload.filename, "size": len(upload.data),
             "content_type": upload.content_type}]
    limit_mb = runtime_of(session).store.value_mb
    for key, value in data.items():  # measured before validation, which would have to read it all
        if json_size(value) > limit_mb * 1024 * 1024:
            errors[key] = f"内容过大（{json_size(value) / 1024 / 1024:.1f} MB），每项不超过 {limit_mb:g} MB，请精简后再提交"
    if errors:
        raise InvalidInput(errors=errors, code="task.form_errors")
    clean, field_errors = validate_submission(form, provided, locale)
    errors = {**field_errors, **errors}
    if errors:
        raise InvalidInput(errors=errors, code="task.form_errors")
    for upload_field in {u.field for u in uploads}:
        clean[upload_field] = [ref for ref in clean.get(upload_field, []) if ref.get("evidence_id")]
    return clean


def _discard(session: Session, written: list[Path]) -> None:
    """Roll back and remove the files this attempt wrote (nothing half-done stays behind), unless a completion
    that committed meanwhile stored the same file under the same name."""
    audit.drop_held(session)
    session.rollback()
    for path in written:
        if session.scalar(select(Evidence.id).where(Evidence.stored_path == str(path)).limit(1)) is None:
            path.unlink(missing_ok=True)


def _store_uploads(session: Session, actor: Person, task: HumanTask, uploads: list[Upload], now: datetime,
                   clean: dict[str, Any], written: list[Path]) -> dict[str, Any]:
    added: dict[str, list[dict[str, Any]]] = {}
    store = upload_store(session)
    for upload in uploads:
        path, digest, new = store.write(task.instance_id, upload.filename, upload.data)
        if new:
            written.append(path)
        row = {"task_id": task.id, "instance_id": task.instance_id, "field_key": upload.field,
               "filename": fit_bytes(upload.filename, 255), "content_type": content_type_for(upload.filename),
               "size": len(upload.data), "sha256": digest, "stored_path": str(path), "uploaded_by_id": actor.id,
               "uploaded_at": now}
        evidence_id = _ADD_EVIDENCE.run(session, row).scalar()  # no flush for its id
        audit.record(session, actor, "evidence.uploaded", now, instance=task.instance, task=task,
                     summary=f"上传佐证材料“{upload.filename}”", object_type="evidence", object_id=evidence_id)
        added.setdefault(upload.field, list(clean.get(upload.field, []))).append(
            {"evidence_id": evidence_id, "filename": row["filename"], "size": row["size"],
             "content_type": row["content_type"]})
    return added


_ADD_EVIDENCE = Prepared(insert(Evidence.__table__).returning(Evidence.__table__.c.id), by_columns=True)


def _record_incident(session: Session, actor: Person, task: HumanTask, exc: ScriptError, now: datetime) -> None:
    instance = task.instance
    instance.incident = exc.message
    audit.record(session, actor, "instance.incident", now, instance=instance, task=task, summary=exc.message)
    session.commit()


def task_comments(session: Session, task: HumanTask) -> list[Comment]:
    """A task's comments, oldest first, with their authors."""
    return list(session.scalars(select(Comment).where(Comment.task_id == task.id)
                                .options(selectinload(Comment.author)).order_by(Comment.id)))


def add_comment(session: Session, actor: Person, task_id: int, body: str, now: datetime) -> Comment:
    """Leave a comment on a task; raises InvalidInput when empty or too long."""
    task = get_task(session, task_id)
    if not can_view_instance(session, actor, task.instance):
        raise NotAllowed(code="task.no_view")
    body = body.strip()
    if not body or len(body) > 2000:
        raise InvalidInput("评论不能为空，且不超过 2000 字", {"body": "评论不能为空，且不超过 2000 字"})
    comment = Comment(task_id=task.id, author_id=actor.id, at=now, body=body)
    session.add(comment)
    session.flush()
    audit.record(session, actor, "task.commented", now, instance=task.instance, task=task,
                 summary=f"{actor.name}发表了评论", after={"body": body})
    session.commit()
    return comment


def get_evidence(session: Session, actor: Person, evidence_id: int) -> Evidence:
    """An evidence file the actor may see; raises NotFound or NotAllowed."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(code="evidence.not_found")
    instance = session.get(ProcessInstance, evidence.instance_id)
    if instance is None or not can_view_instance(session, actor, instance):
        raise NotAllowed(code="evidence.no_view")
    return evidence
