"""Behind a reverse proxy the sign-in limit per address counts the visitor's address (X-Forwarded-For), when
Spiral is told how many proxies stand in front of it; otherwise anyone's X-Forwarded-For is ignored."""
from __future__ import annotations

import pytest

from tests.conftest import T0, copy_database
from web.extensions import db


@pytest.fixture
def make_app(tmp_path, templates, shared_specs):
    made = []

    def make(**config):
        from web import create_app
        app = create_app({
            "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "SPIRAL_NOW": T0.isoformat(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy_database(templates['full'], tmp_path / 'web.sqlite')}",
            "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms"),
            "SIGN_IN_ADDRESS_FAILURES": 3, "SIGN_IN_ACCOUNT_FAILURES": 100, **config})
        app.extensions["spiral"].specs = shared_specs
        made.append(app)
        return app
    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _sign_in(client, username: str, password: str, forwarded_for: str):
    return client.post("/login", data={"username": username, "password": password},
                       headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": "10.0.0.1"})


def test_behind_one_proxy_one_visitors_failures_do_not_lock_out_the_next(make_app):
    client = make_app(PROXY_FIX="1").test_client()
    answers = [_sign_in(client, name, "wrong", "203.0.113.5") for name in ("a1", "a2", "a3")]
    assert [a.status_code for a in answers] == [401, 401, 429]  # the third failure locks that visitor's address
    assert _sign_in(client, "chenxiaoyu", "demo123", "203.0.113.5").status_code == 429

    assert _sign_in(client, "chenxiaoyu", "demo123", "198.51.100.7").status_code == 302  # another visitor


def test_without_the_setting_a_forged_forwarded_address_changes_nothing(make_app):
    client = make_app().test_client()
    answers = [_sign_in(client, "nobody", "wrong", forged) for forged in ("203.0.113.1", "203.0.113.2", "203.0.113.3")]
    assert [a.status_code for a in answers] == [401, 401, 429]

    assert _sign_in(client, "chenxiaoyu", "demo123", "203.0.113.4").status_code == 429  # one address: the real one


def test_a_proxy_count_that_is_not_a_number_stops_the_start_with_a_sentence(make_app):
    with pytest.raises(ValueError, match="SPIRAL_PROXY_FIX"):
        make_app(PROXY_FIX="nginx")
