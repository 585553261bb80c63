"""What a batch of fired ladder rungs writes, worked out in memory and written in one statement per table.

Each rung may issue a notice (督办单: it escalates the task's older, lower notices, each with a timeline line),
tells the people it names, and leaves an audit event. `Firing` reads what the whole batch needs first (the
people rungs name, the tasks' active notices, the last notice number), then `fire` builds rows in the order the
rungs fire, and `save` writes them: notices, timeline lines, audit events, notifications with their sends, and
the tasks' new place on the ladder. A takeover (the task is reassigned) is rare and goes through the ORM.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.notify.notifications import Message, notify_all
from engine.notify.webhooks import queue_event, wanted
from engine.org.models import Person
from engine.workflow import task_state
from engine.workflow.models import HumanTask

from .ladders import COLOUR_RANK
from .models import ACTIVE, NoticeAction, SupervisionNotice
from .rung_targets import RungTargets


@dataclass(slots=True)
class DueTask:
    """A task with due rungs as one tick sees it: read in bulk, changed in memory, written back in bulk."""

    id: int
    instance_id: int
    title: str
    ladder: str
    rung: str
    index: int  # next_rung_index as read
    created_at: datetime
    due_at: datetime | None
    working_days: bool
    assignee_id: int | None
    scope_unit_id: int | None
    period: str
    subject_name: str
    subject_unit_id: int
    level: str
    owner_names: list[str] = field(default_factory=list)
    candidate_ids: list[int] = field(default_factory=list)
    ladder_label: str = ""
    fires: list[dict[str, Any]] = field(default_factory=list)  # the rungs this tick fires, in order
    end: int = 0  # next_rung_index after them
    next_rung_at: datetime | None = None

    @property
    def owners(self) -> list[int]:
        """Who holds the task: its assignee, else its candidates."""
        return [self.assignee_id] if self.assignee_id is not None else self.candidate_ids


class _Open(NamedTuple):
    """An active notice of a task: its id, or its number while it is new in this batch; and its colour."""

    ref: int | str
    colour: str


class Firing:
    """The rows one batch of fired rungs writes."""

    def __init__(self, session: Session, now: datetime, targets: RungTargets, tasks: list[DueTask]) -> None:
        self.session, self.now, self.targets, self.tasks = session, now, targets, tasks
        self.notices: dict[str, dict[str, Any]] = {}  # by number
        self.escalated: list[int] = []  # ids of notices older than this batch that it escalates
        self.actions: list[tuple[int | str, str, str]] = []  # (notice ref, kind, note)
        self.events: list[dict[str, Any]] = []
        self.messages: list[Message] = []
        rungs = [(task, rung) for task in tasks for rung in task.fires]
        with_notice = [(task, rung) for task, rung in rungs if rung.get("notice")]
        self.active = _active_notices(session, {task.id for task, _rung in with_notice})
        self.seq = 0  # notices are numbered on from the last one, in the order they are issued
        if with_notice:
            self.seq = session.scalar(select(func.max(SupervisionNotice.id))) or 0
        self.units = _units_of(session, {issuer for task, rung in with_notice
                                         for issuer in self._issuers(task, rung)[:1]})

    def fire(self, task: DueTask, rung: dict[str, Any]) -> None:
        """One rung of one task: its colour, notice, takeover, messages and audit event."""
        colour = rung.get("colour") or ""
        before = {"rung": task.rung, "assignee_id": task.assignee_id}
        if colour and COLOUR_RANK[colour] > COLOUR_RANK.get(task.rung, 0):
            task.rung = colour
        notice = self._issue_notice(task, rung) if rung.get("notice") else None
        if rung.get("takeover"):
            self._take_over(task, rung)
        recipients = self._tell(task, rung, notice)
        self.events.append(audit.values(
            "task.escalated", self.now, instance_id=task.instance_id, task_id=task.id,
            summary=f"{task.ladder_label}·{rung.get('label', '')}：任务“{task.title}”"
                    + (f"，发出{notice['kind']} {notice['number']}" if notice else "，已提醒办理人"),
            before=before, after={"rung": task.rung, "rung_key": rung.get("key"),
                                  "notice": notice["number"] if notice else None, "notified": recipients}))

    def _tell(self, task: DueTask, rung: dict[str, Any], notice: dict[str, Any] | None) -> list[int]:
        """Queue the rung's message to everyone it names (once each); returns them as named, target by target."""
        if notice is not None:
            title = f"【{notice['kind']}】{task.subject_name}：{task.title}"
            body = f"{notice['number']}：{notice['matter']}"
        else:
            due = task.due_at.strftime("%Y-%m-%d %H:%M") if task.due_at else ""
            title = f"【{rung.get('label') or '提醒'}】{task.subject_name}：{task.title}"
            body = f"任务“{task.title}”将于 {due} 到期，请及时办理。"
        recipients: list[int] = []
        for target in rung.get("notify", []):
            recipients += self.targets.resolve(task.subject_unit_id, task.owners, target)
        key = f"rung:{task.id}:{rung.get('key')}:{task.due_at:%Y%m%d%H%M%S}" if task.due_at else f"rung:{task.id}"
        kind = f"rung.{rung.get('colour') or 'remind'}"
        self.messages += [Message(person_id, kind, title, body, f"/tasks/{task.id}", f"{key}:{person_id}")
                          for person_id in dict.fromkeys(recipients)]
        return recipients

    def save(self) -> None:
        """Write every row of the batch (no commit); loaded copies of the rows it changed are expired."""
        session = self.session
        session.flush()  # a takeover's new assignee
        ids: dict[int | str, int] = {}
        if self.notices:
            table = SupervisionNotice.__table__
            made = session.execute(insert(table).returning(table.c.number, table.c.id), list(self.notices.values()))
            ids.update({number: notice_id for number, notice_id in made})
            if wanted(session, "notice.issued"):
                for number, row in self.notices.items():
                    queue_event(session, "notice.issued", {
                        "notice_id": ids[number], "number": number, "colour": row.get("colour"),
                        "task_id": row.get("task_id"), "matter": row.get("matter"),
                        "responsible_person_id": row.get("responsible_person_id"),
                        "deadline": row["deadline"].isoformat() if row.get("deadline") else None},
                        f"notice:{ids[number]}", self.now)
        if self.escalated:
            session.execute(update(SupervisionNotice).where(SupervisionNotice.id.in_(self.escalated))
                            .values(status="escalated").execution_options(synchronize_session=False))
        if self.actions:
            session.execute(insert(NoticeAction.__table__), [
                {"notice_id": ids.get(ref, ref), "at": self.now, "actor_id": None, "kind": kind, "note": note}
                for ref, kind, note in self.actions])
        audit.record_all(session, self.events)
        notify_all(session, self.messages, self.now)
        tasks = HumanTask.__table__
        session.execute(update(tasks).where(tasks.c.id == bindparam("task_id")).values(
            ladder=bindparam("new_ladder"), rung=bindparam("new_rung"), next_rung_at=bindparam("new_next_rung_at")),
            [{"task_id": task.id, "new_ladder": task.ladder, "new_rung": task.rung,
              "new_next_rung_at": task.next_rung_at} for task in self.tasks])
        _expire(session, HumanTask, [task.id for task in self.tasks])
        _expire(session, SupervisionNotice, self.escalated)

    def _issuers(self, task: DueTask, rung: dict[str, Any]) -> list[int]:
        return self.targets.resolve(task.subject_unit_id, task.owners, rung.get("issuer") or "supervisor")

    def _issue_notice(self, task: DueTask, rung: dict[str, Any]) -> dict[str, Any]:
        supervisors = self.targets.resolve(task.subject_unit_id, task.owners, rung.get("supervisor") or "unit_head")
        issuers = self._issuers(task, rung)
        self.seq += 1
        notice = {
            "number": f"DB{self.now:%Y}-{self.seq:05d}", "colour": rung["colour"], "kind": rung["notice"],
            "task_id": task.id, "instance_id": task.instance_id,
            "issuing_unit_id": self._unit_of(issuers[0]) if issuers else None,
            "supervisor_id": supervisors[0] if supervisors else None,
            "responsible_unit_id": task.scope_unit_id or task.subject_unit_id,
            "responsible_person_id": task.assignee_id, "department_id": self.targets.department(task.subject_unit_id),
            "level": task.level, "period": task.period, "matter": _matter(task), "deadline": task.due_at,
            "status": "open", "issued_at": self.now, "closed_at": None, "reminders": 0,
            "negative_list": bool(rung.get("negative_list"))}
        self.notices[notice["number"]] = notice
        active = self.active.setdefault(task.id, [])
        for older in [n for n in active if COLOUR_RANK[n.colour] < COLOUR_RANK[notice["colour"]]]:
            active.remove(older)
            if isinstance(older.ref, int):
                self.escalated.append(older.ref)
            else:
                self.notices[older.ref]["status"] = "escalated"
            self.actions.append((older.ref, "escalate", f"已升级为{notice['kind']} {notice['number']}"))
        self.actions.append((notice["number"], "issue", f"{rung.get('label', '')}：{notice['matter']}"))
        active.append(_Open(notice["number"], notice["colour"]))
        return notice

    def _unit_of(self, person_id: int) -> int | None:
        if person_id not in self.units:  # a person named only after a takeover changed the owners
            self.units.update(_units_of(self.session, {person_id}))
        return self.units.get(person_id)

    def _take_over(self, task: DueTask, rung: dict[str, Any]) -> None:
        takers = self.targets.resolve(task.subject_unit_id, task.owners, rung["takeover"])
        if not takers or takers == [task.assignee_id]:
            return
        before = task.assignee_id
        task_state.give_to(self.session, self.session.get_one(HumanTask, task.id), takers[0])
        task.assignee_id, task.candidate_ids = takers[0], []
        task.owner_names = [self.session.get_one(Person, takers[0]).name]
        self.events.append(audit.values("task.reassigned", self.now, instance_id=task.instance_id, task_id=task.id,
                                        summary=f"逾期未办，任务“{task.title}”由上级接管",
                                        before={"assignee_id": before}, after={"assignee_id": takers[0]}))


def _matter(task: DueTask) -> str:
    due = task.due_at.strftime("%Y-%m-%d %H:%M") if task.due_at else "—"
    return (f"{task.subject_name}（{task.period}）“{task.title}”应于 {due} 前办结，"
            f"请{'、'.join(task.owner_names) or '责任人'}抓紧办理。")


def _active_notices(session: Session, task_ids: set[int]) -> dict[int, list[_Open]]:
    """The open and extended notices of these tasks, oldest first, by task."""
    found: dict[int, list[_Open]] = {}
    if task_ids:
        query = (select(SupervisionNotice.id, SupervisionNotice.task_id, SupervisionNotice.colour)
                 .where(SupervisionNotice.task_id.in_(task_ids), SupervisionNotice.status.in_(ACTIVE))
                 .order_by(SupervisionNotice.id))
        for notice_id, task_id, colour in session.execute(query):
            found.setdefault(task_id, []).append(_Open(notice_id, colour))
    return found


def _units_of(session: Session, person_ids: set[int]) -> dict[int, int | None]:
    if not person_ids:
        return {}
    query = select(Person.id, Person.unit_id).where(Person.id.in_(person_ids))
    return {person_id: unit_id for person_id, unit_id in session.execute(query)}


def _expire(session: Session, model: type, ids: list[int]) -> None:
    """Make the session read again the loaded copies of rows written in bulk."""
    for row_id in ids:
        loaded = session.identity_map.get(session.identity_key(model, row_id))
        if loaded is not None:
            session.expire(loaded)
