"""The ladder at work: fire each due rung of each open task once, issue notices, tell the right people."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import audit
from .deadlines import WorkCalendar
from .ladders import COLOUR_RANK, ladder_for, ordered_rungs, schedule
from .models import HumanTask, Person, Unit
from .notify_port import notify_people
from .routing import give_task_to, resolve_target, task_owner_ids
from .supervision_models import NoticeAction, SupervisionNotice
from .supervision_reports import departments

ACTIVE_NOTICE = ("open", "extended")
BATCH = 500
COMMIT_EVERY = 50


class _Tick:
    """What one tick looks up again and again: ladders, the people a rung names, departments."""

    def __init__(self, session: Session, now: datetime, cal: WorkCalendar) -> None:
        self.session, self.now, self.cal = session, now, cal
        self._targets: dict[tuple[int, str, tuple[int, ...]], list[int]] = {}
        self._departments: dict[int, Unit] | None = None

    def targets(self, task: HumanTask, target: str) -> list[int]:
        """`resolve_target`, remembered per (subject unit, target, owners) for the tick."""
        key = (task.instance.subject.unit_id, target, tuple(task_owner_ids(task)))
        if key not in self._targets:
            self._targets[key] = resolve_target(self.session, task, target, self.now)
        return self._targets[key]

    def department(self, unit: Unit) -> Unit:
        """The unit just under the school (处室 or 专业部) that `unit` belongs to."""
        if self._departments is None:
            self._departments = departments(self.session)
        return self._departments.get(unit.id, unit)


def fire_due_rungs(session: Session, now: datetime, cal: WorkCalendar) -> int:
    """Fire every rung due at `now`, oldest first, each once per task (after downtime too).

    Commits every few tasks: a claimed rung and its notice land together, or neither does.
    """
    tick = _Tick(session, now, cal)
    fired = 0
    last_id = 0
    while True:
        rows = list(session.scalars(
            select(HumanTask).where(HumanTask.next_rung_at <= now, HumanTask.status == "open",
                                    HumanTask.id > last_id)
            .order_by(HumanTask.id).limit(BATCH)))
        for n, task in enumerate(rows, 1):
            fired += _climb(tick, task)
            if n % COMMIT_EVERY == 0:
                session.commit()
        session.commit()
        if len(rows) < BATCH:
            return fired
        last_id = rows[-1].id


def _climb(tick: _Tick, task: HumanTask) -> int:
    session, now = tick.session, tick.now
    ladder = ladder_for(session, task.ladder)
    fired = 0
    while ladder is not None and task.next_rung_at is not None and task.next_rung_at <= now:
        index = task.next_rung_index
        claimed = session.execute(update(HumanTask).where(HumanTask.id == task.id,
                                                          HumanTask.next_rung_index == index)
                                  .values(next_rung_index=index + 1).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # another ticker fired it first; leave this task to it
            session.refresh(task)
            return fired
        rungs = ordered_rungs(task, ladder, tick.cal)
        if index < len(rungs):
            _fire(tick, task, rungs[index][1], ladder.label)
            fired += 1
        schedule(task, ladder, tick.cal, index + 1, rungs)
    return fired


def _fire(tick: _Tick, task: HumanTask, rung: dict[str, Any], ladder_label: str) -> None:
    session, now = tick.session, tick.now
    colour = rung.get("colour") or ""
    before = {"rung": task.rung, "assignee_id": task.assignee_id}
    if colour and COLOUR_RANK[colour] > COLOUR_RANK.get(task.rung, 0):
        task.rung = colour
    notice = _issue_notice(tick, task, rung) if rung.get("notice") else None
    if rung.get("takeover"):
        _take_over(tick, task, rung)
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
        recipients += tick.targets(task, target)
    key = f"rung:{task.id}:{rung.get('key')}:{task.due_at:%Y%m%d%H%M%S}" if task.due_at else f"rung:{task.id}"
    notify_people(session, list(dict.fromkeys(recipients)), kind=f"rung.{colour or 'remind'}", title=title,
                  body=body, link=f"/tasks/{task.id}", now=now, dedupe_key=key)
    audit.record(session, None, "task.escalated", now, instance=task.instance, task=task,
                 summary=f"{ladder_label}·{rung.get('label', '')}：任务“{task.title}”"
                         + (f"，发出{notice.kind} {notice.number}" if notice else "，已提醒办理人"),
                 before=before, after={"rung": task.rung, "rung_key": rung.get("key"),
                                       "notice": notice.number if notice else None, "notified": recipients})


def _issue_notice(tick: _Tick, task: HumanTask, rung: dict[str, Any]) -> SupervisionNotice:
    session, now = tick.session, tick.now
    supervisors = tick.targets(task, rung.get("supervisor") or "unit_head")
    issuers = tick.targets(task, rung.get("issuer") or "supervisor")
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
        department_id=tick.department(subject.unit).id,
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


def _take_over(tick: _Tick, task: HumanTask, rung: dict[str, Any]) -> None:
    session, now = tick.session, tick.now
    takers = tick.targets(task, rung["takeover"])
    if not takers or takers == [task.assignee_id]:
        return
    before = task.assignee_id
    give_task_to(session, task, takers[0])
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
        notify_people(session, task_owner_ids(task), kind="follow_up",
                      title=f"【跟进提醒】{task.instance.subject.name}：{task.title}",
                      body=f"您设定的跟进时间到了，请办理“{task.title}”。", link=f"/tasks/{task.id}", now=now,
                      dedupe_key=f"follow:{task.id}:{when:%Y%m%d%H%M}")
        session.commit()
        sent += 1
    return sent
