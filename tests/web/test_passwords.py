"""Passwords: changing your own, the forced change after a one-time password, the forgotten-password e-mail."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from engine.audit import AuditEvent
from engine.notify.settings import MailSettings
from engine.org.models import PasswordReset, Person
from engine.org.passwords import give_one_time_password
from web.extensions import db


def _new_person(app, username="t2026", email="xinlaoshi@school.example", active=True) -> str:
    """An imported-style person: no password of their own yet, a one-time one to sign in with."""
    with app.app_context():
        person = Person(username=username, name="辛老师", email=email, kind="staff", active=active)
        db.session.add(person)
        one_time = give_one_time_password(person)
        db.session.commit()
    return one_time


def _actions(app, prefix="auth.") -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like(f"{prefix}%"))
                                       .order_by(AuditEvent.id)))


def test_a_new_person_signs_in_with_the_one_time_password_and_must_change_it_first(app, client, auth):
    one_time = _new_person(app)

    assert auth.login("t2026", one_time).headers["Location"].endswith("/inbox")
    for page in ("/inbox", "/cycles", "/me/settings"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"].endswith("/me/password"), page
    forced = client.get("/me/password").get_data(as_text=True)
    assert "一次性密码" in forced and "请先设置您自己的新密码" in forced
    language = client.post("/language", data={"locale": "zh_CN", "next": "/me/password"})
    assert language.headers["Location"].endswith("/me/password")  # the language may still be chosen

    weak = client.post("/me/password", data={"current": one_time, "new": "12345678", "again": "12345678"})
    assert weak.status_code == 422 and "太常见" in weak.get_data(as_text=True)
    changed = client.post("/me/password", data={"current": one_time, "new": "Spiral-Teach-26",
                                                 "again": "Spiral-Teach-26"})

    assert changed.status_code == 302 and changed.headers["Location"].endswith("/inbox")
    assert client.get("/inbox").status_code == 200  # still signed in, no longer held at the password page
    with app.app_context():
        person = db.session.scalars(select(Person).where(Person.username == "t2026")).one()
        assert not person.must_change_password
    assert "auth.password_changed" in _actions(app)
    client.post("/logout")
    assert auth.login("t2026", one_time).status_code == 401
    assert auth.login("t2026", "Spiral-Teach-26").status_code == 302


def test_changing_a_password_asks_the_current_one_twice_the_new_and_ends_other_sessions(app, client, auth):
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"username": "chenxiaoyu", "password": "demo123"})
    auth.login("chenxiaoyu")
    assert "修改密码" in client.get("/me/settings").get_data(as_text=True)

    wrong = client.post("/me/password", data={"current": "nope", "new": "Lotus-Pond-88", "again": "Lotus-Pond-88"})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    mismatch = client.post("/me/password", data={"current": "demo123", "new": "Lotus-Pond-88", "again": "Lotus-Pond-89"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    own_name = client.post("/me/password", data={"current": "demo123", "new": "chenxiaoyu", "again": "chenxiaoyu"})
    assert own_name.status_code == 422 and "不能与用户名" in own_name.get_data(as_text=True)

    done = client.post("/me/password", data={"current": "demo123", "new": "Lotus-Pond-88", "again": "Lotus-Pond-88"})

    assert done.status_code == 302 and done.headers["Location"].endswith("/me/settings")
    assert client.get("/inbox").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/inbox").status_code == 302  # the other one is signed out


def test_sign_in_and_sign_out_are_audited(app, auth):
    auth.login("chenxiaoyu")
    auth.logout()

    assert _actions(app)[-2:] == ["auth.signed_in", "auth.signed_out"]


def test_a_deactivated_person_cannot_sign_in_with_the_right_password(app, auth):
    with app.app_context():
        db.session.scalars(select(Person).where(Person.username == "chenxiaoyu")).one().active = False
        db.session.commit()

    response = auth.login("chenxiaoyu")

    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def _mail_to(app, smtp_server) -> None:
    app.extensions["spiral"].mail = MailSettings(smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                                                 smtp_from="spiral@school.example", send_timeout=5.0)


def _link(message) -> str:
    (url,) = re.findall(r"https?://\S+/password/reset/\S+", message.get_body(("plain",)).get_content())
    return url.split("localhost", 1)[1]


def test_without_smtp_the_forgotten_password_page_says_to_ask_the_administrator(client):
    page = client.get("/login").get_data(as_text=True)
    assert "忘记密码" in page

    answer = client.post("/password/forgot", data={"login": "chenxiaoyu"}).get_data(as_text=True)

    assert "请联系系统管理员" in answer and "发送重设链接" not in answer


def test_a_forgotten_password_link_arrives_by_mail_works_once_and_unknown_accounts_get_the_same_answer(
        app, client, auth, smtp_server):
    _mail_to(app, smtp_server)
    known = client.post("/password/forgot", data={"login": "chenxiaoyu"})
    unknown = client.post("/password/forgot", data={"login": "no-such-person"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.recipients[0] == ["chenxiaoyu@demo.school.example"]
    link = _link(message)
    with app.app_context():
        (row,) = db.session.scalars(select(PasswordReset))
        assert link.rsplit("/", 1)[1] not in row.token_hash and len(row.token_hash) == 64  # only its SHA-256

    page = client.get(link)
    assert page.status_code == 200 and "陈晓雨" in page.get_data(as_text=True)
    weak = client.post(link, data={"new": "password", "again": "password"})
    assert weak.status_code == 422
    done = client.post(link, data={"new": "Lotus-Pond-88", "again": "Lotus-Pond-88"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert client.get(link).status_code == 410  # single use
    assert client.post(link, data={"new": "Other-Pond-99", "again": "Other-Pond-99"}).status_code == 410
    assert auth.login("chenxiaoyu", "Lotus-Pond-88").status_code == 302
    assert "auth.password_reset" in _actions(app)


def test_a_forgotten_password_link_expires_after_an_hour(app, client, smtp_server):
    _mail_to(app, smtp_server)
    client.post("/password/forgot", data={"login": "ChenXiaoYu@demo.school.example"})  # by e-mail
    client.post("/password/forgot", data={"login": "chenxiaoyu"})
    first, second = (_link(message) for message in smtp_server.messages)
    assert client.get(first).status_code == 410  # a newer link replaces the older one
    assert client.get(second).status_code == 200
    app.config["SPIRAL_NOW"] = (datetime.fromisoformat(app.config["SPIRAL_NOW"]) + timedelta(minutes=61)).isoformat()

    page = client.get(second)

    assert page.status_code == 410 and "已失效" in page.get_data(as_text=True)


def test_asking_for_links_too_often_sends_no_more_mail_and_says_the_same(app, client, smtp_server):
    _mail_to(app, smtp_server)
    # the same answer each time; the page's CSRF token carries the second it was made in, so it is left out
    answers = {re.sub(r'name="csrf_token" value="[^"]*"', "", client.post(
        "/password/forgot", data={"login": "wangfang"}).get_data(as_text=True)) for _ in range(5)}

    assert len(smtp_server.messages) == 3  # three an account in a quarter of an hour
    assert len(answers) == 1
