"""The cycles page: a teacher's list costs the same few SQL statements however many cycles the school runs,
and its paging links keep the filters."""
from __future__ import annotations

from sqlalchemy import event

from engine.definitions.deploy import latest_definitions
from engine.workflow.launch import bulk_launch
from tests.web.conftest import PERIOD
from web.extensions import db

PERIODS = ("2024-2025-1", "2024-2025-2", PERIOD)


def _launch_every_process(spiral) -> int:
    """A cycle of every shipped process for every subject it fits, three terms running; how many were started."""
    with spiral.app.app_context():
        started = 0
        for period in PERIODS:
            for definition in latest_definitions(db.session):
                if not definition.level:  # e.g. the improvement process, started by others, never in bulk
                    continue
                started += len(bulk_launch(db.session, None, definition.process_id, period, spiral.now()).started)
        return started


def _get_counting(spiral, client, url: str):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    with spiral.app.app_context():
        bind = db.engine
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(bind, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(bind, "before_cursor_execute", listener)
    return seen, response


def test_a_teachers_cycle_page_takes_a_handful_of_statements(spiral):
    assert _launch_every_process(spiral) > 50
    seen, response = _get_counting(spiral, spiral.client_for("chenxiaoyu"), "/cycles")
    assert response.status_code == 200
    assert len(seen) <= 20  # the list itself takes six; the rest is the page's header (counts, badges)


def test_a_leader_pages_through_every_cycle_with_the_filters_kept(spiral):
    started = _launch_every_process(spiral)
    client = spiral.client_for("liming")
    page = spiral.page(client.get("/cycles?status=running&lateness=on_time&level="))
    (link,) = page.xpath("//nav[@class='pager']/a[@rel='next']/@href")
    assert "status=running" in link and "lateness=on_time" in link and "page=2" in link and "level" not in link
    second = spiral.page(client.get(link))
    (back,) = second.xpath("//nav[@class='pager']/a[@rel='prev']/@href")
    assert "page=1" in back and "status=running" in back
    everything = spiral.page(client.get("/cycles"))
    assert f"共 {started} 条" in everything.xpath("string(//nav[@class='pager'])")
    assert len(everything.xpath("//table[contains(concat(' ', @class, ' '), ' list ')]/tbody/tr")) == min(started, 50)


def test_the_statements_of_a_teachers_cycle_page_do_not_grow_with_the_cycles(spiral):
    client = spiral.client_for("chenxiaoyu")
    with spiral.app.app_context():
        for definition in latest_definitions(db.session):
            if definition.level:
                bulk_launch(db.session, None, definition.process_id, PERIODS[0], spiral.now())
    client.get("/cycles")  # the first page of the day reads the org into the process's cache
    few, _response = _get_counting(spiral, client, "/cycles")
    _launch_every_process(spiral)  # three times as many, and more
    many, response = _get_counting(spiral, client, "/cycles")
    assert response.status_code == 200
    assert len(many) == len(few) <= 15


def test_a_page_size_in_the_url_is_kept_by_the_pager_and_the_count_says_which_rows(spiral):
    started = _launch_every_process(spiral)
    client = spiral.client_for("liming")
    page = spiral.page(client.get("/cycles?per_page=10&page=2"))
    assert len(page.xpath("//table[contains(concat(' ', @class, ' '), ' list ')]/tbody/tr")) == 10
    (link,) = page.xpath("//nav[@class='pager']/a[@rel='next']/@href")
    assert "per_page=10" in link and "page=3" in link
    assert f"第 11–20 条，共 {started} 条" in page.xpath("string(//nav[@class='pager'])")


def test_a_page_size_out_of_bounds_is_a_400_with_a_sentence(spiral):
    client = spiral.client_for("liming")
    for odd in ("0", "100000", "-5", "ten"):
        answer = client.get(f"/cycles?per_page={odd}")
        assert answer.status_code == 400 and "per_page" in answer.get_data(as_text=True)
