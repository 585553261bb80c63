"""Finding things in the long lists: the cycles and the 督办 lists search, sort and page in the database, keep
their arguments in the URL, and take `%` and `_` for what they are."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.tick import run_tick
from engine.workflow.cycles import start_cycle
from tests.conftest import T0
from tests.web.test_cycle_list import _launch_every_process
from tests.web.test_supervision import LATE, late_goal  # noqa: F401  (the fixture)
from web.extensions import db


def _rows(page, cls: str = "list") -> list[str]:
    return [" ".join(r.text_content().split()) for r in page.xpath(f"//table[contains(@class, '{cls}')]/tbody/tr")]


def test_a_leader_finds_cycles_by_subject_process_period_or_person_and_sorts_them(spiral):
    started = _launch_every_process(spiral)
    client = spiral.client_for("liming")
    by_code = _rows(spiral.page(client.get("/cycles?q=c-wdyy")))  # the code, in any case
    assert by_code and all("网店运营" in row for row in by_code)
    by_period = spiral.page(client.get("/cycles?q=2024-2025-2&per_page=200"))
    assert _rows(by_period) and all("2024-2025-2" in row for row in _rows(by_period))
    assert f"共 {started} 条" not in by_period.xpath("string(//nav[@class='pager'])")
    by_person = _rows(spiral.page(client.get("/cycles?q=陈晓雨&per_page=200")))
    assert by_person and len(by_person) < started
    assert not _rows(spiral.page(client.get("/cycles?q=%25")))  # a literal %, which no cycle holds
    assert not _rows(spiral.page(client.get("/cycles?q=网_运营")))  # _ is no wildcard: 网店运营 is not found
    newest = [int(row.split()[0]) for row in _rows(spiral.page(client.get("/cycles?sort=created&per_page=5")))]
    assert newest == sorted(newest, reverse=True) and newest[0] == started
    by_stage = spiral.page(client.get("/cycles?sort=stage&per_page=5"))
    (link,) = by_stage.xpath("//nav[@class='pager']/a[@rel='next']/@href")
    assert "sort=stage" in link and "page=2" in link
    assert _rows(spiral.page(client.get(link))) != _rows(by_stage)
    assert client.get("/cycles?sort=nonsense").status_code == 200  # an unknown order is the default one
    assert client.get("/cycles?page=abc").status_code == 400
    assert client.get("/cycles?page=0").status_code == 400
    past_the_end = spiral.page(client.get("/cycles?page=999"))
    assert "条，共" in past_the_end.xpath("string(//nav[@class='pager'])")


@pytest.mark.usefixtures("late_goal")
def test_a_supervisor_finds_notices_by_number_subject_or_person_and_sorts_them(app, spiral, monkeypatch):
    import web.supervision.routes as routes
    with app.app_context():
        for code in ("C-ZBDS", "C-PY"):
            start_cycle(db.session, None, "course_cycle", code, "2025-2026-1", T0)
        run_tick(db.session, LATE + timedelta(minutes=1))
    client = spiral.client_for("zhouqiang")
    every = spiral.page(client.get("/supervision?status=all"))
    numbers = every.xpath("//tr[contains(@class, 'notice-row')]/td[2]/a/text()")
    assert len(numbers) == 9
    (one,) = _rows(spiral.page(client.get(f"/supervision?status=all&q={numbers[3]}")), "notices")
    assert numbers[3] in one
    mine = _rows(spiral.page(client.get("/supervision?status=all&q=陈晓雨")), "notices")
    assert 0 < len(mine) < 9 and all("陈晓雨" in row for row in mine)
    assert not _rows(spiral.page(client.get("/supervision?status=all&q=%25")), "notices")
    colours = [r.get("class").split()[-1] for r in every.xpath("//tr[contains(@class, 'notice-row')]")]
    assert colours[0] == "red"
    newest = spiral.page(client.get("/supervision?status=all&sort=created"))
    assert newest.xpath("//tr[contains(@class, 'notice-row')]/td[2]/a/text()") != numbers
    monkeypatch.setattr(routes, "PAGE_SIZE", 4)
    first = spiral.page(client.get("/supervision?status=all&sort=due&q=课程"))
    (link,) = first.xpath("//nav[@class='pager']/a[@rel='next']/@href")
    assert "sort=due" in link and "status=all" in link and "q=" in link and "page=2" in link
    assert "第 1–4 条，共" in first.xpath("string(//nav[@class='pager'])")
    second = spiral.page(client.get(link))
    assert "第 5–" in second.xpath("string(//nav[@class='pager'])")
    assert _rows(second, "notices") != _rows(first, "notices")
    assert client.get("/supervision?page=x").status_code == 400


def test_the_admin_finds_people_literally_sorts_them_and_pages_through_them(app, spiral, monkeypatch):
    import engine.paging as paging
    client = spiral.client_for("admin")
    every = spiral.page(client.get("/admin/people"))
    total = int(every.xpath("string(//nav[@class='pager'])").split("共")[1].split("条")[0])
    assert total == len(_rows(every)) > 10
    (one,) = _rows(spiral.page(client.get("/admin/people?q=chenxiaoyu")))
    assert "陈晓雨" in one
    assert _rows(spiral.page(client.get("/admin/people?q=%25"))) == ["没有找到人员。"]
    assert _rows(spiral.page(client.get("/admin/people?q=chen_iaoyu"))) == ["没有找到人员。"]  # _ is itself
    by_name = spiral.page(client.get("/admin/people?sort=name"))
    assert _rows(by_name) != _rows(every) and sorted(_rows(by_name)) == sorted(_rows(every))
    monkeypatch.setattr(paging.paged, "__defaults__", (10,))  # ten a page
    first = spiral.page(client.get("/admin/people?sort=name"))
    (link,) = first.xpath("//nav[@class='pager']/a[@rel='next']/@href")
    assert "sort=name" in link and "page=2" in link
    second = spiral.page(client.get(link))
    assert f"第 11–20 条，共 {total} 条" in second.xpath("string(//nav[@class='pager'])")
    assert set(_rows(second)).isdisjoint(_rows(first))
    assert client.get("/admin/people?page=-1").status_code == 400
