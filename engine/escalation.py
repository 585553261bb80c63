"""The ladder at work: fire each due rung of each open task once, issue notices, tell the right people."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import audit
from .deadlines import WorkCalendar
from .ladders import COLOUR_RANK, ladder_for, ordered_rungs, schedule
from .models import HumanTask, Person, TaskCandidate, Unit
from .notify_port import notify_people
from .routing import resolve_target
from .supervision_models import NoticeAction, SupervisionNotice

ACTIVE_NOTICE = ("open", "extended")
BATCH = 500


def fire_due_rungs(session: Session, now: datetime, cal: WorkCalendar) -> int:
    """Fire every rung due at `now`, oldest first, each once per task (after downtime too); commits per task."""
    fired = 0
    cache: dict[str, Any] = {}
    last_id = 0
    while True:
        rows = list(session.scalars(
            select(HumanTask).where(HumanTask.next_rung_at <= now, HumanTask.status == "open",
                                    HumanTask.id > last_id)
            .order_by(HumanTask.id).limit(BATCH)))
        for task in rows:
            fired += _climb(session, task, now, cal, cache)
            session.commit()
        if len(rows) < BATCH:
            return fired
        last_id = rows[-1].id


def _climb(session: Session, task: HumanTask, now: datetime, cal: WorkCalendar, cache: dict[str, Any]) -> int:
    ladder = ladder_for(session, task.ladder, cache)
    fired = 0
    while ladder is not None and task.next_rung_at is not None and task.next_rung_at <= now:
        index = task.next_rung_index
        claimed = session.execute(update(HumanTask).where(HumanTask.id == task.id,
                                                          HumanTask.next_rung_index == index)
                                  .values(next_rung_index=index + 1).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # another ticker fired it first
            session.rollback()
            return fired
        rungs = ordered_rungs(task, ladder, cal)
        if index < len(rungs):
            _fire(session, task, rungs[index][1], ladder.label, now)
            fired += 1
        schedule(task, ladder, cal, index + 1)
    return fired


def _fire(session: Session, task: HumanTask, rung: dict[str, Any], ladder_label: str, now: datetime) -> None:
    colour = rung.get("colour") or ""
    before = {"rung": task.rung, "assignee_id": task.assignee_id}
    if colour and COLOUR_RANK[colour] > COLOUR_RANK.get(task.rung, 0):
        task.rung = colour
    notice = _issue_notice(session, task, rung, now) if rung.get("notice") else None
    if rung.get("takeover"):
        _take_over(session, task, rung, now)
    subject = task.instance.subject
    due = task.due_at.strftime("%Y-%m-%d %H:%M") if task.due_at else ""
    if notice is not None:
        title = f"【{notice.kind}】{subject.name}：{task.title}"
        body = f"{notice.number}：{notice.matter}"
    else:
        title = f"【{rung.get('label') or '提醒'}】{subject.name}：{task.title}"
        body = f"任务“{task.title}”将于 {due} 到期，请及时办理。"
    recipients: list[int] = []
    for target in rung.get("notify", []):
        recipients += resolve_target(session, task, target, now)
    key = f"rung:{task.id}:{rung.get('key')}:{task.due_at:%Y%m%d%H%M%S}" if task.due_at else f"rung:{task.id}"
    notify_people(session, list(dict.fromkeys(recipients)), kind=f"rung.{colour or 'remind'}", title=title,
                  body=body, link=f"/tasks/{task.id}", now=now, dedupe_key=key)
    audit.record(session, None, "task.escalated", now, instance=task.instance, task=task,
                 summary=f"{ladder_label}·{rung.get('label', '')}：任务“{task.title}”"
                         + (f"，发出{notice.kind} {notice.number}" if notice else "，已提醒办理人"),
                 before=before, after={"rung": task.rung, "rung_key": rung.get("key"),
                                       "notice": notice.number if notice else None, "notified": recipients})


def _department(session: Session, unit: Unit | None) -> Unit | None:
    """The unit just under the school (处室 or 专业部) that `unit` belongs to."""
    chain = []
    while unit is not None and unit not in chain:
        chain.append(unit)
        unit = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return chain[-2] if len(chain) >= 2 else (chain[0] if chain else None)


def _issue_notice(session: Session, task: HumanTask, rung: dict[str, Any], now: datetime) -> SupervisionNotice:
    supervisors = resolve_target(session, task, rung.get("supervisor") or "unit_head", now)
    issuers = resolve_target(session, task, rung.get("issuer") or "supervisor", now)
    issuer = session.get(Person, issuers[0]) if issuers else None
    owners = [task.assignee_id] if task.assignee_id else []
    subject = task.instance.subject
    unit = task.scope_unit or subject.unit
    seq = (session.scalar(select(func.max(SupervisionNotice.id))) or 0) + 1
    notice = SupervisionNotice(
        number=f"DB{now:%Y}-{seq:05d}", colour=rung["colour"], kind=rung["notice"], task_id=task.id,
        instance_id=task.instance_id, issuing_unit_id=issuer.unit_id if issuer else None,
        supervisor_id=supervisors[0] if supervisors else None, responsible_unit_id=unit.id if unit else None,
        responsible_person_id=owners[0] if owners else None,
        department_id=(_department(session, subject.unit) or subject.unit).id,
        level=task.instance.definition.level or subject.level, period=task.instance.period,
        matter=_matter(task), deadline=task.due_at, status="open", issued_at=now,
        negative_list=bool(rung.get("negative_list")))
    session.add(notice)
    session.flush()
    for older in _active_notices(session, task):
        if older.id != notice.id and COLOUR_RANK[older.colour] < COLOUR_RANK[notice.colour]:
            older.status = "escalated"
            session.add(NoticeAction(notice_id=older.id, at=now, kind="escalate",
                                     note=f"已升级为{notice.kind} {notice.number}"))
    session.add(NoticeAction(notice_id=notice.id, at=now, kind="issue",
                             note=f"{rung.get('label', '')}：{notice.matter}"))
    return notice


def _matter(task: HumanTask) -> str:
    instance = task.instance
    due = task.due_at.strftime("%Y-%m-%d %H:%M") if task.due_at else "—"
    return (f"{instance.subject.name}（{instance.period}）“{task.title}”应于 {due} 前办结，"
            f"请{'、'.join(p.name for p in _owners(task)) or '责任人'}抓紧办理。")


def _owners(task: HumanTask) -> list[Person]:
    return [task.assignee] if task.assignee else list(task.candidates)


def _take_over(session: Session, task: HumanTask, rung: dict[str, Any], now: datetime) -> None:
    takers = resolve_target(session, task, rung["takeover"], now)
    if not takers or takers == [task.assignee_id]:
        return
    before = task.assignee_id
    task.assignee_id = takers[0]
    session.execute(TaskCandidate.__table__.delete().where(TaskCandidate.task_id == task.id))
    session.expire(task, ["candidates", "assignee"])
    audit.record(session, None, "task.reassigned", now, instance=task.instance, task=task,
                 summary=f"逾期未办，任务“{task.title}”由上级接管", before={"assignee_id": before},
                 after={"assignee_id": takers[0]})


def _active_notices(session: Session, task: HumanTask) -> list[SupervisionNotice]:
    return list(session.scalars(select(SupervisionNotice).where(SupervisionNotice.task_id == task.id,
                                                                SupervisionNotice.status.in_(ACTIVE_NOTICE))))


def settle_notices(session: Session, task: HumanTask, actor: Person | None, now: datetime, note: str) -> None:
    """A task that left the open state ends its active notices (they wait for the supervisor's 办结)."""
    for notice in _active_notices(session, task):
        notice.status = "completed"
        session.add(NoticeAction(notice_id=notice.id, at=now, actor_id=actor.id if actor else None,
                                 kind="complete", note=note))


def fire_follow_ups(session: Session, now: datetime) -> int:
    """Send the owners' own follow-up reminders that have come due; each once."""
    sent = 0
    rows = list(session.scalars(select(HumanTask).where(HumanTask.follow_up_at <= now,
                                                        HumanTask.status == "open").limit(BATCH)))
    for task in rows:
        when = task.follow_up_at
        claimed = session.execute(update(HumanTask).where(HumanTask.id == task.id, HumanTask.follow_up_at == when)
                                  .values(follow_up_at=None).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            session.rollback()
            continue
        task.follow_up_at = None
        notify_people(session, [p.id for p in _owners(task)], kind="follow_up",
                      title=f"【跟进提醒】{task.instance.subject.name}：{task.title}",
                      body=f"您设定的跟进时间到了，请办理“{task.title}”。", link=f"/tasks/{task.id}", now=now,
                      dedupe_key=f"follow:{task.id}:{when:%Y%m%d%H%M}")
        session.commit()
        sent += 1
    return sent
