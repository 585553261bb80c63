"""Action plans: a 计划任务 workbook becomes one tracked task per 具体任务 × department, for that department's
head, with its deadline and the ladder; late ones show in the plan's progress and its 工作通报."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.audit import AuditEvent
from engine.definitions.specs import form_registry
from engine.errors import InvalidWorkbook, NotAllowed
from engine.notify.models import Notification
from engine.notify.notifications import sent_back
from engine.org.models import Person
from engine.org.people import find_person
from engine.planning.plans.bulletins import issue_bulletin
from engine.planning.plans.exports import export_progress
from engine.planning.plans.imports import import_plan
from engine.planning.plans.models import PlanAssignment, PlanTask
from engine.planning.plans.progress import overview
from engine.supervision.models import SupervisionNotice
from engine.supervision.reports import on_time_rates
from engine.tick import run_tick
from engine.workflow.models import HumanTask, ProcessInstance
from engine.workflow.sample import sample_uploads
from engine.workflow.tasks import complete_task
from tests.conftest import T0
from tests.engine.plan_workbooks import plan_workbook

ROWS = [
    [1, "（一）改善实训条件", "建成国家级产教融合实训基地1个", "1个", "实验实训中心", "招就办、财务科",
     date(2025, 9, 1), date(2025, 12, 31), "全面实施"],
    [2, "（二）三全育人", "形成1个德育特色案例", "1个", "学工部", "各专业部", None, date(2025, 10, 31), "全面实施"],
    [3, "（二）三全育人", "培训5名德育骨干管理人员", "5名", "教务科", None, date(2025, 9, 1), date(2025, 11, 28), ""],
]


def open_tasks(session, **where) -> list[HumanTask]:
    session.expire_all()
    query = select(HumanTask).where(HumanTask.status == "open").order_by(HumanTask.id)
    return [t for t in session.scalars(query) if all(getattr(t, k) == v for k, v in where.items())]


def holder(task: HumanTask) -> str:
    return task.assignee.username if task.assignee else ",".join(sorted(p.username for p in task.candidates))


def test_each_task_and_department_becomes_a_task_for_that_departments_head(session):
    report = import_plan(session, None, plan_workbook(ROWS), T0, name="提质培优三年行动计划")
    # row 1: 3 departments; row 2: 学工部 and the three 专业部; row 3: 教务科 alone
    assert (len(report.added), len(report.assignments), report.started) == (3, 8, 8)
    accepts = {t.scope_unit.name: (holder(t), t.title) for t in open_tasks(session)}
    assert accepts == {
        "实训管理中心": ("luobin", "接收任务：建成国家级产教融合实训基地1个"),
        "招生就业办": ("hejun", "接收任务：建成国家级产教融合实训基地1个"),
        "财务科": ("dengmin", "接收任务：建成国家级产教融合实训基地1个"),
        "学生科": ("chenjing", "接收任务：形成1个德育特色案例"),
        "信息技术部": ("liuyang", "接收任务：形成1个德育特色案例"),
        "机电技术部": ("huangwei", "接收任务：形成1个德育特色案例"),
        "财经商贸部": ("xuna", "接收任务：形成1个德育特色案例"),
        "教务科": ("qianjun", "接收任务：培训5名德育骨干管理人员"),
    }
    task = open_tasks(session)[0]
    # accepting takes three working days: Friday 26 September 2025, then 28 Sep (a 调休 Sunday), 29 and 30 Sep
    assert task.due_at == datetime(2025, 9, 30, 23, 59, 59) and task.working_days and task.ladder == "default"
    roles = {a.unit.name: a.role for a in session.scalars(select(PlanAssignment))}
    assert roles["实训管理中心"] == "lead" and roles["财务科"] == "assist" and roles["机电技术部"] == "assist"


def test_a_department_the_school_does_not_have_is_refused_with_its_row_and_suggestions(session):
    rows = ROWS + [[4, "（三）信息化", "建设全国职业教育信息化标杆学校", "", "图书馆", "信息中心、教学科",
                    None, date(2026, 6, 30), ""]]
    with pytest.raises(InvalidWorkbook) as refused:
        import_plan(session, None, plan_workbook(rows), T0, name="提质培优")
    problems = [(p.sheet, p.row, p.column) for p in refused.value.problems]
    assert problems == [("计划任务", 5, "牵头部门"), ("计划任务", 5, "协同部门")]
    assert "教务科" in refused.value.problems[1].message  # 教学科 → did you mean 教务科
    assert session.scalar(select(func.count()).select_from(PlanTask)) == 0
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_bad_dates_and_missing_cells_are_named_by_row_and_column(session):
    rows = [[1, "（一）", "任务甲", "", "教务科", "", "明天", date(2025, 12, 1), ""],
            [1, "", "", "", "", "", date(2025, 12, 1), date(2025, 11, 1), ""]]
    with pytest.raises(InvalidWorkbook) as refused:
        import_plan(session, None, plan_workbook(rows), T0, name="甲")
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, "开始日期"), (3, "具体任务"), (3, "牵头部门"), (3, "完成时限"), (3, "序号")]


def test_the_same_file_twice_changes_nothing_and_a_dry_run_writes_nothing(session):
    data = plan_workbook(ROWS)
    dry = import_plan(session, None, data, T0, name="计划", dry_run=True)
    assert dry.dry_run and len(dry.assignments) == 8
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    import_plan(session, None, data, T0, name="计划")
    again = import_plan(session, None, data, T0 + timedelta(days=1), name="计划")
    assert (again.added, again.changed, again.assignments, again.unchanged) == ([], [], [], 3)
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 8
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "plan.imported")) == 1


def test_only_the_quality_office_imports_a_plan(session):
    with pytest.raises(NotAllowed):
        import_plan(session, find_person(session, "qianjun"), plan_workbook(ROWS), T0, name="计划")


def test_a_task_starting_later_waits_and_the_tick_starts_it_once(session):
    rows = [[1, "（一）", "建设1个名班主任工作室", "1个", "学工部", "", date(2025, 10, 20), date(2026, 6, 30), ""]]
    report = import_plan(session, None, plan_workbook(rows), T0, name="计划")
    assert (report.started, report.waiting) == (0, 1)
    run_tick(session, datetime(2025, 10, 19, 23, 0))
    assert open_tasks(session) == []
    for minutes in (0, 1, 2):
        run_tick(session, datetime(2025, 10, 20, 8, minutes))
    assert [holder(t) for t in open_tasks(session)] == ["chenjing"]


def step(session, task: HumanTask, data: dict, at: datetime, files: bool = False) -> None:
    actor = task.assignee or task.candidates[0]
    form = form_registry(session).get(task.form_id)
    complete_task(session, actor, task.id, data, at, uploads=sample_uploads(form) if files else [])


def test_a_department_reports_progress_to_the_end_and_the_leading_department_accepts(session):
    import_plan(session, None, plan_workbook(ROWS[:1]), T0, name="计划")
    finance = next(t for t in open_tasks(session) if t.scope_unit.name == "财务科")
    at = T0 + timedelta(hours=2)
    step(session, finance, {"accepted": "yes", "arrangement": "按季度拨付建设经费"}, at)
    progress = open_tasks(session, instance_id=finance.instance_id)[0]
    assert progress.title == "报告进展：建成国家级产教融合实训基地1个"
    assert progress.due_at == datetime(2025, 12, 31, 23, 59, 59)  # the plan's 完成时限
    step(session, progress, {"percent": 40, "achieved": "第一批经费已拨付"}, at + timedelta(days=20))
    assignment = session.scalars(select(PlanAssignment).where(PlanAssignment.instance_id == finance.instance_id)).one()
    assert (assignment.percent, assignment.summary) == (40, "第一批经费已拨付")
    again = open_tasks(session, instance_id=finance.instance_id)[0]
    assert sent_back(session, again) == ""  # the next progress report, not a task sent back for rework
    step(session, again, {"percent": 100, "achieved": "经费全部到位"}, at + timedelta(days=40))
    report = open_tasks(session, instance_id=finance.instance_id)[0]
    assert report.title.startswith("完成报告")
    step(session, report, {"target_met": "met", "outcome": "实训基地建设经费全部拨付到位，已通过验收。"},
         at + timedelta(days=41), files=True)
    acceptance = open_tasks(session, instance_id=finance.instance_id)[0]
    # an assisting department is accepted by the leading one (实训管理中心's head)
    assert (acceptance.title, holder(acceptance)) == ("验收：建成国家级产教融合实训基地1个（财务科）", "luobin")
    step(session, acceptance, {"decision": "approve", "comment": "同意"}, at + timedelta(days=42))
    state = overview(session, None, assignment.task.plan_id, at + timedelta(days=43))
    finance_share = next(s for s in state.shares if s.department == "财务科")
    assert (finance_share.status, finance_share.percent) == ("done", 100)
    assert next(c for c in state.by_department if c.name == "财务科").text() == "完成 1/1"


def test_after_the_deadline_the_tick_issues_notices_and_the_bulletin_lists_the_late_departments(session):
    report = import_plan(session, None, plan_workbook(ROWS), T0, name="计划")
    on_time = [t for t in open_tasks(session) if t.scope_unit.name == "教务科"][0]
    step(session, on_time, {"accepted": "yes", "arrangement": "十月完成培训"}, T0 + timedelta(hours=1))
    late_at = datetime(2025, 10, 20, 9, 0)
    run_tick(session, late_at)
    red = session.scalars(select(SupervisionNotice).where(SupervisionNotice.colour == "red")).all()
    assert len(red) == 7  # every department but 教务科 left its 接收任务 past its three working days
    finance = next(n for n in red if n.responsible_unit.name == "财务科")
    # the notice stands in 财务科's name and climbs from there, not from the school the cycle runs for
    assert (finance.department.name, finance.responsible_person.username) == ("财务科", "dengmin")
    rates = {row.key: row for row in on_time_rates(session, "department", late_at)}
    assert rates["财务科"].overdue_open == 1 and rates["教务科"].on_time == 1  # counted where the work is
    assert {row.key for row in on_time_rates(session, "period", late_at)} == {"2025-2026"}
    state = overview(session, None, report.plan_id, late_at)
    assert state.tasks.text() == "完成 0/3"
    # the late shares are those past the 具体任务's own 完成时限: none yet on 20 October
    assert state.late_by_department() == {}
    november = datetime(2025, 11, 3, 9, 0)
    state = overview(session, None, report.plan_id, november)
    assert set(state.late_by_department()) == {"学生科", "信息技术部", "机电技术部", "财经商贸部"}
    assert state.tasks.text() == "完成 0/3，逾期 1"
    bulletin = issue_bulletin(session, None, report.plan_id, "请各部门于本周内补报进展。", november)
    assert bulletin.number == 1 and "逾期未完成的部门任务 4 项，涉及 4 个部门" in bulletin.body
    assert {group["department"] for group in bulletin.items} == {"学生科", "信息技术部", "机电技术部", "财经商贸部"}
    told = session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "plan.bulletin"))
    assert told == session.scalar(select(func.count()).select_from(Person).where(Person.kind == "staff",
                                                                              Person.active.is_(True)))
    assert issue_bulletin(session, None, report.plan_id, "", november).number == 2


def test_the_plan_exports_its_progress_to_a_workbook(session):
    report = import_plan(session, None, plan_workbook(ROWS), T0, name="计划")
    book = load_workbook(io.BytesIO(export_progress(session, None, report.plan_id, T0)))
    rows = list(book["计划进度"].iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "建设任务", "具体任务", "量化目标", "责任部门") and len(rows) == 9
    assert {r[4] for r in rows[1:]} >= {"财务科", "信息技术部", "教务科"}


def test_an_acceptance_sent_back_returns_the_department_to_its_progress_reports(session):
    import_plan(session, None, plan_workbook([ROWS[2]]), T0, name="计划")
    task = open_tasks(session)[0]  # 教务科 leads alone: the plan's office (质量管理办公室's head) accepts
    at = T0 + timedelta(hours=1)
    step(session, task, {"accepted": "yes", "arrangement": "分两批培训"}, at)
    step(session, open_tasks(session)[0], {"percent": 100, "achieved": "五名骨干培训已完成"}, at + timedelta(days=5))
    step(session, open_tasks(session)[0], {"target_met": "partly", "outcome": "培训4名，1名因病缺训，下月补训。"},
         at + timedelta(days=6), files=True)
    acceptance = open_tasks(session)[0]
    assert holder(acceptance) == "zhaohong"
    step(session, acceptance, {"decision": "return", "comment": "请补训后再报"}, at + timedelta(days=7))
    back = open_tasks(session)[0]
    assert (back.title, holder(back)) == ("报告进展：培训5名德育骨干管理人员", "qianjun")
