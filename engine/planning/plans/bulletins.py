"""工作通报: the plan's office publishes the late items by department to all staff; each bulletin is kept as
it was issued (numbered per plan), whatever happens to the tasks afterwards."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.notify.notifications import Message, notify_all
from engine.org.access import is_quality_office
from engine.org.models import Person
from engine.org.snapshot import snapshot

from .models import Plan, PlanBulletin
from .progress import get_plan, overview

MAX_BODY = 5000


def may_issue(session: Session, actor: Person | None, plan: Plan) -> bool:
    """The quality office, or someone holding a role in the plan's office unit (its 领导小组办公室)."""
    if is_quality_office(session, actor):
        return True
    assert actor is not None
    held = snapshot(session).holdings(session).by_role_unit
    return any(plan.office_unit_id == unit_id and actor.id in holders for (_role, unit_id), holders in held.items())


def issue_bulletin(session: Session, actor: Person | None, plan_id: int, body: str, now: datetime) -> PlanBulletin:
    """Issue the next 工作通报 of a plan: its late items by department as of `now` and the office's words;
    every active staff member is notified; commits. Raises NotFound, NotAllowed, InvalidInput."""
    plan = get_plan(session, actor, plan_id)
    if not may_issue(session, actor, plan):
        raise NotAllowed(f"只有质量管理办公室或{plan.office_unit.name}可以发布工作通报")
    body = body.strip()
    if len(body) > MAX_BODY:
        raise InvalidInput(f"通报正文太长（最多 {MAX_BODY} 字）", {"body": f"最多 {MAX_BODY} 字"})
    state = overview(session, actor, plan_id, now)
    items = [{"department": department,
              "items": [{"number": s.number, "title": s.title, "due_on": s.due_on.isoformat(), "late_days": s.late_days,
                         "holders": s.holders, "rung": s.rung, "percent": s.percent} for s in shares]}
             for department, shares in state.late_by_department().items()]
    number = int(session.scalar(select(func.max(PlanBulletin.number)).where(PlanBulletin.plan_id == plan.id)) or 0) + 1
    late = sum(len(group["items"]) for group in items)
    intro = (f"截至 {now:%Y年%m月%d日}，《{plan.name}》{state.tasks.text()}；"
             f"逾期未完成的部门任务 {late} 项，涉及 {len(items)} 个部门。") if late else \
        f"截至 {now:%Y年%m月%d日}，《{plan.name}》{state.tasks.text()}，没有逾期未完成的部门任务。"
    bulletin = PlanBulletin(plan_id=plan.id, number=number, title=f"《{plan.name}》工作通报（第 {number} 期）",
                            body=(intro + ("\n\n" + body if body else "")), items=items, issued_at=now,
                            issued_by_id=actor.id if actor else None)
    session.add(bulletin)
    session.flush()
    staff = session.scalars(select(Person.id).where(Person.active.is_(True), Person.kind == "staff"))
    notify_all(session, [Message(pid, "plan.bulletin", bulletin.title, intro, f"/plans/{plan.id}/bulletins/{number}",
                                 f"plan:{plan.id}:bulletin:{number}:{pid}") for pid in staff], now)
    audit.record(session, actor, "plan.bulletin_issued", now, object_type="plan", object_id=plan.id,
                 summary=f"发布{bulletin.title}：逾期 {late} 项", after={"number": number, "late": late})
    session.commit()
    return bulletin


def bulletins(session: Session, actor: Person | None, plan_id: int) -> list[PlanBulletin]:
    """A plan's bulletins, the latest first; raises NotFound, NotAllowed (students)."""
    plan = get_plan(session, actor, plan_id)
    return list(session.scalars(select(PlanBulletin).where(PlanBulletin.plan_id == plan.id)
                                .order_by(PlanBulletin.number.desc())))


def get_bulletin(session: Session, actor: Person | None, plan_id: int, number: int) -> PlanBulletin:
    """One bulletin as issued; raises NotFound, NotAllowed (students)."""
    plan = get_plan(session, actor, plan_id)
    found = session.scalars(select(PlanBulletin).where(PlanBulletin.plan_id == plan.id,
                                                       PlanBulletin.number == number)).first()
    if found is None:
        raise NotFound("这期工作通报不存在")
    return found


def late_items(bulletin: PlanBulletin) -> list[dict[str, Any]]:
    """The bulletin's late items by department, as issued."""
    return list(bulletin.items or [])
