"""Giving open tasks to other people from the admin pages: a deactivated person's tasks, and the tasks a
holding change reroutes. Each target must be allowed to do the task (engine.org.routing.may_do_task), the
task's active notices follow it, the new holders are told, and every move is audited."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.errors import Conflict, InvalidInput, NotFound
from engine.notify.notifications import notify_people
from engine.org.admin import ensure_admin
from engine.org.models import Person
from engine.org.routing import may_do_task
from engine.workflow import task_state
from engine.workflow.access import task_owner_ids
from engine.workflow.models import HumanTask, TaskCandidate

from .notices import name_current_holders, reassign_choices


def open_tasks_of(session: Session, person_id: int) -> list[HumanTask]:
    """The open tasks assigned to a person or offered to them to claim, oldest first."""
    offered = select(TaskCandidate.task_id).where(TaskCandidate.person_id == person_id)
    return list(session.scalars(select(HumanTask).options(selectinload(HumanTask.instance),
                                                          selectinload(HumanTask.candidates))
                                .where(HumanTask.status == "open",
                                       (HumanTask.assignee_id == person_id)
                                       | (HumanTask.assignee_id.is_(None) & HumanTask.id.in_(offered)))
                                .order_by(HumanTask.id)))


def eligible_people(session: Session, task: HumanTask, leaving: int | None = None) -> list[Person]:
    """Who may be given `task` (reassign_choices: the one rule the supervisors' pickers use too), by unit,
    without the person who is `leaving`."""
    return [p for p in reassign_choices(session, [task]) if p.id != leaving]


def move_task(session: Session, actor: Person | None, task: HumanTask, to_ids: list[int], reason: str,
              now: datetime, *, routed: bool = False) -> bool:
    """Give one open task to `to_ids` (no commit; `routed`: routing chose them, substitutes included, so the
    may_do_task check is skipped); returns whether anything changed. Raises Conflict (not open) and
    InvalidInput (a target who may not do it)."""
    if task.status != "open":
        raise Conflict(f"任务“{task.title}”已结束，不能改派")
    targets = [session.get(Person, pid) for pid in dict.fromkeys(to_ids)]
    if not targets:
        raise InvalidInput(f"请为任务“{task.title}”选择办理人", {"person": "请选择办理人"})
    for target in targets:
        if target is None or not target.active or not routed and not may_do_task(session, task.role_name, task.scope_unit_id, target.id):
            name = target.name if target is not None else "所选人员"
            raise InvalidInput(f"{name}不能办理“{task.title}”：只能交给在该范围内担任“{task.role_name}”的人员或"
                               "质量办人员，不能交给学生或已停用的人员", {"person": f"{name}不能办理此任务"})
    before = task_owner_ids(task)
    ids = [t.id for t in targets if t is not None]
    if sorted(before) == sorted(ids):
        return False
    task_state.offer_to(session, task, ids)
    name_current_holders(session, task)
    names = "、".join(t.name for t in targets if t is not None)
    audit.record(session, actor, "task.reassigned", now, instance=task.instance, task=task,
                 summary=f"任务“{task.title}”改派给{names}" + (f"：{reason}" if reason else ""),
                 before={"holders": before}, after={"holders": ids})
    notify_people(session, [pid for pid in ids if pid not in before], kind="task.reassigned",
                  title=f"【改派】{task.title}", body=f"任务“{task.title}”已交给您办理" + (f"：{reason}" if reason else ""),
                  link=f"/tasks/{task.id}", now=now, dedupe_key=f"admin-move:{task.id}:{now:%Y%m%d%H%M%S}")
    return True


def reassign_tasks(session: Session, actor: Person | None, assignments: dict[int, int], reason: str,
                   now: datetime) -> int:
    """Give each task (id → person id) to the chosen person, all or nothing; returns how many moved.
    Raises NotAllowed (not an admin), NotFound, Conflict, InvalidInput."""
    ensure_admin(actor)
    if not assignments:
        raise InvalidInput("请至少为一项任务选择新的办理人", {"person": "未选择"})
    moved = 0
    for task_id, person_id in assignments.items():
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound("该任务不存在")
        moved += move_task(session, actor, task, [person_id], reason.strip(), now)
    session.commit()
    return moved
