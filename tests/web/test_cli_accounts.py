"""`spiral create-admin`: the first administrator, from a hidden prompt or a password file."""
from __future__ import annotations

from sqlalchemy import select

from engine.audit import AuditEvent
from engine.org.models import Person
from web.extensions import db


def _person(app, username):
    with app.app_context():
        return db.session.scalars(select(Person).where(Person.username == username)).first()


def test_create_admin_reads_the_password_twice_from_a_hidden_prompt(app, runner, auth):
    result = runner.invoke(args=["create-admin", "boss", "--name", "王校长"],
                           input="Campus-Lead-26\nCampus-Lead-26\n")

    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "已创建管理员：boss（王校长），可用该密码登录"
    assert "Campus-Lead-26" not in result.output
    person = _person(app, "boss")
    assert person.is_admin and person.active and not person.must_change_password
    assert auth.login("boss", "Campus-Lead-26").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "person",
                                                                  AuditEvent.object_id == str(person.id))).first() \
            == "person.admin_created"


def test_create_admin_with_a_password_file_makes_an_existing_person_an_administrator(app, runner, tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_text("Lotus-Pond-88\nignored second line\n", encoding="utf-8")

    result = runner.invoke(args=["create-admin", "wangfang", "--password-file", str(secret)])

    assert result.exit_code == 0, result.output
    assert "已设为管理员：wangfang（王芳）" in result.output
    assert _person(app, "wangfang").is_admin


def test_create_admin_refuses_a_password_the_policy_refuses(app, runner, tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_text("12345678\n", encoding="utf-8")

    result = runner.invoke(args=["create-admin", "boss", "--password-file", str(secret)])

    assert result.exit_code == 1 and "这个密码太常见" in str(result.exception)
    assert _person(app, "boss") is None


def test_create_admin_refuses_two_different_passwords(app, runner):
    result = runner.invoke(args=["create-admin", "boss"], input="Campus-Lead-26\nCampus-Lead-27\n"
                                                                  "Campus-Lead-26\nCampus-Lead-26\n")

    assert result.exit_code == 0 and "两次" not in result.output.splitlines()[-1]
    assert _person(app, "boss").is_admin
