"""The org snapshot: read once per change, never stale after a commit, never showing a rolled-back change."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.assembly import session_factory
from engine.org.models import Person, Role, RoleHolding, Subject, Substitution
from engine.org.people import find_person
from engine.org.routing import find_role, route_task, substitute_for
from engine.org.substitutes import end_substitution
from engine.parts import engine_of
from tests.conftest import T0


def _route(session: Session, lane: str, subject_code: str):  # type: ignore[no-untyped-def]
    subject = session.scalars(select(Subject).where(Subject.code == subject_code)).one()
    return route_task(session, {"lane": lane}, subject, {}, T0)


def _other_session(session: Session) -> Session:
    return session_factory(session.get_bind(), engine_of(session))()


def _count_statements(session: Session):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_routing_reads_the_org_once_and_then_only_the_token(org_session):
    subject = org_session.scalars(select(Subject).where(Subject.code == "C-WDYY")).one()
    route_task(org_session, {"lane": "课程负责人"}, subject, {}, T0)
    route_task(org_session, {"lane": "专业带头人"}, subject, {}, T0)  # its reason names the subject's unit
    org_session.commit()
    seen = _count_statements(org_session)
    route_task(org_session, {"lane": "课程负责人"}, subject, {}, T0)
    route_task(org_session, {"lane": "专业带头人"}, subject, {}, T0)
    org_tables = [s for s in seen if any(f"FROM {t}" in s for t in ("role_holding", "unit", "role\n", "substitution"))]
    assert org_tables == []
    assert sum("cache_token" in s for s in seen) == 1  # once per transaction


def test_a_new_holder_committed_elsewhere_is_seen_by_the_next_transaction(org_session):
    role = org_session.scalars(select(Role).where(Role.name == "督导员")).one()
    before = _route(org_session, "督导员", "C-WDYY")
    org_session.commit()
    other = _other_session(org_session)
    newcomer = Person(username="xinren", name="新人", unit_id=other.get(Subject, 1).unit_id)
    other.add(newcomer)
    other.flush()
    other.add(RoleHolding(person_id=newcomer.id, role_id=role.id, unit_id=newcomer.unit_id))
    other.commit()
    after = _route(org_session, "督导员", "C-WDYY")
    assert newcomer.id not in ([before.assignee_id] + before.candidate_ids)
    assert newcomer.id in ([after.assignee_id] + after.candidate_ids)
    other.close()


def test_an_unflushed_change_is_seen_in_its_own_transaction_and_a_rolled_back_one_nowhere(org_session):
    _route(org_session, "督导员", "C-WDYY")
    org_session.commit()
    other = _other_session(org_session)
    role = other.scalars(select(Role).where(Role.name == "督导员")).one()
    zhou = find_person(other, "zhouqiang")
    wang = find_person(other, "wangfang")
    other.add(RoleHolding(person_id=wang.id, role_id=role.id, unit_id=zhou.holdings[0].unit_id))
    inside = _route(other, "督导员", "C-WDYY")  # not flushed yet: the snapshot flushes first
    assert wang.id in [inside.assignee_id] + inside.candidate_ids
    other.rollback()
    org_session.rollback()
    outside = _route(org_session, "督导员", "C-WDYY")
    again = _route(other, "督导员", "C-WDYY")
    assert wang.id not in [outside.assignee_id] + outside.candidate_ids
    assert wang.id not in [again.assignee_id] + again.candidate_ids
    other.close()


def test_a_substitution_ended_or_cancelled_stops_at_once(org_session):
    chen = find_person(org_session, "chenxiaoyu")
    wang = find_person(org_session, "wangfang")
    org_session.add(Substitution(person_id=chen.id, substitute_id=wang.id, starts_on=T0.date() + timedelta(days=1),
                                 ends_on=T0.date() + timedelta(days=5), reason="培训"))
    org_session.commit()
    tomorrow = T0 + timedelta(days=1)
    assert substitute_for(org_session, chen.id, tomorrow) == wang.id
    row = org_session.scalars(select(Substitution)).one()
    end_substitution(org_session, chen, row.id, T0)  # not begun yet: the row is deleted
    assert org_session.scalars(select(Substitution)).all() == []
    assert substitute_for(org_session, chen.id, tomorrow) == chen.id


def test_a_renamed_role_is_found_under_its_new_name(org_session):
    find_role(org_session, "督导员")
    role = org_session.scalars(select(Role).where(Role.name == "督导员")).one()
    role.name = "教学督导员"
    org_session.commit()
    assert find_role(org_session, "督导员") is None
    assert find_role(org_session, "教学督导员").id == role.id


def test_next_terms_course_lead_loaded_ahead_gets_tasks_only_from_their_first_day(org_session):
    role = org_session.scalars(select(Role).where(Role.name == "课程负责人")).one()
    subject = org_session.scalars(select(Subject).where(Subject.code == "C-WDYY")).one()
    current = _route(org_session, "课程负责人", "C-WDYY").assignee_id
    old = org_session.scalars(select(RoleHolding).where(RoleHolding.role_id == role.id,
                                                        RoleHolding.unit_id == subject.unit_id)).one()
    old.ends_on = (T0 + timedelta(days=9)).date()
    newcomer = Person(username="xinfuze", name="新负责人", unit_id=subject.unit_id)
    org_session.add(newcomer)
    org_session.flush()
    org_session.add(RoleHolding(person_id=newcomer.id, role_id=role.id, unit_id=subject.unit_id,
                                starts_on=(T0 + timedelta(days=10)).date()))
    org_session.commit()
    assert _route(org_session, "课程负责人", "C-WDYY").assignee_id == current
    later = route_task(org_session, {"lane": "课程负责人"}, subject, {}, T0 + timedelta(days=10))
    assert later.assignee_id == newcomer.id
