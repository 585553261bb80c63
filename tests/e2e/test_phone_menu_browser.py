"""On a phone the top bar folds into a menu button: the pages open without sideways scrolling, and the button
opens and closes the navigation."""
from __future__ import annotations

from tests.e2e.conftest import login

PAGES = ["/inbox", "/cycles", "/supervision", "/plans/", "/planning/calendar", "/activities/", "/me/tokens"]


def overflows(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


def test_at_360_px_the_menu_button_opens_the_navigation_and_no_page_scrolls_sideways(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 780})
    login(page, live_server.url, "zhaohong")
    nav = page.locator("#topnav")
    button = page.get_by_role("button", name="菜单")
    assert button.is_visible() and not nav.is_visible()
    button.click()
    assert nav.is_visible() and button.get_attribute("aria-expanded") == "true"
    nav.get_by_role("link", name="诊改周期").click()
    page.wait_for_url("**/cycles")
    for path in PAGES:
        page.goto(live_server.url + path)
        assert not overflows(page), path
    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.is_visible() and not button.is_visible()  # on a desktop the bar is the menu
