"""Shared fixtures: an engine session on a fresh SQLite file with the demo org and shipped processes,
and the Flask app, client and CLI runner on top of the same kind of database."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from engine.assembly import build_engine, session_factory
from engine.db import cache
from engine.db.session import make_engine
from engine.definitions.specs import SpecCache
from engine.demo.school import deploy_shipped, seed_org
from engine.parts import engine_of
from engine.tables import create_schema

# local SMTP server and robot webhook fixtures; a private OpenLDAP; a local CAS 3.0 server
pytest_plugins = ["tests.receivers", "tests.ldap_server", "tests.cas_server"]


def pytest_configure(config: pytest.Config) -> None:
    """Without a PostgreSQL URL, start a private server where PostgreSQL is installed (tests/postgres_server.py);
    only the main process starts it, and each xdist worker gets a database of its own on it."""
    from tests.postgres_server import per_worker, start_if_needed
    worker = getattr(config, "workerinput", None)
    if worker is None:
        config.stash[_PG] = start_if_needed()
    else:
        per_worker(worker["workerid"])


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_PG, None)
    if server is not None:
        server.stop()


_PG = pytest.StashKey[object]()

# A Friday before National Day 2025: deadlines counted from here cross the holiday.
T0 = datetime(2025, 9, 26, 10, 0)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path]:
    """Databases built once per test process and copied for each test: the demo org ("org") and the demo org
    with every shipped process deployed ("full"). A copy costs milliseconds; building one costs ~0.4 s."""
    folder = tmp_path_factory.mktemp("templates")
    built = {}
    for name, deployed in (("org", False), ("full", True)):
        db_engine = make_engine(f"sqlite:///{folder / f'{name}.sqlite'}")
        create_schema(db_engine)
        with session_factory(db_engine, build_engine(upload_dir=folder / "uploads"))() as session:
            seed_org(session)
            if deployed:
                deploy_shipped(session, T0)
        db_engine.dispose()
        built[name] = folder / f"{name}.sqlite"
    return built


def copy_database(template: Path, target: Path) -> Path:
    """A private copy of a template database, with a change token of its own (no cache is shared by accident)."""
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    db_engine = make_engine(f"sqlite:///{target}")
    with db_engine.begin() as connection:
        cache.bump(connection)
    db_engine.dispose()
    return target


@pytest.fixture(scope="session")
def shared_specs() -> SpecCache:
    """Parsed specs, shared by the tests of one process (definitions are keyed by id and content hash)."""
    return SpecCache()


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def spiral_engine(upload_dir: Path, shared_specs: SpecCache):
    """The engine assembled for one test, its uploads in the test's folder."""
    assembled = build_engine(upload_dir=upload_dir)
    assembled.specs = shared_specs
    return assembled


@pytest.fixture
def org_session(request, tmp_path: Path, spiral_engine, templates):
    """A session on a copy of the demo school's org (with every shipped process when the test asks for
    `session`)."""
    template = templates["full" if "session" in request.fixturenames else "org"]
    db_engine = make_engine(f"sqlite:///{copy_database(template, tmp_path / 'engine.sqlite')}")
    session = session_factory(db_engine, spiral_engine)()
    yield session
    session.close()
    db_engine.dispose()


@pytest.fixture
def session(org_session):
    """The demo school's org plus every shipped process deployed."""
    return org_session


@pytest.fixture
def two_sessions(session):
    """Two more sessions on the test's database and engine: two requests at once."""
    factory = session_factory(session.get_bind(), engine_of(session))
    first, second = factory(), factory()
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def app(tmp_path: Path, templates, shared_specs):
    from web import create_app
    from web.extensions import db
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy_database(templates['full'], tmp_path / 'web.sqlite')}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "FORMS_DIR": str(tmp_path / "forms"),
        "SPIRAL_NOW": T0.isoformat(),
        "WTF_CSRF_ENABLED": False,
        "SETTLE_HEAP": False,  # a test's app is short-lived: freezing would keep every earlier test's garbage
    })
    app.extensions["spiral"].specs = shared_specs
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
