"""The help pages' screenshots, taken of the real pages as the people who use them, at phone and desktop width.

They are written to web/static/help/ (committed, shown by /help/<area>), so every run of this test renews them.
The app runs on a fixed clock with the demo organisation, so an unchanged page gives the same picture; a few
anti-aliased pixels that differ from run to run do not count (the committed file stays), so a clean clone stays
clean, and a page that really changed shows up in `git status` as a new screenshot to commit."""
from __future__ import annotations

import struct
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from engine.tick import run_tick
from tests.e2e.conftest import login, serve

SHOTS = Path(__file__).resolve().parents[2] / "web" / "static" / "help"
LATE = datetime(2025, 10, 30, 9)  # 网店运营's goal task was never written: the ladder has climbed to red
WIDTHS = {"phone": (390, 844), "desktop": (1366, 768)}
# area, number, who, which page (a callable for pages found on the way), what the page must show
PAGES = [
    ("inbox", 1, "chenxiaoyu", "/inbox", "制定课程建设目标"),
    ("inbox", 2, "chenxiaoyu", "task", "办理说明"),
    ("cycles", 1, "chenxiaoyu", "cycle", "当前阶段"),
    ("supervision", 1, "zhouqiang", "/supervision", "DB2025-"),
    ("studio", 1, "zhaohong", "/studio/modeler/course_cycle", "校验并部署"),
]
pytestmark = pytest.mark.e2e


@pytest.fixture
def late_server(tmp_path):
    with serve(tmp_path, LATE, prepare=lambda session: run_tick(session, LATE)) as server:
        yield server


def _pixels(png: bytes) -> tuple[bytes, bytes]:
    """A PNG's header and its (still filtered) image data, enough to tell a changed picture from noise."""
    header, data, at = b"", b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        chunk = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            data += chunk
        at += 12 + length
    return header, zlib.decompress(data)


def _keep(path: Path, png: bytes) -> None:
    """Write the screenshot unless the committed one shows the same (under 0.1 % of its bytes differ: anti-aliasing, not a changed word)."""
    if path.exists():
        old_header, old = _pixels(path.read_bytes())
        new_header, new = _pixels(png)
        if old_header == new_header and sum(a != b for a, b in zip(old, new, strict=True)) < len(new) / 1000:
            return
    path.write_bytes(png)


def _open(page, url: str, where: str) -> None:
    if where.startswith("/"):
        page.goto(url + where)
    elif where == "task":
        page.goto(url + "/inbox")
        page.get_by_role("link", name="制定课程建设目标").first.click()
    else:  # the cycle the task belongs to
        page.goto(url + "/cycles")
        page.locator("a[href^='/cycles/']:visible").first.click()
    page.wait_for_load_state("networkidle")


def test_the_help_screenshots_are_taken_of_the_real_pages(late_server, browser_page):
    if not (SHOTS.parent.parent.parent / "node_modules" / "bpmn-js").is_dir():
        pytest.skip("bpmn-js is not installed (make setup runs npm ci): the studio's screenshot needs it")
    page, url = browser_page, late_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    signed_in = None
    for area, number, who, where, expected in PAGES:
        if who != signed_in:
            page.context.clear_cookies()
            page.set_viewport_size({"width": 1366, "height": 768})
            login(page, url, who)
            signed_in = who
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            _open(page, url, where)
            if area == "studio":
                page.wait_for_selector(".djs-palette .entry")  # a task picked: the side panel shows its settings
                page.locator("g.djs-element[data-element-id='Task_course_diagnose']").dispatch_event("click")
                page.wait_for_selector("#p-stage")
            assert expected in page.inner_text("body"), (area, where)
            assert page.locator(f"header a[href='/help/{area}']").count() == 1  # the page offers its help
            page.mouse.move(0, 0)  # no hover effect in the picture
            _keep(SHOTS / f"{area}-{number}-{width_name}.png", page.screenshot(animations="disabled", caret="hide"))
    for area in {row[0] for row in PAGES}:
        page.goto(f"{url}/help/{area}")
        images = page.locator(".help-shots img")
        assert images.count() >= 2
        assert all(page.evaluate("img => img.naturalWidth", image.element_handle()) > 0 for image in images.all())
