"""The ladder at work: fire each due rung of each open task once, issue notices, tell the right people.

A tick finds the due tasks by the next_rung_at index, then works in batches: one query reads a batch with what
its notices and messages say; one conditional UPDATE per (from, to) rung index claims it, so two tickers never
fire a rung twice; its rungs are worked out in memory and written with one statement per table
(rung_writes.py); one commit per batch, so a claimed rung and its notice land together, or neither does.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.calendar.deadlines import WorkCalendar
from engine.db.session import rowcount
from engine.definitions.models import ProcessDefinition
from engine.notify.notifications import notify_people
from engine.org.models import Person, Subject
from engine.workflow.access import task_owner_ids
from engine.workflow.models import HumanTask, ProcessInstance, TaskCandidate

from .ladders import LadderInfo, ladder_for, timed_rungs
from .rung_targets import RungTargets
from .rung_writes import DueTask, Firing

BATCH = 1000


class _Tick:
    """What one tick reads once and reuses: ladders, rung times, the people rungs name."""

    def __init__(self, session: Session, now: datetime, cal: WorkCalendar) -> None:
        self.session, self.now, self.cal = session, now, cal
        self.targets = RungTargets(session, now)
        self._times: dict[tuple[str, datetime, datetime, bool], list[tuple[datetime, dict[str, Any]]]] = {}

    def plan(self, task: DueTask) -> bool:
        """Work out which rungs `task` fires now and where it stands after them; False without any ladder."""
        ladder = ladder_for(self.session, task.ladder)
        if ladder is None:
            return False
        times = self._rung_times(task, ladder)
        end = task.index + 1  # the stored next_rung_at said the next rung is due; later ones fire if due too
        while end < len(times) and times[end][0] <= self.now:
            end += 1
        task.ladder, task.ladder_label = ladder.name, ladder.label
        task.fires = [rung for _when, rung in times[task.index:end]]
        task.end, task.next_rung_at = end, times[end][0] if end < len(times) else None
        return True

    def _rung_times(self, task: DueTask, ladder: LadderInfo) -> list[tuple[datetime, dict[str, Any]]]:
        """The ladder's rungs with their times for this task; tasks made together share the working-day math."""
        if task.due_at is None:
            return []
        key = (ladder.name, task.created_at, task.due_at, task.working_days)
        if key not in self._times:
            self._times[key] = timed_rungs(ladder.rungs, task.created_at, task.due_at, task.working_days, self.cal)
        return self._times[key]


def fire_due_rungs(session: Session, now: datetime, cal: WorkCalendar) -> int:
    """Fire every rung due at `now`, oldest task first, each once per task (after downtime too); commits per
    batch. Returns how many rungs fired."""
    tick = _Tick(session, now, cal)
    # by the next_rung_at index alone: ordering by id in SQL would make SQLite walk the whole table instead
    due = sorted(session.scalars(select(HumanTask.id).where(HumanTask.next_rung_at <= now,
                                                             HumanTask.status == "open")))
    fired = 0
    for start in range(0, len(due), BATCH):
        fired += _climb(tick, _due_tasks(session, now, due[start:start + BATCH]))
        session.commit()
    return fired


def _due_tasks(session: Session, now: datetime, ids: list[int]) -> list[DueTask]:
    """These tasks, if still open and due, by id, with their cycle's subject and their assignee."""
    query = (select(HumanTask.id, HumanTask.instance_id, HumanTask.title, HumanTask.ladder, HumanTask.rung,
                    HumanTask.next_rung_index, HumanTask.created_at, HumanTask.due_at, HumanTask.working_days,
                    HumanTask.assignee_id, HumanTask.scope_unit_id, ProcessInstance.period, Subject.name,
                    # the ladder looks up from where the task was routed (a plan task: its department)
                    func.coalesce(HumanTask.scope_unit_id, Subject.unit_id),
                    ProcessDefinition.level.label("process_level"), Subject.level, Person.name)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .join(Subject, Subject.id == ProcessInstance.subject_id)
             .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
             .outerjoin(Person, Person.id == HumanTask.assignee_id)
             .where(HumanTask.id.in_(ids), HumanTask.next_rung_at <= now, HumanTask.status == "open")
             .order_by(HumanTask.id))
    return [_due_task(*row) for row in session.execute(query)]


def _due_task(*row: Any) -> DueTask:
    """A DueTask from a row of `_due_tasks`."""
    *columns, process_level, subject_level, assignee_name = row
    return DueTask(*columns, level=process_level or subject_level,  # type: ignore[misc]  # columns end before level
                   owner_names=[assignee_name] if assignee_name is not None else [])


def _climb(tick: _Tick, batch: list[DueTask]) -> int:
    """Claim and fire the due rungs of one batch (no commit); returns how many fired."""
    tasks = _claim(tick.session, [task for task in batch if tick.plan(task)])
    if not tasks:
        return 0
    _add_candidates(tick.session, tasks)
    firing = Firing(tick.session, tick.now, tick.targets, tasks)
    for task in tasks:
        for rung in task.fires:
            firing.fire(task, rung)
    firing.save()
    return sum(len(task.fires) for task in tasks)


def _claim(session: Session, tasks: list[DueTask]) -> list[DueTask]:
    """Move each task's next_rung_index past the rungs it fires, if no other ticker moved it first; the winners."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for task in tasks:
        groups[(task.index, task.end)].append(task.id)
    won: set[int] = set()
    for (start, end), ids in sorted(groups.items()):
        won.update(session.scalars(update(HumanTask).where(HumanTask.id.in_(ids), HumanTask.next_rung_index == start)
                                   .values(next_rung_index=end).returning(HumanTask.id)
                                   .execution_options(synchronize_session=False)))
    return [task for task in tasks if task.id in won]


def _add_candidates(session: Session, tasks: list[DueTask]) -> None:
    """The candidates (ids and names, by person id) of the tasks offered to several people."""
    offered = {task.id: task for task in tasks if task.assignee_id is None}
    if not offered:
        return
    query = (select(TaskCandidate.task_id, Person.id, Person.name).join(Person, Person.id == TaskCandidate.person_id)
             .where(TaskCandidate.task_id.in_(offered)).order_by(TaskCandidate.task_id, Person.id))
    for task_id, person_id, name in session.execute(query):
        offered[task_id].candidate_ids.append(person_id)
        offered[task_id].owner_names.append(name)


def fire_follow_ups(session: Session, now: datetime) -> int:
    """Send the owners' own follow-up reminders that have come due; each once."""
    sent = 0
    rows = list(session.scalars(select(HumanTask).where(HumanTask.follow_up_at <= now,
                                                        HumanTask.status == "open").limit(BATCH)))
    for task in rows:
        when = task.follow_up_at
        claimed = session.execute(update(HumanTask).where(HumanTask.id == task.id, HumanTask.follow_up_at == when)
                                  .values(follow_up_at=None).execution_options(synchronize_session=False))
        if rowcount(claimed) != 1:
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
