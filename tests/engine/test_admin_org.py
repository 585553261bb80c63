"""The admin keeps the school's own org: units, people, roles, dated holdings, subjects and its settings."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.org.models import Person, Role, Subject, Unit
from engine.org.people import find_person
from engine.org.people_admin import add_person, deactivate_person, find_people, reset_password
from engine.org.roles_admin import add_role, set_role_flags
from engine.org.routing import quality_office_ids, route_task
from engine.org.school import save_logo, save_school, school_name, school_settings
from engine.org.subjects_admin import add_subject, find_subjects
from engine.org.units_admin import add_unit, edit_unit, move_unit, reopen_unit, unit_tree
from engine.workflow.unit_closing import close_unit
from tests.conftest import T0


def unit(session, code):
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def admin(session):
    return find_person(session, "admin")


def test_the_admin_adds_renames_moves_closes_and_reopens_a_unit(org_session):
    session, boss = org_session, admin(org_session)
    office = add_unit(session, boss, "T-WL", "物流教研室", "office", unit(session, "B-CJ").id, "物流室, 物流", T0)
    assert office.aliases == "物流室、物流"
    edit_unit(session, boss, office.id, "现代物流教研室", "office", "物流室", T0)
    move_unit(session, boss, office.id, unit(session, "B-IT").id, T0)
    assert session.get(Unit, office.id).parent_id == unit(session, "B-IT").id
    close_unit(session, boss, office.id, T0)
    assert not session.get(Unit, office.id).active
    reopen_unit(session, boss, office.id, T0)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "unit",
                                                              AuditEvent.object_id == str(office.id))).all()
    assert actions == ["unit.added", "unit.edited", "unit.moved", "unit.closed", "unit.reopened"]
    rows = {row.unit.code: row for row in unit_tree(session, "现代物流")}
    assert set(rows) == {"SCHOOL", "B-IT", "T-WL"} and rows["T-WL"].depth == 2


def test_a_move_that_makes_a_cycle_or_moves_the_school_is_refused_and_changes_nothing(org_session):
    session, boss = org_session, admin(org_session)
    division, office = unit(session, "B-IT"), unit(session, "T-JSJ")
    with pytest.raises(InvalidInput, match="循环"):
        move_unit(session, boss, division.id, office.id, T0)
    with pytest.raises(InvalidInput, match="根"):
        move_unit(session, boss, unit(session, "SCHOOL").id, office.id, T0)
    session.rollback()
    assert unit(session, "B-IT").parent_id == unit(session, "SCHOOL").id


def test_a_duplicate_code_or_a_missing_parent_is_refused(org_session):
    session, boss = org_session, admin(org_session)
    with pytest.raises(InvalidInput, match="已被使用"):
        add_unit(session, boss, "B-IT", "信息部", "division", unit(session, "SCHOOL").id, "", T0)
    with pytest.raises(InvalidInput, match="上级单位"):
        add_unit(session, boss, "B-NEW", "新部", "division", None, "", T0)


def test_a_unit_with_people_children_or_running_cycles_cannot_close(session):
    boss = admin(session)
    with pytest.raises(Conflict, match="在职人员"):
        close_unit(session, boss, unit(session, "T-DS").id, T0)
    with pytest.raises(Conflict, match="下级单位"):
        close_unit(session, boss, unit(session, "B-CJ").id, T0)
    from engine.workflow.cycles import start_cycle
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    with pytest.raises(Conflict, match="进行中的诊改周期"):
        close_unit(session, boss, unit(session, "C-WDYY").id, T0)


def test_only_an_administrator_changes_the_org(org_session):
    office = find_person(org_session, "zhaohong")
    with pytest.raises(NotAllowed):
        add_unit(org_session, office, "X", "X", "office", unit(org_session, "SCHOOL").id, "", T0)


def test_a_new_person_gets_a_one_time_password_and_deactivating_ends_their_sessions(org_session):
    session, boss = org_session, admin(org_session)
    person, password = add_person(session, boss, "t2025001", "钱多多", unit(session, "T-DS").id, "staff",
                                  "qdd@example.edu.cn", "13800000000", T0)
    assert len(password) == 10 and person.must_change_password
    with pytest.raises(InvalidInput, match="已被使用"):
        add_person(session, boss, "t2025001", "别人", unit(session, "T-DS").id, "staff", "", "", T0)
    assert [p.username for p in find_people(session, "电子商务", status="active").items].count("t2025001") == 1
    version = person.session_version
    deactivate_person(session, boss, person.id, T0)
    assert not person.active and person.session_version == version + 1
    _, again = reset_password(session, boss, person.id, T0)
    assert again != password
    events = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(person.id),
                                                             AuditEvent.object_type == "person")).all()
    assert events == ["person.added", "person.deactivated", "person.password_reset"]


def new_course(session, code="C-WLGL", name="物流管理"):
    boss = admin(session)
    course = add_unit(session, boss, code, name, "course", unit(session, "T-DS").id, "", T0)
    add_subject(session, boss, "course", code, name, course.id, "", T0)
    return session.scalars(select(Subject).where(Subject.code == code)).one()


def test_a_dated_holding_routes_only_between_its_days(org_session):
    from engine.org.holdings_admin import HoldingChange
    from engine.supervision.holding_changes import save_holding_change
    session, boss = org_session, admin(org_session)
    subject = new_course(session)
    lead = find_person(session, "lijun")
    role = session.scalars(select(Role).where(Role.name == "课程负责人")).one()
    start, end = T0.date() + timedelta(days=10), T0.date() + timedelta(days=20)
    save_holding_change(session, boss, HoldingChange("add", person_id=lead.id, role_id=role.id,
                                                     unit_id=subject.unit_id, starts_on=start, ends_on=end),
                        False, T0)
    lane = {"lane": "课程负责人"}
    assert route_task(session, lane, subject, {}, T0).unroutable
    assert route_task(session, lane, subject, {}, T0 + timedelta(days=10)).assignee_id == lead.id
    assert route_task(session, lane, subject, {}, T0 + timedelta(days=20)).assignee_id == lead.id
    assert route_task(session, lane, subject, {}, T0 + timedelta(days=21)).unroutable


def test_the_preview_lists_the_tasks_a_new_holding_or_an_ended_one_would_move(session):
    from engine.org.holdings_admin import HoldingChange
    from engine.org.models import RoleHolding
    from engine.supervision.holding_changes import preview_holding_change, save_holding_change
    from engine.workflow.cycles import start_cycle
    from engine.workflow.models import HumanTask
    boss = admin(session)
    subject = new_course(session)
    instance = start_cycle(session, None, "course_cycle", subject.code, "2025-2026-1", T0)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert task.unroutable
    other = start_cycle(session, None, "course_cycle", "C-PY", "2025-2026-1", T0)  # 李俊's: not moved
    lead, role = find_person(session, "lijun"), session.scalars(select(Role).where(Role.name == "课程负责人")).one()
    change = HoldingChange("add", person_id=lead.id, role_id=role.id, unit_id=subject.unit_id)
    _, moves = preview_holding_change(session, boss, change, T0)
    assert [(m.task.id, m.to_ids) for m in moves] == [(task.id, [lead.id])]
    assert sorted(moves[0].from_ids) == sorted(quality_office_ids(session, T0.date()))
    assert session.get(HumanTask, task.id).assignee_id is None  # a preview changes nothing
    row, moved = save_holding_change(session, boss, change, True, T0)
    assert moved == 1 and session.get(HumanTask, task.id).assignee_id == lead.id
    ending = HoldingChange("end", holding_id=row.id)
    _, moves = preview_holding_change(session, boss, ending, T0)
    assert [m.task.id for m in moves] == [task.id] and moves[0].from_ids == [lead.id]
    assert moves[0].to_quality_office
    py_task = session.scalars(select(HumanTask).where(HumanTask.instance_id == other.id)).one()
    assert py_task.id not in [m.task.id for m in moves]
    save_holding_change(session, boss, ending, False, T0)
    assert session.get(RoleHolding, row.id).ends_on == T0.date() - timedelta(days=1)
    assert session.get(HumanTask, task.id).assignee_id == lead.id  # not moved unless asked


def test_marking_a_role_as_quality_office_sends_it_unroutable_tasks(org_session):
    session, boss = org_session, admin(org_session)
    subject = new_course(session)
    supervisors = {find_person(session, "zhouqiang").id, find_person(session, "wuping").id}
    role = session.scalars(select(Role).where(Role.name == "督导员")).one()
    lane = {"lane": "没有这个角色"}
    assert not supervisors & set(route_task(session, lane, subject, {}, T0).candidate_ids)
    set_role_flags(session, boss, role.id, False, True, T0)
    assert supervisors <= set(route_task(session, lane, subject, {}, T0).candidate_ids)
    set_role_flags(session, boss, role.id, False, False, T0)
    assert not supervisors & set(route_task(session, lane, subject, {}, T0).candidate_ids)


def test_a_role_code_or_name_in_use_is_refused(org_session):
    with pytest.raises(InvalidInput, match="已被使用"):
        add_role(org_session, admin(org_session), "course_lead", "新角色", False, False, T0)
    with pytest.raises(InvalidInput, match="已被使用"):
        add_role(org_session, admin(org_session), "new_role", "课程负责人", False, False, T0)


def test_teacher_subjects_need_their_person(org_session):
    boss = admin(org_session)
    with pytest.raises(InvalidInput, match="本人工号"):
        add_subject(org_session, boss, "teacher", "T-new", "某老师", unit(org_session, "T-DS").id, "", T0)
    add_subject(org_session, boss, "teacher", "T-new", "韩雪", unit(org_session, "T-DS").id, "hanxue", T0)
    assert [s.code for s in find_subjects(org_session, "teacher", "T-new").items] == ["T-new"]


def test_the_deactivated_persons_open_tasks_are_listed_and_reassigned(session):
    from engine.supervision.task_moves import open_tasks_of, reassign_tasks
    from engine.workflow.cycles import start_cycle
    from engine.workflow.models import HumanTask
    boss = admin(session)
    start_cycle(session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
    leaver = find_person(session, "chenxiaoyu")
    deactivate_person(session, boss, leaver.id, T0)
    (task,) = open_tasks_of(session, leaver.id)
    with pytest.raises(InvalidInput, match="不能办理"):
        reassign_tasks(session, boss, {task.id: find_person(session, "liuxin").id}, "离职", T0)
    taker = find_person(session, "wangfang")  # 课程负责人 of 直播电商, in the same 教研室
    assert reassign_tasks(session, boss, {task.id: taker.id}, "离职", T0) == 1
    assert session.get(HumanTask, task.id).assignee_id == taker.id
    assert open_tasks_of(session, leaver.id) == []


def test_school_settings_default_to_the_root_unit_and_refuse_svg_or_large_logos(org_session):
    session, boss = org_session, admin(org_session)
    assert school_settings(session).name == school_name(session) == "示例市职业技术学校"
    edit_unit(session, boss, unit(session, "SCHOOL").id, "示例市高级职业技术学校", "school", "", T0)
    assert school_name(session) == "示例市高级职业技术学校"  # still the root unit's, until saved
    save_school(session, boss, "海滨市第二职业学校", "海滨二职", "en", T0)
    assert school_name(session) == "海滨市第二职业学校" and school_settings(session).default_locale == "en"
    with pytest.raises(InvalidInput, match="SVG"):
        save_logo(session, boss, b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', T0)
    with pytest.raises(InvalidInput, match="KB"):
        save_logo(session, boss, b"\x89PNG\r\n\x1a\n" + b"0" * 300_000, T0)
    save_logo(session, boss, b"\x89PNG\r\n\x1a\n" + b"0" * 100, T0)
    assert school_settings(session).logo_type == "image/png"
    assert session.scalars(select(Person).where(Person.username == "admin")).one().is_admin
