"""Accounts in the engine: the first administrator, changing a password, reset links, the directory's
password at sign-in, and the directory's people written as the org sheets."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.errors import InvalidInput, NotFound, Unavailable
from engine.org.accounts import change_password, create_admin
from engine.org.directory import DirectoryPerson
from engine.org.directory_sync import directory_sheets
from engine.org.people import find_person
from engine.org.resets import issue_reset, reset_holder, use_reset
from engine.org.sign_in import sign_in, sign_in_verified
from tests.conftest import T0


def test_create_admin_makes_a_new_administrator_whose_password_meets_the_policy(org_session):
    with pytest.raises(InvalidInput, match="至少需要 8 个字符"):
        create_admin(org_session, "boss", "short", T0)
    with pytest.raises(InvalidInput, match="用户名"):
        create_admin(org_session, "two words", "Campus-Lead-26", T0)

    person, created = create_admin(org_session, "boss", "Campus-Lead-26", T0, name="王校长")

    assert created and person.is_admin and person.name == "王校长"
    assert sign_in(org_session, "boss", "Campus-Lead-26", "10.0.0.1", T0).person is person


def test_change_password_checks_the_current_one_and_clears_the_one_time_flag(org_session):
    person = find_person(org_session, "chenxiaoyu")
    person.must_change_password = True
    version = person.session_version

    with pytest.raises(InvalidInput) as wrong:
        change_password(org_session, person, "nope", "Lotus-Pond-88", "Lotus-Pond-88", T0)
    assert wrong.value.errors == {"current": ["当前密码不正确"]}
    with pytest.raises(InvalidInput) as same:
        change_password(org_session, person, "demo123", "demo123", "demo123", T0)
    assert "new" in same.value.errors
    change_password(org_session, person, "demo123", "Lotus-Pond-88", "Lotus-Pond-88", T0)

    assert not person.must_change_password and person.session_version == version + 1


def test_a_reset_link_sets_a_password_once_and_only_within_its_hour(org_session):
    person = find_person(org_session, "wangfang")
    token = issue_reset(org_session, person, "10.0.0.1", T0)
    org_session.commit()

    assert reset_holder(org_session, token, T0 + timedelta(minutes=59)) is person
    with pytest.raises(NotFound, match="已失效"):
        reset_holder(org_session, token, T0 + timedelta(hours=1))
    with pytest.raises(NotFound):
        reset_holder(org_session, "made-up-token", T0)
    use_reset(org_session, token, "Lotus-Pond-88", "Lotus-Pond-88", T0 + timedelta(minutes=5))
    with pytest.raises(NotFound):
        use_reset(org_session, token, "Other-Pond-99", "Other-Pond-99", T0 + timedelta(minutes=6))
    assert sign_in(org_session, "wangfang", "Lotus-Pond-88", "10.0.0.1", T0).person is person


def test_the_directory_password_signs_in_and_a_dead_directory_leaves_local_passwords_working(org_session):
    directory = {"chenxiaoyu": "Dir-Pass-01"}

    def check(username: str, password: str) -> bool:
        return directory.get(username) == password

    def dead(username: str, password: str) -> bool:
        raise Unavailable("LDAP 无法连接")

    signed = sign_in(org_session, "chenxiaoyu", "Dir-Pass-01", "10.0.0.1", T0, directory=check)
    assert signed.person is not None and signed.method == "ldap"
    assert sign_in(org_session, "chenxiaoyu", "Dir-Pass-01", "10.0.0.1", T0, directory=dead).problem == "unavailable"
    local = sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.1", T0, directory=dead)
    assert local.person is not None and local.method == "password"
    assert sign_in(org_session, "chenxiaoyu", "demo123", "10.0.0.1", T0, local_admins_only=True).person is None
    assert sign_in(org_session, "admin", "demo123", "10.0.0.1", T0, local_admins_only=True).person is not None


def test_a_verified_campus_user_maps_to_a_person_by_staff_number(org_session):
    assert sign_in_verified(org_session, "chenxiaoyu", "cas", "10.0.0.1", T0).person is not None
    assert sign_in_verified(org_session, "stranger", "cas", "10.0.0.1", T0).problem == "no_person"
    find_person(org_session, "wangfang").active = False
    assert sign_in_verified(org_session, "wangfang", "cas", "10.0.0.1", T0).problem == "inactive"
    actions = list(org_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("auth.%"))
                                       .order_by(AuditEvent.id)))
    assert actions == ["auth.signed_in", "auth.failed", "auth.failed"]


def test_directory_people_become_the_org_sheets_with_units_matched_by_code_name_or_alias(org_session):
    people = [DirectoryPerson("wangfang", "王芳", "wf@school.example", "", "教职工", "电子商务教研室"),
              DirectoryPerson("t9001", "林新", "", "", "教职工", "B-IT"),
              DirectoryPerson("s9002", "周同学", "", "", "学生", "继续教育部"),
              DirectoryPerson("t9003", "无单位", "", "", "", "")]

    sheets = directory_sheets(org_session, people)

    rows = dict(sheets["人员"])
    assert rows[2] == {"工号": "wangfang", "姓名": "王芳", "所属单位代码": "T-DS", "类别": "教职工",
                       "邮箱": "wf@school.example"}  # no 手机 in the directory: the person's is kept
    assert rows[3]["所属单位代码"] == "B-IT" and rows[4]["所属单位代码"] == "继续教育部"
    assert rows[5] == {"工号": "t9003", "姓名": "无单位"}
    kept = {row["工号"]: row for number, row in sheets["人员"] if number > 5}
    assert kept["chenxiaoyu"] == {"工号": "chenxiaoyu", "姓名": "陈晓雨"}  # not in the directory: kept as is
    units = {row["代码"]: row for _, row in sheets["单位"]}
    assert units["继续教育部"] == {"代码": "继续教育部", "名称": "继续教育部", "类型": "处室", "上级代码": "SCHOOL"}
    assert units["T-DS"]["类型"] == "教研室"  # every open unit is listed, or the importer would close it
    assert "chenxiaoyu" not in {row["工号"] for _, row in
                                directory_sheets(org_session, people, deactivate_missing=True)["人员"]}


def test_directory_people_in_known_units_need_no_unit_sheet(org_session):
    sheets = directory_sheets(org_session, [DirectoryPerson("wangfang", "王芳", unit="电子商务教研室")])

    assert set(sheets) == {"人员"}
