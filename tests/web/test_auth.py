"""Logging in and out."""
from __future__ import annotations

import pytest


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


def test_twenty_wrong_passwords_lock_the_account_until_the_time_the_message_names(app, client, auth):
    answers = [auth.login("chenxiaoyu", "wrong-password") for _ in range(20)]

    assert answers[0].status_code == 401 and answers[-1].status_code == 429
    assert "请于 2025-09-26 10:15 之后再试" in answers[-1].get_data(as_text=True)
    assert auth.login("chenxiaoyu").status_code == 429  # the right password is refused while locked
    assert client.get("/inbox").status_code == 302
    app.config["SPIRAL_NOW"] = "2025-09-26T10:16:00"
    assert auth.login("chenxiaoyu").status_code == 302
    assert client.get("/inbox").status_code == 200


def test_the_lock_message_is_english_when_the_interface_is(client, auth):
    client.post("/language", data={"locale": "en"})
    for _ in range(5):
        answer = auth.login("nobody", "x")

    assert answer.status_code == 429
    assert "Please try again after 2025-09-26 10:15" in answer.get_data(as_text=True)


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_signing_in_gives_a_new_session_cookie(client, auth):
    client.get("/login")
    client.post("/language", data={"locale": "zh_CN"})
    before = session_cookie(client)

    auth.login("chenxiaoyu")

    assert before and session_cookie(client) != before


def test_an_old_session_cookie_reaches_nothing_after_logout(app, client, auth):
    auth.login("chenxiaoyu")
    old = session_cookie(client)
    assert client.get("/inbox").status_code == 200

    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", old)

    assert thief.get("/inbox").status_code == 302


def test_cookies_are_httponly_lax_and_short_lived(app, client, auth):
    response = auth.login("chenxiaoyu")
    header = response.headers["Set-Cookie"]

    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14


def test_cookies_are_secure_over_https(tmp_path):
    from web import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "PREFERRED_URL_SCHEME": "https",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                      "PERMANENT_SESSION_LIFETIME": 2, "REMEMBER_COOKIE_DURATION": 365})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 2 * 3600
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14


def test_remember_me_cookie_stops_working_after_logout(app, client):
    client.post("/login", data={"username": "chenxiaoyu", "password": "demo123", "remember": "1"})
    remember = client.get_cookie("remember_token").value

    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)

    assert client.get_cookie("remember_token") is None or client.get_cookie("remember_token").value != remember
    assert thief.get("/inbox").status_code == 302


def test_look_alike_usernames_are_nobody_and_get_the_usual_answer(client, auth):
    for look_alike in ("ｃｈｅｎｘｉａｏｙｕ", "chen\u200bxiaoyu", "chenxiaoyu\x00", "ＣＨＥＮＸＩＡＯＹＵ", "chenxiaoyu\u202e",
                       "' OR '1'='1", "a" * 10_000):
        answer = auth.login(look_alike)
        assert answer.status_code in (400, 401), (look_alike[:20], answer.status_code)
    assert client.get("/inbox").status_code == 302  # none of them signed in


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "/\\/evil.example", "https://evil.example",
                                    "\\\\evil.example", "/%5Cevil.example", " //evil.example", "/\t/evil.example"])
def test_signing_in_or_choosing_a_language_never_leads_to_another_site(client, target):
    signed_in = client.post("/login", query_string={"next": target},
                            data={"username": "chenxiaoyu", "password": "demo123"})
    chosen = client.post("/language", data={"locale": "en", "next": target})
    for answer in (signed_in, chosen):
        location = answer.headers["Location"]
        assert answer.status_code == 302 and location.startswith("/") and not location.startswith(("//", "/\\"))
        assert location in ("/inbox", "/%5Cevil.example") or "evil" not in location  # %5C: a path of ours
