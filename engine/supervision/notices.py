"""The supervisors' use cases (督办): list notices, remind, reassign, extend, record a talk, close."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.calendar.closures import load_calendar
from engine.calendar.deadlines import END_OF_DAY, MAX_AHEAD
from engine.db.prepared import Prepared
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.notify.notifications import notify_people
from engine.org.access import can_supervise, headed_units, heads_some_unit, is_quality_office
from engine.org.models import Person, Subject
from engine.org.routing import may_do_task, quality_office_ids
from engine.org.snapshot import snapshot
from engine.paging import holds
from engine.workflow import task_state
from engine.workflow.access import task_owner_ids
from engine.workflow.models import HumanTask, ProcessInstance

from .ladders import ladder_for, reschedule_after_extension
from .models import ACTIVE as ACTIVE  # re-exported: pages read the active statuses from here
from .models import STATUSES, NoticeAction, SupervisionNotice

_SETTLED = {"escalated": "已升级", "completed": "已完成", "closed": "已办结"}


def _still_active(notice: SupervisionNotice, doing: str) -> None:
    """An escalated, completed or closed notice is no longer the supervisor's to act on."""
    if notice.status not in ACTIVE:
        state = _SETTLED.get(notice.status, notice.status)
        raise Conflict(f"督办单 {notice.number} {state}，不能再{doing}；请在当前有效的督办单上操作")


ACTION_KINDS = ("issue", "remind", "reassign", "extend", "talk", "escalate", "complete", "close")


@dataclass
class NoticeFilter:
    """What the supervisors' list shows."""

    colour: str = ""
    status: str = "active"  # active (open + extended), one of STATUSES, or all
    department_id: int | None = None
    level: str = ""
    min_age_days: int = 0
    mine: bool = False
    search: str = ""  # the notice number, the task's title, the subject's name or code, or a person on it


def _visible(session: Session, actor: Person) -> Select[SupervisionNotice]:
    """Every notice for supervisors; else those naming the actor as supervisor and, for a unit head, those
    about their unit's work (a task of the units they head or below)."""
    query = select(SupervisionNotice)
    if not can_supervise(session, actor):
        mine = SupervisionNotice.supervisor_id == actor.id
        units = headed_units(session, actor)
        query = query.where(or_(mine, SupervisionNotice.responsible_unit_id.in_(units)) if units else mine)
    return query


def supervises_any(session: Session, person: Person) -> bool:
    """True when `person` is the supervisor named on at least one notice (a unit head, a vice-principal)."""
    return session.scalars(select(SupervisionNotice.id).where(SupervisionNotice.supervisor_id == person.id)
                           .limit(1)).first() is not None


def sees_notices(session: Session, person: Person) -> bool:
    """True when the 督办 workspace has something for `person`: a supervisor, a notice's supervisor, a unit head."""
    return can_supervise(session, person) or heads_some_unit(session, person) or supervises_any(session, person)


def _filtered(session: Session, actor: Person, flt: NoticeFilter, now: datetime) -> Select[SupervisionNotice]:
    query = _visible(session, actor)
    if flt.colour:
        query = query.where(SupervisionNotice.colour == flt.colour)
    if flt.status == "active":
        query = query.where(SupervisionNotice.status.in_(ACTIVE))
    elif flt.status in STATUSES:
        query = query.where(SupervisionNotice.status == flt.status)
    if flt.department_id:
        query = query.where(SupervisionNotice.department_id == flt.department_id)
    if flt.level:
        query = query.where(SupervisionNotice.level == flt.level)
    if flt.min_age_days:
        query = query.where(SupervisionNotice.issued_at <= now - timedelta(days=flt.min_age_days))
    if flt.mine:
        query = query.where(SupervisionNotice.supervisor_id == actor.id)
    if flt.search.strip():
        tasks = select(HumanTask.id).outerjoin(Person, Person.id == HumanTask.assignee_id) \
            .where(holds(flt.search, HumanTask.title, Person.name))
        subjects = select(ProcessInstance.id).join(Subject).where(holds(flt.search, Subject.name, Subject.code))
        people = select(Person.id).where(holds(flt.search, Person.name, Person.username))
        query = query.where(or_(holds(flt.search, SupervisionNotice.number), SupervisionNotice.task_id.in_(tasks),
                                SupervisionNotice.instance_id.in_(subjects),
                                SupervisionNotice.responsible_person_id.in_(people),
                                SupervisionNotice.supervisor_id.in_(people)))
    return query


NOTICE_SORTS = ("colour", "due", "created")  # red first (then the oldest), earliest deadline, newest issued


def reassign_choices(session: Session, tasks: list[HumanTask]) -> list[Person]:
    """Whom a reassignment of `tasks` may reach: the people who may do at least one of them (may_do_task: the
    role's holders around the task's unit, the quality office; never a student), by unit and id. Only the
    holders of the tasks' roles and the quality office are looked at, however many people the school has."""
    org = snapshot(session)
    holdings, roles = org.holdings(session), org.roles(session)
    kinds = {(task.role_name, task.scope_unit_id) for task in tasks}
    looked_at = set(quality_office_ids(session))
    for role_name, _scope in kinds:
        for name in filter(None, (part.strip() for part in role_name.split("、"))):
            role = roles.get(name)
            looked_at.update(holdings.by_role.get(role.id, []) if role else [])
    chosen = [person_id for person_id in sorted(looked_at)
              if any(may_do_task(session, role_name, scope, person_id) for role_name, scope in kinds)]
    if not chosen:
        return []
    return list(session.scalars(select(Person).where(Person.id.in_(chosen)).order_by(Person.unit_id, Person.id)))


def list_notices(session: Session, actor: Person, flt: NoticeFilter, now: datetime, limit: int | None = None,
                 offset: int = 0, sort: str = "colour") -> list[SupervisionNotice]:
    """Notices the actor may see, filtered, in the order `sort` names (NOTICE_SORTS: red first, then the oldest,
    by default); one page when `limit` is given."""
    rank = case({"red": 0, "orange": 1, "yellow": 2}, value=SupervisionNotice.colour, else_=3)
    order: tuple[Any, ...] = (rank, SupervisionNotice.issued_at, SupervisionNotice.id)
    if sort == "due":
        order = (SupervisionNotice.deadline.is_(None), SupervisionNotice.deadline, rank, SupervisionNotice.id)
    elif sort == "created":
        order = (SupervisionNotice.issued_at.desc(), SupervisionNotice.id.desc())
    query = _filtered(session, actor, flt, now).options(
        selectinload(SupervisionNotice.task).selectinload(HumanTask.assignee),
        selectinload(SupervisionNotice.instance).selectinload(ProcessInstance.subject),
        selectinload(SupervisionNotice.responsible_person), selectinload(SupervisionNotice.supervisor),
        selectinload(SupervisionNotice.department), selectinload(SupervisionNotice.responsible_unit),
    ).order_by(*order).offset(offset)
    return list(session.scalars(query.limit(limit) if limit else query))


def count_notices(session: Session, actor: Person, flt: NoticeFilter, now: datetime) -> int:
    """How many notices the filter matches (for paging)."""
    query = _filtered(session, actor, flt, now).with_only_columns(func.count(SupervisionNotice.id))
    return session.scalar(query) or 0


def colour_counts(session: Session, actor: Person) -> dict[str, int]:
    """Active notices per colour that the actor may see."""
    counts = {"yellow": 0, "orange": 0, "red": 0}
    query = (_visible(session, actor).where(SupervisionNotice.status.in_(ACTIVE))
             .with_only_columns(SupervisionNotice.colour, func.count()).group_by(SupervisionNotice.colour))
    for colour, count in session.execute(query):  # counted in the database, not by loading every notice
        counts[colour] = counts.get(colour, 0) + count
    return counts


def get_notice(session: Session, actor: Person, notice_id: int) -> SupervisionNotice:
    """One notice, for its supervisor, supervisors, the quality office, the responsible person or the head of
    the unit whose work it is about."""
    notice = session.get(SupervisionNotice, notice_id)
    if notice is None:
        raise NotFound("督办单不存在")
    if not (can_supervise(session, actor) or actor.id in (notice.supervisor_id, notice.responsible_person_id)
            or notice.responsible_unit_id in headed_units(session, actor)):
        raise NotAllowed("您无权查看这张督办单")
    return notice


_HOLDERS = re.compile(r"请[^。]*抓紧办理。$")


def name_current_holders(session: Session, task: HumanTask) -> None:
    """After a claim or a reassignment, the task's active notices name whoever holds it now (the responsible
    person, and the “请…抓紧办理” of their text). Does not commit."""
    session.flush()
    holders = [task.assignee] if task.assignee else list(task.candidates)
    names = "、".join(p.name for p in holders) or "责任人"
    for notice in notices_for_task(session, task.id):
        if notice.status in ACTIVE:
            notice.responsible_person_id = holders[0].id if len(holders) == 1 else None
            notice.matter = _HOLDERS.sub(f"请{names}抓紧办理。", notice.matter or "")


def notices_for_task(session: Session, task_id: int) -> list[SupervisionNotice]:
    """Every notice about one task, newest first (the owner sees them on the task page)."""
    return list(session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == task_id)
                                .order_by(SupervisionNotice.id.desc())))


def _actionable(session: Session, actor: Person, notice_ids: list[int]) -> list[SupervisionNotice]:
    if not notice_ids:
        raise InvalidInput("请先勾选督办单", {"notices": ["请至少选择一张"]})
    notices = [get_notice(session, actor, nid) for nid in dict.fromkeys(notice_ids)]
    for notice in notices:
        if not (can_supervise(session, actor) or notice.supervisor_id == actor.id):
            raise NotAllowed(f"您不是督办单 {notice.number} 的督办人")
    return notices


def _log(session: Session, actor: Person, notice: SupervisionNotice, kind: str, note: str, now: datetime,
         summary: str, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    session.add(NoticeAction(notice_id=notice.id, at=now, actor_id=actor.id, kind=kind, note=note))
    audit.record(session, actor, f"notice.{kind}", now, instance=notice.instance, task=notice.task,
                 object_type="notice", object_id=notice.number, summary=f"{notice.number} {summary}",
                 before=before, after=after)


def remind(session: Session, actor: Person, notice_ids: list[int], note: str, now: datetime) -> int:
    """催办: tell the responsible people again, on every chosen notice; returns how many were reminded."""
    notices = _actionable(session, actor, notice_ids)
    done = 0
    for notice in notices:
        if notice.status not in ACTIVE:
            continue
        notice.reminders += 1
        _log(session, actor, notice, "remind", note.strip(), now, f"催办（第 {notice.reminders} 次）")
        notify_people(session, task_owner_ids(notice.task), kind="notice.remind",
                      title=f"【催办】{notice.kind} {notice.number}",
                      body=(note.strip() or notice.matter), link=f"/tasks/{notice.task_id}", now=now,
                      dedupe_key=f"remind:{notice.id}:{notice.reminders}")
        done += 1
    session.commit()
    return done


def reassign(session: Session, actor: Person, notice_ids: list[int], person_id: int, reason: str,
             now: datetime) -> int:
    """改派: give each chosen notice's open task to another person, with a reason.

    Only to someone who may do the task (engine.org.routing.may_do_task: a holder of the task's role within
    its scope, or the quality office; never a student, so the supervisor himself only when he qualifies), and
    only on an active notice (not escalated, completed or closed); every refusal is a sentence, nothing moves."""
    reason = reason.strip()
    target = session.get(Person, person_id) if person_id else None
    errors = {}
    if target is None or not target.active:
        errors["person"] = ["请选择一位在职人员"]
    if not reason:
        errors["reason"] = ["请填写改派原因"]
    if errors:
        raise InvalidInput("改派信息不完整", errors)
    assert target is not None  # reported in errors above
    notices = _actionable(session, actor, notice_ids)
    for notice in notices:  # every check before anything moves
        task = notice.task
        if task.status != "open":
            raise Conflict(f"督办单 {notice.number} 的任务已结束，不能改派")
        _still_active(notice, "改派")
        if not may_do_task(session, task.role_name, task.scope_unit_id, target.id):
            role = f"“{task.role_name}”" if task.role_name else "该任务的角色"
            raise InvalidInput(f"{target.name}不能办理“{task.title}”：只能改派给在该范围内担任{role}的人员或质量办人员，"
                               "不能改派给学生", {"person": [f"{target.name}不能办理此任务"]})
    moved = 0
    for notice in notices:
        task = notice.task
        before = {"assignee_id": task.assignee_id, "candidates": task_owner_ids(task)}
        if task.assignee_id != target.id or task.candidates:
            task_state.give_to(session, task, target.id)
            moved += 1
        name_current_holders(session, task)
        _log(session, actor, notice, "reassign", reason, now, f"改派给{target.name}：{reason}",
             before=before, after={"assignee_id": target.id})
        notify_people(session, [target.id], kind="task.reassigned", title=f"【改派】{task.title}",
                      body=f"{actor.name}将“{task.title}”改派给您：{reason}", link=f"/tasks/{task.id}",
                      now=now, dedupe_key=f"reassign:{notice.id}:{now:%Y%m%d%H%M%S}:{target.id}")
    session.commit()
    return moved


def extend(session: Session, actor: Person, notice_id: int, new_due: date | None, reason: str,
           now: datetime) -> SupervisionNotice:
    """延期: move the task's deadline to the end of `new_due`; the ladder is recomputed from it."""
    notice = _actionable(session, actor, [notice_id])[0]
    task = notice.task
    if task.status == "open":
        _still_active(notice, "延期")
    errors = {}
    if new_due is None:
        errors["due"] = ["请选择新的截止日期"]
    elif datetime.combine(new_due, END_OF_DAY) <= now or (task.due_at and
                                                           datetime.combine(new_due, END_OF_DAY) <= task.due_at):
        errors["due"] = ["新的截止日期应晚于今天和原截止日期"]
    elif new_due > now.date() + MAX_AHEAD:
        errors["due"] = [f"一次最多延期到一年之内（{(now.date() + MAX_AHEAD).isoformat()} 之前）"]
    if not reason.strip():
        errors["reason"] = ["请填写延期原因"]
    if errors:
        raise InvalidInput("延期信息有误", errors)
    if task.status != "open":
        raise Conflict(f"督办单 {notice.number} 的任务已结束，无需延期")
    assert new_due is not None
    before = {"due": task.due_at.isoformat() if task.due_at else None, "rung": task.rung}
    moved = f"原截止 {task.due_at:%Y-%m-%d} → 新截止 {new_due.isoformat()}" if task.due_at else \
        f"新截止 {new_due.isoformat()}"
    task_state.change_due(task, datetime.combine(new_due, END_OF_DAY))
    reschedule_after_extension(task, ladder_for(session, task.ladder), now, load_calendar(session))
    for other in notices_for_task(session, task.id):
        if other.status in ACTIVE:
            other.status, other.deadline = "extended", task.due_at
    _log(session, actor, notice, "extend", f"{moved}：{reason.strip()}", now,
         f"延期（{moved}）：{reason.strip()}", before=before,
         after={"due": task.due_at.isoformat() if task.due_at else None, "rung": task.rung})
    notify_people(session, task_owner_ids(task), kind="task.extended", title=f"【延期】{task.title}",
                  body=f"截止时间已延期（{moved}）：{reason.strip()}", link=f"/tasks/{task.id}",
                  now=now, dedupe_key=f"extend:{task.id}:{new_due.isoformat()}")
    session.commit()
    return notice


def record_talk(session: Session, actor: Person, notice_id: int, talked_on: date | None, with_whom: str,
                note: str, now: datetime) -> SupervisionNotice:
    """约谈: record that the supervisor talked with the responsible person, and what was agreed."""
    notice = _actionable(session, actor, [notice_id])[0]
    if not note.strip():
        raise InvalidInput("请填写约谈记录", {"note": ["请写明约谈内容和结论"]})
    when = talked_on or now.date()
    who = with_whom.strip() or (notice.responsible_person.name if notice.responsible_person else "")
    _log(session, actor, notice, "talk", f"{when.isoformat()} 约谈{who}：{note.strip()}", now, f"约谈{who}")
    session.commit()
    return notice


def close(session: Session, actor: Person, notice_ids: list[int], conclusion: str, now: datetime) -> int:
    """办结: close the chosen notices with a conclusion."""
    if not conclusion.strip():
        raise InvalidInput("请填写办结意见", {"conclusion": ["请写明办结意见"]})
    notices = _actionable(session, actor, notice_ids)
    closed = 0
    for notice in notices:
        if notice.status == "closed":
            continue
        notice.status, notice.closed_at = "closed", now
        _log(session, actor, notice, "close", conclusion.strip(), now, f"办结：{conclusion.strip()}")
        closed += 1
    session.commit()
    return closed


def set_follow_up(session: Session, actor: Person, task_id: int, when: datetime | None, now: datetime) -> HumanTask:
    """The owner's own reminder on an open task (None clears it)."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound("任务不存在")
    if actor.id not in task_owner_ids(task) and not is_quality_office(session, actor):
        raise NotAllowed("只有任务的办理人可以设置跟进提醒")
    if task.status != "open":
        raise Conflict("任务已结束，无需跟进提醒")
    if when is not None and when <= now:
        raise InvalidInput("跟进时间应晚于现在", {"follow_up": ["请选择将来的时间"]})
    if when is not None and when > now + MAX_AHEAD:
        raise InvalidInput("跟进时间最多设在一年之内", {"follow_up": ["请选择一年之内的时间"]})
    before = task.follow_up_at.isoformat() if task.follow_up_at else None
    task.follow_up_at = when
    audit.record(session, actor, "task.follow_up", now, instance=task.instance, task=task,
                 summary=f"设置跟进提醒：{when:%Y-%m-%d %H:%M}" if when else "取消跟进提醒",
                 before={"follow_up": before}, after={"follow_up": when.isoformat() if when else None})
    session.commit()
    return task


def all_notices(session: Session, status: str = "all") -> list[SupervisionNotice]:
    """Every notice (the system's view, for the shell), oldest first."""
    query = select(SupervisionNotice).order_by(SupervisionNotice.id)
    if status == "active":
        query = query.where(SupervisionNotice.status.in_(ACTIVE))
    elif status in STATUSES:
        query = query.where(SupervisionNotice.status == status)
    return list(session.scalars(query))


def notice_to_dict(notice: SupervisionNotice) -> dict[str, Any]:
    """The JSON shape of a notice used by the CLI and exports."""
    return {
        "number": notice.number, "colour": notice.colour, "kind": notice.kind, "status": notice.status,
        "task_id": notice.task_id, "task": notice.task.title, "subject": notice.instance.subject.name,
        "period": notice.period, "level": notice.level,
        "department": notice.department.name if notice.department else None,
        "responsible_unit": notice.responsible_unit.name if notice.responsible_unit else None,
        "responsible": notice.responsible_person.username if notice.responsible_person else None,
        "responsible_name": notice.responsible_person.name if notice.responsible_person else None,
        "supervisor": notice.supervisor.username if notice.supervisor else None,
        "supervisor_name": notice.supervisor.name if notice.supervisor else None,
        "issuing_unit": notice.issuing_unit.name if notice.issuing_unit else None,
        "matter": notice.matter, "deadline": notice.deadline.isoformat() if notice.deadline else None,
        "issued_at": notice.issued_at.isoformat(), "reminders": notice.reminders,
        "negative_list": notice.negative_list,
    }


_NOTICE = SupervisionNotice.__table__.c
# built once: a task's active notices, asked at every completion (the ORM's select costs ~5× this statement)
# (the statuses as ORs of plain binds: an IN list would be rendered again at each execution)
_ACTIVE_OF_TASK = Prepared(select(_NOTICE.id).where(_NOTICE.task_id == bindparam("task_id"),
                                                    or_(*(_NOTICE.status == status for status in ACTIVE))))


def settle_notices(session: Session, task: HumanTask, actor: Person | None, now: datetime, note: str) -> None:
    """A task that left the open state ends its active notices (they wait for the supervisor's 办结)."""
    ids = _ACTIVE_OF_TASK.run(session, {"task_id": task.id}).scalars()
    if not ids:  # most tasks close before any rung issues a notice: one plain statement
        return
    for notice in session.scalars(select(SupervisionNotice).where(SupervisionNotice.id.in_(ids))):
        notice.status = "completed"
        session.add(NoticeAction(notice_id=notice.id, at=now, actor_id=actor.id if actor else None,
                                 kind="complete", note=note))
