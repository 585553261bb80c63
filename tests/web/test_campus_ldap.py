"""统一身份认证 over LDAP, against a real OpenLDAP (tests/ldap_server.py): the directory's password signs a
person in, the throttle counts wrong ones, deactivated and unknown people are refused, a dead directory never
hangs the sign-in; `spiral ldap-sync --dry-run` lists what would change and changes nothing."""
from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.org.models import Person
from web.extensions import db


@pytest.fixture
def ldap_app(app, ldap_server):
    app.config.update(SPIRAL_LDAP_URL=ldap_server.url, SPIRAL_LDAP_BASE_DN=ldap_server.base_dn,
                      SPIRAL_LDAP_BIND_DN=ldap_server.bind_dn, SPIRAL_LDAP_BIND_PASSWORD=ldap_server.bind_password)
    return app


def _login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def _last(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id.desc())).first()


def test_a_teacher_signs_in_with_the_campus_directory_password(ldap_app, client):
    page = client.get("/login").get_data(as_text=True)
    assert "工号（学生为学号）" in page and "统一身份认证" in page

    response = _login(client, "chenxiaoyu", "Dir-Pass-01")

    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert "陈晓雨" in client.get("/inbox").get_data(as_text=True)
    assert _last(ldap_app, "auth.signed_in").after["method"] == "ldap"


def test_the_local_password_still_works_unless_the_school_is_directory_only_then_only_for_admins(ldap_app):
    assert _login(ldap_app.test_client(), "chenxiaoyu", "demo123").status_code == 302
    ldap_app.config["SPIRAL_DIRECTORY_ONLY"] = True

    refused = _login(ldap_app.test_client(), "chenxiaoyu", "demo123")
    assert refused.status_code == 401 and "本系统密码仅限管理员使用" in refused.get_data(as_text=True)
    assert _login(ldap_app.test_client(), "chenxiaoyu", "Dir-Pass-01").status_code == 302
    assert _login(ldap_app.test_client(), "admin", "demo123").status_code == 302


def test_wrong_directory_passwords_are_counted_by_the_sign_in_throttle(ldap_app, client):
    for _ in range(4):
        assert _login(client, "wangfang", "wrong-pass").status_code == 401
    locked = _login(client, "wangfang", "wrong-pass")
    assert locked.status_code == 429

    assert _login(client, "wangfang", "Dir-Pass-02").status_code == 429  # the lock holds for the right one too


def test_a_directory_user_without_a_person_gets_a_clear_refusal(ldap_app, client):
    response = _login(client, "nobody9", "Dir-Pass-05")

    assert response.status_code == 401
    assert "本系统中还没有您的账号（工号 nobody9）" in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302


def test_a_deactivated_person_is_refused_with_the_directory_password(ldap_app, client):
    with ldap_app.app_context():
        db.session.scalars(select(Person).where(Person.username == "chenxiaoyu")).one().active = False
        db.session.commit()

    response = _login(client, "chenxiaoyu", "Dir-Pass-01")

    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    assert _last(ldap_app, "auth.failed").after["problem"] == "inactive"


def test_filter_characters_in_the_username_find_nobody(ldap_app, client):
    assert _login(client, "*", "Dir-Pass-01").status_code == 401
    assert _login(client, "chenxiaoyu)(uid=*", "Dir-Pass-01").status_code == 401


@pytest.fixture
def silent_directory():
    """A TCP port that accepts connections and never answers: a directory that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"ldap://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    listener.close()


def test_a_directory_that_does_not_answer_fails_fast_with_a_clear_message(app, client, silent_directory):
    app.config.update(SPIRAL_LDAP_URL=silent_directory, SPIRAL_LDAP_BASE_DN="ou=people,dc=school,dc=example",
                      SPIRAL_LDAP_TIMEOUT=1)
    started = time.monotonic()

    response = _login(client, "chenxiaoyu", "Dir-Pass-01")

    assert time.monotonic() - started < 5
    assert response.status_code == 503 and "无法连接" in response.get_data(as_text=True)
    assert _login(app.test_client(), "chenxiaoyu", "demo123").status_code == 302  # local passwords still work


def _org(app):
    with app.app_context():
        return sorted((p.username, p.name, p.email, p.phone, p.unit_id, p.kind, p.active)
                      for p in db.session.scalars(select(Person)))


def test_ldap_sync_dry_run_lists_the_changes_and_changes_nothing(ldap_app, runner):
    before = _org(ldap_app)

    result = runner.invoke(args=["ldap-sync", "--dry-run"])

    assert result.exit_code == 0, result.output
    out = result.output
    assert "新增人员 t9001 林新老师" in out and "新增人员 s9002 周同学" in out
    assert "新增单位 继续教育部" in out
    assert "chenxiaoyu@demo.school.example → chenxiaoyu@school.example" in out
    assert "停用" not in out  # people the directory does not list are kept unless --deactivate-missing
    assert "预览（未写入）：目录中 5 人" in out
    assert _org(ldap_app) == before


def test_ldap_sync_brings_the_directory_in_once_and_a_second_run_changes_nothing(ldap_app, runner):

    first = runner.invoke(args=["ldap-sync"])

    assert first.exit_code == 0, first.output
    with ldap_app.app_context():
        person = db.session.scalars(select(Person).where(Person.username == "t9001")).one()
        assert (person.name, person.email, person.unit.name, person.kind) == \
            ("林新老师", "linxin@school.example", "继续教育部", "staff")
        assert db.session.scalars(select(Person).where(Person.username == "s9002")).one().kind == "student"
        assert db.session.scalars(select(Person).where(Person.username == "zhaohong")).one().active
    again = runner.invoke(args=["ldap-sync", "--dry-run"])
    assert "没有变化" in again.output
    signed = ldap_app.test_client().post("/login", data={"username": "t9001", "password": "Dir-Pass-03"})
    assert signed.status_code == 302  # a synced person signs in with the directory's password


def test_ldap_sync_needs_the_directory_configured(runner):
    result = runner.invoke(args=["ldap-sync", "--dry-run"])

    assert result.exit_code != 0 and "SPIRAL_LDAP_URL" in result.output
