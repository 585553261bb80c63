"""The org import on the demo school: all or nothing with every problem named by sheet, row and column;
idempotent; changed rows update; people who left are deactivated and come back; dated holdings; the export
imports back with no change."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from engine.audit import AuditEvent
from engine.errors import InvalidWorkbook, NotAllowed
from engine.org.imports import export_org, import_org
from engine.org.models import Person, RoleHolding, Subject, Unit
from engine.org.people import find_person
from engine.org.routing import route_task
from engine.org.workbook import read_org_workbook, template_workbook, write_workbook
from tests.engine.org_workbooks import xlsx

NOW = datetime(2026, 2, 20, 9, 0)


def counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in
                 (Unit, Person, RoleHolding, Subject, AuditEvent))


def run(session, sheets, *, dry_run=False, actor=None, now=NOW):
    return import_org(session, actor, read_org_workbook(xlsx(sheets)), now, dry_run=dry_run)


def problems(session, sheets) -> list[str]:
    with pytest.raises(InvalidWorkbook) as caught:
        run(session, sheets, dry_run=True)
    return [str(p) for p in caught.value.problems]


def demo_sheets(session):
    return read_org_workbook(write_workbook(export_org(session)))


def test_unknown_parent_and_duplicate_username_are_refused_together_and_nothing_is_written(org_session):
    before = counts(org_session)
    sheets = {"单位": [("X-1", "新教研室", "教研室", "X-99", "")],
              "人员": [("NEW1", "新人甲", "T-JSJ", "教职工", "", ""), ("NEW2", "新人乙", "T-JSJ", "教职工", "", ""),
                     ("NEW1", "新人丙", "T-JSJ", "教职工", "", "")]}
    with pytest.raises(InvalidWorkbook) as caught:
        run(org_session, sheets)
    found = [str(p) for p in caught.value.problems]
    assert "单位 第 2 行 上级代码：找不到单位 X-99" in found
    assert "人员 第 4 行 工号：与第 2 行重复：NEW1" in found
    org_session.rollback()
    assert counts(org_session) == before
    assert find_person(org_session, "NEW2") is None


@pytest.mark.parametrize(("sheets", "expected"), [
    ({"人员": [("N1", "甲", "X-99", "教职工", "", "")]}, "人员 第 2 行 所属单位代码：找不到单位 X-99"),
    ({"任职": [("lijun", "课程负责人", "X-99", None, None)]}, "任职 第 2 行 单位代码：找不到单位 X-99"),
    ({"任职": [("nobody", "课程负责人", "C-PY", None, None)]}, "任职 第 2 行 工号：找不到工号为 nobody 的人员"),
    ({"任职": [("lijun", "宇航员", "C-PY", None, None)]}, "任职 第 2 行 角色：没有名称或代码为“宇航员”的角色"),
    ({"任职": [("lijun", "课程负责人", "C-PY", "下学期", None)]}, "任职 第 2 行 开始日期：不是日期：下学期"),
    ({"任职": [("lijun", "课程负责人", "C-PY", "2026-03-01", "2026/2/1")]},
     "任职 第 2 行 结束日期：结束日期 2026-02-01 早于开始日期 2026-03-01"),
    ({"任职": [("lijun", "课程负责人", "C-PY", None, None), ("lijun", "course_lead", "C-PY", None, None)]},
     "任职 第 3 行 角色：与第 2 行重复：lijun / 课程负责人 / C-PY"),
    ({"单位": [("SCHOOL", "学校", "学校", "", ""), ("SCHOOL", "学校", "学校", "", "")]},
     "单位 第 3 行 代码：与第 2 行重复：SCHOOL"),
    ({"单位": [("SCHOOL", "学校", "大学", "", "")]}, "单位 第 2 行 类型：不认识的类型“大学”"),
    ({"人员": [("N1", "甲", "T-JSJ", "家长", "", "")]}, "人员 第 2 行 类别：不认识的类别“家长”"),
    ({"诊改对象": [("院系", "X", "某", "SCHOOL", "")]}, "诊改对象 第 2 行 层面：不认识的层面“院系”"),
    ({"人员": [("N1", "", "T-JSJ", "教职工", "", "")]}, "人员 第 2 行 姓名：不能为空"),
    ({"人员": [("N1", "甲", "T-JSJ", "教职工", "not-an-address", "")]}, "人员 第 2 行 邮箱：不是有效的邮箱地址"),
    ({"诊改对象": [("教师", "T-X", "某老师", "T-JSJ", "")]}, "诊改对象 第 2 行 本人工号：教师层面的诊改对象须填写本人工号"),
    ({"诊改对象": [("学生", "S-X", "某学生", "K-2024DS1", "ghost")]}, "诊改对象 第 2 行 本人工号：找不到工号为 ghost 的人员"),
    ({"单位": [("A", "甲", "学校", "", ""), ("B", "乙", "学校", "", "")]}, "单位 第 3 行 上级代码：只能有一个没有上级的单位"),
    ({"单位": [("A", "甲", "处室", "B", ""), ("B", "乙", "处室", "A", "")]}, "单位 第 2 行 上级代码：单位的上下级形成循环：A → B → A"),
    # The demo's SCHOOL still has people: a workbook naming another school (and not SCHOOL) would make two.
    ({"单位": [("OTHER", "另一所学校", "学校", "", "")]}, "单位 第 2 行 上级代码：只能有一个没有上级的单位（学校）：系统中的 SCHOOL"),
    # SCHOOL is in the database under nobody; putting it under one of its own descendants closes a loop.
    ({"单位": [("SCHOOL", "示例市职业技术学校", "学校", "T-JSJ", "")]}, "单位 第 2 行 上级代码：单位的上下级形成循环：SCHOOL → T-JSJ → B-IT"),
])
def test_each_problem_is_named_with_sheet_row_and_column(org_session, sheets, expected):
    found = problems(org_session, sheets)
    assert any(p.startswith(expected) for p in found), found


def test_a_file_that_is_not_a_workbook_or_lacks_a_header_is_refused():
    with pytest.raises(InvalidWorkbook) as caught:
        read_org_workbook(b"PK\x03\x04 not really a zip")
    assert "不是 Excel 工作簿" in str(caught.value.problems[0])
    with pytest.raises(InvalidWorkbook) as caught:
        read_org_workbook(xlsx({"人员": [("N1", "甲")]}, headers={"人员": ("账号", "姓名")}))
    assert str(caught.value.problems[0]).startswith("人员 第 1 行 工号：缺少列“工号”")
    with pytest.raises(InvalidWorkbook) as caught:
        read_org_workbook(xlsx({"Sheet1": [("a",)]}, headers={"Sheet1": ("x",)}))
    assert "没有可导入的工作表" in str(caught.value.problems[0])


def test_the_template_reads_back_with_its_example_rows():
    sheets = read_org_workbook(template_workbook())
    assert set(sheets) == {"单位", "人员", "任职", "诊改对象"}
    assert sheets["任职"][0][1]["开始日期"] == "2026-02-23"


def test_the_same_workbook_twice_changes_nothing(org_session):
    sheets = demo_sheets(org_session)
    before = counts(org_session)
    report = import_org(org_session, None, sheets, NOW, dry_run=False)
    assert report.total == 0 and report.summary() == "没有变化" and not report.notes
    assert counts(org_session) == before  # not even an audit event


def test_a_changed_row_updates_that_unit_person_holding_and_subject(org_session):
    sheets = demo_sheets(org_session)
    sheets["单位"] = [(n, {**r, "名称": "计算机应用教研室", "简称": "计算机组"} if r["代码"] == "T-JSJ" else r)
                     for n, r in sheets["单位"]]
    sheets["人员"] = [(n, {**r, "邮箱": "lijun@new.example", "手机": "13911112222"} if r["工号"] == "lijun" else r)
                     for n, r in sheets["人员"]]
    sheets["任职"] = [(n, {**r, "结束日期": "2026-07-10"} if (r["工号"], r["单位代码"]) == ("lijun", "C-WEB") else r)
                     for n, r in sheets["任职"]]
    sheets["诊改对象"] = [(n, {**r, "名称": "Python程序设计"} if r["代码"] == "C-PY" else r) for n, r in sheets["诊改对象"]]
    report = import_org(org_session, None, sheets, NOW, dry_run=False)
    assert report.counts() == {"单位": {"changed": 1}, "人员": {"changed": 1}, "任职": {"changed": 1},
                               "诊改对象": {"changed": 1}}
    office = org_session.scalars(select(Unit).where(Unit.code == "T-JSJ")).one()
    assert office.name == "计算机应用教研室" and office.alias_list() == ["计算机组"]
    lijun = find_person(org_session, "lijun")
    assert (lijun.email, lijun.phone) == ("lijun@new.example", "13911112222")
    assert {h.unit.code: h.ends_on for h in lijun.holdings}["C-WEB"] == date(2026, 7, 10)
    events = org_session.scalars(select(AuditEvent).where(AuditEvent.action == "person.changed")).all()
    assert [(e.object_type, e.object_id, e.before, e.after) for e in events] == [
        ("person", str(lijun.id), {"邮箱": "lijun@demo.school.example", "手机": ""},
         {"邮箱": "lijun@new.example", "手机": "13911112222"})]
    holding_event = org_session.scalars(select(AuditEvent).where(AuditEvent.action == "holding.changed")).one()
    assert holding_event.object_id == str(lijun.id)  # on the person's timeline


def test_people_who_left_are_deactivated_never_deleted_and_come_back(org_session):
    sheets = demo_sheets(org_session)
    full = list(sheets["人员"])
    sheets["人员"] = [(n, r) for n, r in full if r["工号"] not in ("zhaolei", "admin")]
    report = import_org(org_session, None, sheets, NOW, dry_run=False)
    assert report.counts()["人员"] == {"deactivated": 1}  # admin is an administrator: never deactivated
    assert find_person(org_session, "zhaolei").active is False
    assert find_person(org_session, "admin").active is True
    sheets["人员"] = full
    report = import_org(org_session, None, sheets, NOW, dry_run=False)
    assert report.counts()["人员"] == {"reactivated": 1}
    assert find_person(org_session, "zhaolei").active is True
    assert report.passwords == []  # a returning person keeps their password


def test_new_people_get_a_one_time_password_they_must_change(org_session):
    report = run(org_session, {"人员": [("NEW1", "新老师", "T-JSJ", "教职工", "", "")]}, dry_run=False)
    # The sheet names only NEW1 and admin is kept: every other demo person is deactivated.
    assert report.counts()["人员"]["added"] == 1
    (given,) = report.passwords
    person = find_person(org_session, "NEW1")
    assert given.username == "NEW1" and person.must_change_password
    assert check_password_hash(person.password_hash, given.password)


def test_a_dry_run_reports_and_writes_nothing(org_session):
    before = counts(org_session)
    report = run(org_session, {"单位": [("SCHOOL", "示例市职业技术学校", "学校", "", "")]}, dry_run=True)
    assert report.dry_run and report.counts()["单位"]["closed"] >= 1
    assert any("未关闭" in note for note in report.notes)  # units with people stay open, and the report says so
    org_session.rollback()
    assert counts(org_session) == before


def test_units_left_out_are_closed_unless_still_used(org_session):
    sheets = demo_sheets(org_session)
    sheets["单位"].append((99, {"代码": "D-TEMP", "名称": "临时办公室", "类型": "处室", "上级代码": "SCHOOL", "简称": ""}))
    sheets["单位"].append((100, {"代码": "D-PREP", "名称": "筹建办", "类型": "处室", "上级代码": "SCHOOL", "简称": ""}))
    import_org(org_session, None, sheets, NOW, dry_run=False)
    sheets["单位"] = [(n, r) for n, r in sheets["单位"] if r["代码"] not in ("D-TEMP", "D-PREP", "T-JSJ")]
    report = import_org(org_session, None, sheets, NOW, dry_run=False)
    closed = {c.key for c in report.changes if c.action == "closed"}
    assert closed == {"D-TEMP", "D-PREP"}
    assert any(note.startswith("单位 T-JSJ") for note in report.notes)
    units = {u.code: u.active for u in org_session.scalars(select(Unit))}
    assert units["D-TEMP"] is False and units["T-JSJ"] is True


def test_holdings_left_out_end_the_day_before_and_dated_ones_route_only_between_their_days(org_session):
    sheets = demo_sheets(org_session)
    sheets["任职"] = [(n, r) for n, r in sheets["任职"] if (r["工号"], r["单位代码"]) != ("lijun", "C-PY")
                    or r["角色"] != "课程负责人"]
    sheets["任职"].append((99, {"工号": "zhaolei", "角色": "课程负责人", "单位代码": "C-PY", "开始日期": datetime(2026, 2, 23),
                                "结束日期": "2026/7/10"}))
    report = import_org(org_session, None, sheets, NOW, dry_run=False)
    assert report.counts()["任职"] == {"added": 1, "ended": 1}
    lijun = find_person(org_session, "lijun")
    ended = next(h for h in lijun.holdings if h.unit.code == "C-PY" and h.role.name == "课程负责人")
    assert ended.ends_on == date(2026, 2, 19)  # kept, ended the day before the import
    course = org_session.scalars(select(Subject).where(Subject.code == "C-PY")).one()
    def routed(day: date) -> list[str]:
        route = route_task(org_session, {"lane": "课程负责人"}, course, {}, datetime.combine(day, datetime.min.time()))
        ids = [route.assignee_id] if route.assignee_id else route.candidate_ids
        return [org_session.get(Person, i).username for i in ids]
    assert routed(date(2026, 2, 23)) == ["zhaolei"]
    assert routed(date(2026, 2, 20)) != ["zhaolei"] and routed(date(2026, 7, 11)) != ["zhaolei"]
    again = import_org(org_session, None, sheets, NOW, dry_run=False)
    assert again.total == 0


def test_only_an_administrator_may_import(org_session):
    teacher = find_person(org_session, "lijun")
    with pytest.raises(NotAllowed):
        run(org_session, {"人员": []}, actor=teacher)
    admin = find_person(org_session, "admin")
    assert run(org_session, {"单位": demo_rows_units(org_session)}, actor=admin, dry_run=True).total == 0


def demo_rows_units(session):
    return export_org(session)["单位"]


def test_export_then_import_changes_nothing_through_a_real_file(org_session, tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(write_workbook(export_org(org_session)))
    before = counts(org_session)
    report = import_org(org_session, None, read_org_workbook(path.read_bytes()), NOW, dry_run=False)
    assert report.total == 0
    assert counts(org_session) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    from engine.sheets import MAX_BYTES
    with pytest.raises(InvalidWorkbook) as caught:
        read_org_workbook(b"\0" * (MAX_BYTES + 1))
    assert "文件太大" in str(caught.value.problems[0])


def test_the_demo_school_comes_from_its_workbook_with_the_demo_password(org_session):
    people = list(org_session.scalars(select(Person)))
    assert len(people) == 44 and not any(p.must_change_password for p in people)
    assert [p.username for p in people if p.is_admin] == ["admin"]
    assert all(check_password_hash(p.password_hash, "demo123") for p in people[:2])
    assert {p.username for p in people if p.kind == "student"} == {"liuxin", "chenhao", "wangyu", "lina"}
    imported = org_session.scalars(select(AuditEvent).where(AuditEvent.action == "org.imported")).one()
    assert imported.after["counts"]["人员"] == {"added": 44}


def test_a_damaged_workbook_is_refused_in_one_sentence():
    import io
    import zipfile
    good = xlsx({"人员": [("N1", "甲", "T-JSJ", "教职工", "", "")]})
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<worksheet><sheetData><row" if item.filename.startswith("xl/worksheets/") else data)
    with pytest.raises(InvalidWorkbook) as caught:
        read_org_workbook(damaged.getvalue())
    assert "不是 Excel 工作簿" in str(caught.value.problems[0])


def test_dates_may_be_excel_day_numbers_or_chinese_text(org_session):
    report = run(org_session, {"任职": [("zhaolei", "课程负责人", "C-WEB", 46076, "2026年7月10日")]}, dry_run=True)
    (change,) = [c for c in report.changes if c.action == "added"]
    assert "2026-02-23 至 2026-07-10" in change.text
