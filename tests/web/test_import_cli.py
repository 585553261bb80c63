"""A school of its own from the shell: `spiral init-db` on an empty database, `spiral import` of another school's
workbook written to the template, the shipped processes deployed, and a course cycle that reaches the imported
course lead and then the imported 教研室主任; exports that import back with no change."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.definitions.specs import form_registry
from engine.demo.school import deploy_shipped
from engine.org.catalogue import DEFAULT_ROLES
from engine.org.models import Person, Role, RoleHolding, Unit
from engine.supervision.models import Ladder
from engine.workflow.cycles import start_cycle
from engine.workflow.models import HumanTask
from engine.workflow.sample import sample_answers, sample_uploads
from engine.workflow.tasks import complete_task
from tests.engine.org_workbooks import another_school, xlsx
from web.extensions import db

NOW = datetime(2025, 9, 26, 10, 0)


@pytest.fixture
def empty_app(tmp_path, shared_specs):
    from web import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite'}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms"),
                      "SPIRAL_NOW": NOW.isoformat()})
    app.extensions["spiral"].specs = shared_specs
    yield app
    with app.app_context():
        db.engine.dispose()


def test_init_db_makes_the_role_catalogue_and_ladders_and_nothing_else(empty_app):
    runner = empty_app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(args=["init-db"]).exit_code == 0  # twice is harmless
    with empty_app.app_context():
        roles = {(r.code, r.name, r.receives_unroutable, r.heads_unit) for r in db.session.scalars(select(Role))}
        assert roles == {(r.code, r.name, r.receives_unroutable, r.heads_unit) for r in DEFAULT_ROLES}
        assert db.session.scalar(select(func.count()).select_from(Ladder)) >= 1
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0
        deploy_shipped(db.session, NOW)  # the shipped processes deploy onto a school with only the catalogue


def test_another_school_imported_from_the_shell_runs_a_course_cycle(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    workbook = tmp_path / "df.xlsx"
    workbook.write_bytes(xlsx(another_school()))

    preview = runner.invoke(args=["import", str(workbook), "--dry-run", "--json"])
    assert preview.exit_code == 0, preview.output
    assert json.loads(preview.output)["counts"]["人员"] == {"added": 7}
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0

    result = runner.invoke(args=["import", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "已导入：单位：新增 9；人员：新增 7；任职：新增 9；诊改对象：新增 6" in result.output
    (line,) = [li for li in result.output.splitlines() if li.startswith("DF004  冯老师  ")]  # printed once
    signed_in = empty_app.test_client().post("/login", data={"username": "DF004", "password": line.split()[-1]})
    assert signed_in.status_code == 302  # the one-time password works (and must be changed: must_change_password)
    again = runner.invoke(args=["import", str(workbook)])
    assert "已导入：没有变化" in again.output

    with empty_app.app_context():
        session = db.session
        deploy_shipped(session, NOW)
        instance = start_cycle(session, None, "course_cycle", "DF-C-JAVA", "2025-2026-1", NOW)
        first = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                        HumanTask.status == "open")).one()
        assert first.title == "制定课程建设目标" and first.assignee.username == "DF004"
        form = form_registry(session).get(first.form_id)
        complete_task(session, first.assignee, first.id, sample_answers(form), NOW + timedelta(hours=1),
                      uploads=sample_uploads(form))
        review = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                         HumanTask.status == "open")).one()
        assert review.title == "审核课程建设目标" and review.assignee.username == "DF003"
        dated = session.scalars(select(RoleHolding).join(Person).where(Person.username == "DF005")).all()
        assert any(h.ends_on and h.ends_on.isoformat() == "2026-01-23" for h in dated)


def test_a_refused_workbook_names_every_problem_on_stderr_and_imports_nothing(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["init-db"])
    rows = another_school()
    rows["单位"][4] = ("DF-RJ", "软件教研组", "教研室", "DF-NOPE", "")
    rows["人员"].append(("DF003", "重复的人", "DF-RJ", "教职工", "", ""))
    workbook = tmp_path / "bad.xlsx"
    workbook.write_bytes(xlsx(rows))
    result = runner.invoke(args=["import", str(workbook)])
    assert result.exit_code != 0
    assert "单位 第 6 行 上级代码：找不到单位 DF-NOPE" in result.output
    assert "人员 第 9 行 工号：与第 4 行重复：DF003" in result.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_the_demo_exported_imports_back_with_no_change(runner, tmp_path):
    path = tmp_path / "org.xlsx"
    exported = runner.invoke(args=["export", "org", str(path)])
    assert exported.exit_code == 0, exported.output
    assert load_workbook(path).sheetnames == ["单位", "人员", "任职", "诊改对象"]
    result = runner.invoke(args=["import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 0


def test_the_template_has_every_sheet_and_a_notes_sheet(runner, tmp_path):
    path = tmp_path / "template.xlsx"
    assert runner.invoke(args=["export", "template", str(path)]).exit_code == 0
    book = load_workbook(path)
    assert book.sheetnames == ["单位", "人员", "任职", "诊改对象", "说明"]
    assert [c.value for c in book["任职"][1]] == ["工号", "角色", "单位代码", "开始日期", "结束日期"]
