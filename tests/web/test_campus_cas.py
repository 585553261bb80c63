"""统一身份认证 over CAS 3.0, against a local server speaking the protocol (tests/cas_server.py): the browser goes
to the CAS server and comes back with a ticket, Spiral checks it over real HTTP (p3/serviceValidate) and signs
in the person with that 工号; unknown and deactivated people are refused; logout ends the CAS sign-in too."""
from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from engine.audit import AuditEvent
from engine.org.models import Person
from web.extensions import db


@pytest.fixture
def cas_app(app, cas_server):
    app.config["SPIRAL_CAS_URL"] = cas_server.url
    return app


def _through_cas(client, next_page=None) -> str:
    """Start at /login/cas, follow the CAS server's answer as a browser would; the callback path with its ticket."""
    start = client.get("/login/cas", query_string={"next": next_page} if next_page else None)
    assert start.status_code == 302
    cas_login = urlsplit(start.headers["Location"])
    assert cas_login.path == "/cas/login" and "service=" in cas_login.query
    connection = http.client.HTTPConnection(cas_login.hostname, cas_login.port, timeout=5)
    connection.request("GET", f"{cas_login.path}?{cas_login.query}")
    answer = connection.getresponse()
    assert answer.status == 302
    back = urlsplit(answer.getheader("Location"))
    connection.close()
    assert back.path == "/login/cas/callback"
    return f"{back.path}?{back.query}"


def test_the_login_page_offers_campus_sign_in_only_when_cas_is_configured(app, client, cas_server):
    assert "统一身份认证登录" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/cas").status_code == 404

    app.config["SPIRAL_CAS_URL"] = cas_server.url

    assert "统一身份认证登录" in client.get("/login").get_data(as_text=True)


def test_a_teacher_signs_in_through_the_campus_cas_server(cas_app, client, cas_server):
    callback = _through_cas(client, next_page="/cycles")

    response = client.get(callback)

    assert response.status_code == 302 and response.headers["Location"].endswith("/cycles")
    assert "陈晓雨" in client.get("/inbox").get_data(as_text=True)
    (validation,) = cas_server.validations
    assert validation["service"].endswith("/login/cas/callback")
    with cas_app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.signed_in")).one()
        assert event.after["method"] == "cas"


def test_a_ticket_works_once(cas_app, client):
    callback = _through_cas(client)
    assert client.get(callback).status_code == 302
    client.post("/logout")

    again = cas_app.test_client().get(callback)

    assert again.status_code == 401 and "统一身份认证未通过" in again.get_data(as_text=True)


def test_the_attribute_named_in_config_is_the_staff_number(cas_app, client, cas_server):
    cas_app.config["SPIRAL_CAS_ATTRIBUTE"] = "employeeNumber"
    cas_server.user, cas_server.attributes = "u-83751", {"employeeNumber": "wangfang"}

    assert client.get(_through_cas(client)).status_code == 302
    assert "王芳" in client.get("/inbox").get_data(as_text=True)


def test_a_cas_user_without_a_person_and_a_deactivated_person_are_refused(cas_app, client, cas_server):
    cas_server.user = "stranger42"
    unknown = client.get(_through_cas(client))
    assert unknown.status_code == 403
    assert "本系统中还没有您的账号（工号 stranger42）" in unknown.get_data(as_text=True)

    with cas_app.app_context():
        db.session.scalars(select(Person).where(Person.username == "chenxiaoyu")).one().active = False
        db.session.commit()
    cas_server.user = "chenxiaoyu"
    inactive = client.get(_through_cas(client))

    assert inactive.status_code == 403 and "该账号已停用" in inactive.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302


def test_signing_in_through_cas_is_not_held_at_the_one_time_password_page(cas_app, client):
    with cas_app.app_context():
        db.session.scalars(select(Person).where(Person.username == "chenxiaoyu")).one().must_change_password = True
        db.session.commit()

    client.get(_through_cas(client))

    assert client.get("/inbox").status_code == 200


def test_logout_also_logs_out_of_cas(cas_app, client, cas_server):
    client.get(_through_cas(client))

    response = client.post("/logout")

    assert response.status_code == 302
    logout = urlsplit(response.headers["Location"])
    assert logout.path == "/cas/logout" and "service=" in logout.query
    assert client.get("/inbox").status_code == 302


def test_an_unreachable_cas_server_gets_a_clear_message(app, client):
    app.config["SPIRAL_CAS_URL"] = "http://127.0.0.1:9/cas"

    response = client.get("/login/cas/callback?ticket=ST-1")

    assert response.status_code == 503 and "无法连接" in response.get_data(as_text=True)
