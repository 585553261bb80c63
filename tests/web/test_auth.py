"""Logging in and out."""
from __future__ import annotations


def test_wrong_password_is_refused_with_a_chinese_message_and_nothing_else(client, auth):
    response = auth.login("chenxiaoyu", "wrong-password")

    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302  # still not logged in


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(auth):
    response = auth.login("nobody", "demo123")

    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_course_lead_logs_in_and_lands_on_the_inbox(client, auth):
    response = auth.login("chenxiaoyu")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inbox")
    inbox = client.get("/inbox")
    assert inbox.status_code == 200
    assert "陈晓雨" in inbox.get_data(as_text=True)


def test_logout_ends_the_session(client, auth):
    auth.login("chenxiaoyu")

    response = auth.logout()

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/inbox").status_code == 302
