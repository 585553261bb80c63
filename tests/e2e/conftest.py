"""Real-browser fixtures: the app served on a free local port, and Debian's chromium driven by Playwright."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine.demo.school import deploy_shipped, seed_org
from engine.tables import create_schema
from engine.workflow.cycles import start_cycle
from web import create_app
from web.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
T0 = datetime(2025, 9, 26, 10, 0)


@contextmanager
def serve(tmp_path: Path, now: datetime, prepare: Callable[[Any], None] | None = None) -> Iterator[SimpleNamespace]:
    """The real app (CSRF on, clock fixed at `now`) with 网店运营's cycle started at T0, on a free local port."""
    app = create_app({"SECRET_KEY": "e2e", "WTF_CSRF_ENABLED": True, "SPIRAL_NOW": now.isoformat(),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e.sqlite'}",
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "FORMS_DIR": str(tmp_path / "forms")})
    with app.app_context():
        create_schema(db.engine)
        seed_org(db.session)
        deploy_shipped(db.session, T0)
        start_cycle(db.session, None, "course_cycle", "C-WDYY", "2025-2026-1", T0)
        if prepare:
            prepare(db.session)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="spiral-e2e", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    """The app at T0 with 网店运营's cycle just started."""
    with serve(tmp_path, T0) as server:
        yield server


def login(page: Any, url: str, username: str) -> None:
    """Sign in through the login page (leaders and the quality office land on the 驾驶舱, others on the inbox)."""
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", "demo123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(inbox|dashboard)$"))


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip(f"no Debian chromium at {CHROMIUM}; these tests never download a browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(15_000)
            refused: list[str] = []  # what the Content-Security-Policy blocked: every page must need none of it
            page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
            yield page
            assert not refused, refused
        finally:
            browser.close()


