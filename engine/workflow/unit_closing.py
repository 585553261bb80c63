"""Closing a unit: refused while people, open child units or running cycles still belong to it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.org.admin import ensure_admin
from engine.org.models import Person, Subject, Unit
from engine.org.units_admin import closing_blockers, get_unit, mark_closed

from .models import ProcessInstance


def close_blockers(session: Session, unit: Unit) -> list[str]:
    """Every reason `unit` cannot close yet, as sentences (empty: it can)."""
    reasons = closing_blockers(session, unit)
    running = session.scalar(select(func.count()).select_from(ProcessInstance).join(Subject)
                             .where(Subject.unit_id == unit.id, ProcessInstance.status == "running")) or 0
    if running:
        reasons.append(f"还有 {running} 个进行中的诊改周期属于该单位的诊改对象，请等它们结束或先取消")
    return reasons


def close_unit(session: Session, actor: Person | None, unit_id: int, now: datetime) -> Unit:
    """Close a unit (active = False; its history stays); raises NotAllowed, NotFound, and Conflict listing
    what must go first."""
    ensure_admin(actor)
    unit = get_unit(session, unit_id)
    reasons = close_blockers(session, unit)
    if reasons:
        raise Conflict(f"“{unit.name}”暂不能撤销：" + "；".join(reasons) + "。")
    mark_closed(session, actor, unit, now)
    session.commit()
    return unit
