"""Substitutes (代理人): while a person is away their new tasks go to someone else (engine/org/routing.py applies
it); here a person names one for a date range or ends it (engine/workflow/handover.py hands over open tasks)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

import engine.audit as audit
from engine.bus import publish
from engine.db import cache
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound

from .access import heads_some_unit, heads_unit_of, is_quality_office, is_school_leader, may_be_substitute
from .events import SubstituteNamed
from .models import Person, Substitution

SUBSTITUTE_RULE = ("代理人须是在岗教职工（担任学生以外的角色），并且担任与您相同的某一角色，或是部门/专业部/教研室负责人，"
                   "或是质量办人员；本人没有任何角色时，任何教职工均可代理")


def may_manage(actor: Person, person_id: int) -> None:
    if actor.id != person_id and not actor.is_admin:
        raise NotAllowed("只能为自己设置代理人（管理员可为任何人设置）")


def may_end(session: Session, actor: Person, person: Person) -> None:
    """Who may end an arrangement: the person, an admin, the quality office, or a unit head over the person."""
    if actor.id == person.id or is_quality_office(session, actor) or heads_unit_of(session, actor, person):
        return
    raise NotAllowed("只有本人、其所在部门负责人或质量办可以结束这条代理安排")


def _overlapping(session: Session, person_id: int, starts_on: date, ends_on: date) -> Substitution | None:
    return session.scalars(select(Substitution).where(
        Substitution.person_id == person_id, Substitution.starts_on <= ends_on,
        Substitution.ends_on >= starts_on)).first()


def add_substitution(session: Session, actor: Person, person_id: int, substitute_id: int, starts_on: date,
                     ends_on: date, reason: str, now: datetime) -> Substitution:
    """Name a substitute for a date range (inclusive); raises InvalidInput for bad dates, self or overlap, and
    for a substitute who breaks the rule (engine.org.access.may_be_substitute): staff only, never a student,
    holding one of the absent person's roles, or a unit head, or the quality office (any staff when the absent
    person holds no role). The substitute is told (SubstituteNamed on the bus; the notify room sends it)."""
    may_manage(actor, person_id)
    person, substitute = session.get(Person, person_id), session.get(Person, substitute_id)
    if person is None:
        raise NotFound("该用户不存在")
    if substitute is None or not substitute.active:
        raise InvalidInput("请选择一位在职的代理人", {"substitute": "请选择代理人"})
    if substitute_id == person_id:
        raise InvalidInput("代理人不能是本人，请选择另一位同事", {"substitute": "代理人不能是本人"})
    if ends_on < starts_on:
        raise InvalidInput("结束日期不能早于开始日期", {"ends_on": "结束日期不能早于开始日期"})
    if ends_on < now.date():
        raise InvalidInput("结束日期已经过去，请填写今天或以后的日期", {"ends_on": "结束日期已经过去"})
    if ends_on - starts_on > timedelta(days=366):
        raise InvalidInput("代理期限最长一年", {"ends_on": "代理期限最长一年"})
    reason = reason.strip()
    if len(reason) > 200:
        raise InvalidInput("事由不超过 200 字", {"reason": "事由不超过 200 字"})
    clash = _overlapping(session, person_id, starts_on, ends_on)
    if clash is not None:
        raise InvalidInput(f"与已有的代理（{clash.starts_on} 至 {clash.ends_on}，{clash.substitute.name}）日期重叠，"
                           "请先结束那一条或换个日期", {"starts_on": "日期与已有代理重叠"})
    away = _overlapping(session, substitute_id, starts_on, ends_on)
    if away is not None:
        raise InvalidInput(f"{substitute.name}在 {away.starts_on} 至 {away.ends_on} 也不在岗（已由"
                           f"{away.substitute.name}代理），请另选代理人", {"substitute": "代理人同期不在岗"})
    if not may_be_substitute(session, person, substitute):
        raise InvalidInput(f"{substitute.name}不能担任代理人：{SUBSTITUTE_RULE}", {"substitute": "该人员不能担任代理人"})
    row = Substitution(person_id=person_id, substitute_id=substitute_id, starts_on=starts_on, ends_on=ends_on,
                       reason=reason)
    session.add(row)
    session.flush()
    audit.record(session, actor, "substitution.added", now, object_type="substitution", object_id=row.id,
                 summary=f"{person.name}在 {starts_on} 至 {ends_on} 由{substitute.name}代理"
                         + (f"（{reason}）" if reason else ""),
                 after={"person_id": person_id, "substitute_id": substitute_id, "starts_on": str(starts_on),
                        "ends_on": str(ends_on), "reason": reason})
    publish(session, SubstituteNamed(row.id, substitute_id, person.name, starts_on, ends_on, reason, now))
    session.commit()
    return row


def get_substitution(session: Session, substitution_id: int) -> Substitution:
    row = session.get(Substitution, substitution_id)
    if row is None:
        raise NotFound("该代理记录不存在")
    return row


def end_substitution(session: Session, actor: Person, substitution_id: int, now: datetime) -> None:
    """Stop a substitution today (from today the person gets their own tasks again); a future one is cancelled."""
    row = get_substitution(session, substitution_id)
    person = session.get(Person, row.person_id)
    if person is None:  # person_id is a foreign key, so only a damaged database gets here
        raise NotFound("该人员不存在")
    may_end(session, actor, person)
    today = now.date()
    if row.ends_on < today:
        raise Conflict("该代理已经结束")
    before = {"starts_on": str(row.starts_on), "ends_on": str(row.ends_on)}
    if row.starts_on >= today:
        audit.record(session, actor, "substitution.cancelled", now, object_type="substitution", object_id=row.id,
                     summary=f"取消了{person.name}由{row.substitute.name}代理的安排", before=before)
        session.execute(delete(Substitution).where(Substitution.id == row.id))
        cache.stamp(session)
    else:
        row.ends_on = today - timedelta(days=1)
        audit.record(session, actor, "substitution.ended", now, object_type="substitution", object_id=row.id,
                     summary=f"{person.name}已返岗，{row.substitute.name}的代理结束", before=before,
                     after={"ends_on": str(row.ends_on)})
    session.commit()


def substitutions_of(session: Session, person: Person) -> list[Substitution]:
    """A person's substitutions, latest first (what 我的设置 lists)."""
    return list(session.scalars(select(Substitution).options(selectinload(Substitution.substitute))
                                .where(Substitution.person_id == person.id)
                                .order_by(Substitution.starts_on.desc(), Substitution.id.desc())))


def current_substitutions(session: Session, actor: Person, now: datetime) -> list[tuple[Substitution, Person]]:
    """Substitutions running today or later, with the absent person: all of them for supervisors, school leaders
    and the quality office; a unit head sees those of the people in the units they head."""
    everyone = is_quality_office(session, actor) or is_school_leader(session, actor)
    if not everyone and not sees_some_substitutions(session, actor):
        raise NotAllowed("只有督导、校领导、部门负责人和质量办可以查看代理安排")
    rows = session.execute(select(Substitution, Person).join(Person, Person.id == Substitution.person_id)
                           .options(selectinload(Substitution.substitute))
                           .where(Substitution.ends_on >= now.date())
                           .order_by(Substitution.starts_on, Person.name)).all()
    return [(sub, person) for sub, person in rows if everyone or heads_unit_of(session, actor, person)]


def sees_some_substitutions(session: Session, actor: Person) -> bool:
    """Whether the 代理安排 page is for `actor`: supervisors, leaders, the quality office and unit heads."""
    return (is_quality_office(session, actor) or is_school_leader(session, actor)
            or heads_some_unit(session, actor))
