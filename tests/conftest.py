"""Shared fixtures: an engine session on a fresh SQLite file with the demo org and shipped processes,
and the Flask app, client and CLI runner on top of the same kind of database."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.tables import create_schema
from engine.db.session import make_engine
from engine.assembly import build_engine, session_factory
from engine.demo.school import deploy_shipped, seed_org

pytest_plugins = ["tests.receivers"]  # local SMTP server and robot webhook fixtures

# A Friday before National Day 2025: deadlines counted from here cross the holiday.
T0 = datetime(2025, 9, 26, 10, 0)


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def spiral_engine(upload_dir: Path):
    """The engine assembled for one test, its uploads in the test's folder."""
    return build_engine(upload_dir=upload_dir)


@pytest.fixture
def org_session(tmp_path: Path, spiral_engine):
    """A session on a database holding the demo school's org (no processes deployed)."""
    db_engine = make_engine(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    create_schema(db_engine)
    session = session_factory(db_engine, spiral_engine)()
    seed_org(session)
    yield session
    session.close()
    db_engine.dispose()


@pytest.fixture
def session(org_session):
    """The demo school's org plus every shipped process deployed."""
    deploy_shipped(org_session, T0)
    return org_session


@pytest.fixture
def app(tmp_path: Path):
    from web import create_app
    from web.extensions import db
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'web.sqlite'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "FORMS_DIR": str(tmp_path / "forms"),
        "SPIRAL_NOW": T0.isoformat(),
        "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        create_schema(db.engine)
        seed_org(db.session)
        deploy_shipped(db.session, T0)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = "demo123"):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
