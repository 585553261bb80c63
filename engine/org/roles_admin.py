"""The role catalogue: list roles, add one, set its flags (unit head; receives unroutable tasks)."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

import engine.audit as audit
from engine.errors import InvalidInput, NotFound
from engine.paging import holds

from .admin import clean, ensure_admin
from .models import Person, Role, RoleHolding

_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
HEADS_UNIT_HELP = ("部门负责人类：担任者是所在单位（及其下级单位）的负责人，督办阶梯里“单位负责人”一级找的就是他们，"
                   "他们也可以查看和结束本单位人员的代理安排")
UNROUTABLE_HELP = ("质量办类：找不到办理人的任务（无法路由）交给担任者处理；担任者可以进入流程管理、启动周期和督办，"
                   "并可查看管理页面")


def role_list(session: Session, query: str = "") -> list[tuple[Role, int]]:
    """Every role (code or name containing `query`) with how many holdings it has, by code."""
    counts = dict(session.execute(select(RoleHolding.role_id, func.count()).group_by(RoleHolding.role_id)).all())
    wanted = select(Role).order_by(Role.code)
    text = clean(query)
    if text:
        wanted = wanted.where(holds(text, Role.code, Role.name))
    return [(role, int(counts.get(role.id, 0))) for role in session.scalars(wanted)]


def get_role(session: Session, role_id: int | None) -> Role:
    """The role with this id; raises NotFound."""
    role = session.get(Role, role_id) if role_id else None
    if role is None:
        raise NotFound("该角色不存在")
    return role


def add_role(session: Session, actor: Person | None, code: str, name: str, heads_unit: bool,
             receives_unroutable: bool, now: datetime) -> Role:
    """Add a role (code and name unique: a BPMN lane names one of them); raises NotAllowed, InvalidInput."""
    ensure_admin(actor)
    code, name = clean(code), clean(name)
    errors = {}
    if not _CODE.match(code):
        errors["code"] = "角色代码须以字母开头，只含字母、数字、_ 和 -（最多 64 个字符）"
    elif session.scalar(select(Role.id).where(or_(Role.code == code, Role.name == code))) is not None:
        errors["code"] = f"角色代码“{code}”已被使用"
    if not name:
        errors["name"] = "请填写角色名称"
    elif len(name) > 100:
        errors["name"] = "角色名称最多 100 个字"
    elif session.scalar(select(Role.id).where(or_(Role.name == name, Role.code == name))) is not None:
        errors["name"] = f"角色名称“{name}”已被使用"
    if errors:
        raise InvalidInput("不能添加该角色：" + "；".join(errors.values()), errors)
    role = Role(code=code, name=name, heads_unit=heads_unit, receives_unroutable=receives_unroutable)
    session.add(role)
    session.flush()
    audit.record(session, actor, "role.added", now, object_type="role", object_id=role.id,
                 summary=f"添加了角色“{name}”（{code}）",
                 after={"code": code, "name": name, "heads_unit": heads_unit,
                        "receives_unroutable": receives_unroutable})
    session.commit()
    return role


def set_role_flags(session: Session, actor: Person | None, role_id: int, heads_unit: bool,
                   receives_unroutable: bool, now: datetime) -> Role:
    """Mark a role as a unit head's (部门负责人类) and/or as the quality office's (质量办类: receives
    unroutable tasks); routing sees it at once. Raises NotAllowed, NotFound."""
    ensure_admin(actor)
    role = get_role(session, role_id)
    before = {"heads_unit": role.heads_unit, "receives_unroutable": role.receives_unroutable}
    role.heads_unit, role.receives_unroutable = heads_unit, receives_unroutable
    audit.record(session, actor, "role.flags", now, object_type="role", object_id=role.id,
                 summary=f"修改了角色“{role.name}”的类别：部门负责人类{'是' if heads_unit else '否'}，"
                         f"质量办类{'是' if receives_unroutable else '否'}", before=before,
                 after={"heads_unit": heads_unit, "receives_unroutable": receives_unroutable})
    session.commit()
    return role
