"""帮助: one page per area in the page's language, reachable from the top bar of each area's pages."""
from __future__ import annotations

import pytest

AREAS = {"inbox": ("待办", "Inbox", "认领"), "cycles": ("诊改周期", "Cycles", "螺旋"),
         "supervision": ("督办", "Supervision", "问责单"), "studio": ("流程管理", "Processes", "泳道"),
         "dashboard": ("驾驶舱", "Dashboard", "画像")}


@pytest.mark.parametrize("area", sorted(AREAS))
def test_each_area_help_reads_in_chinese_and_in_english(spiral, area):
    client = spiral.client_for("wangfang")
    zh_title, en_word, zh_word = AREAS[area]

    chinese = client.get(f"/help/{area}")
    assert chinese.status_code == 200
    text = chinese.get_data(as_text=True)
    assert zh_title in spiral.page(chinese).findtext(".//h1") and zh_word in text
    assert "黄色" in text or area in ("cycles", "studio", "dashboard")

    client.post("/language", data={"locale": "en", "next": f"/help/{area}"})
    english = client.get(f"/help/{area}")
    assert spiral.page(english).get("lang") == "en"
    body = english.get_data(as_text=True)
    assert en_word in body and zh_word not in body


def test_the_help_overview_lists_every_area_and_an_unknown_area_is_not_found(spiral):
    client = spiral.client_for("chenxiaoyu")
    overview = client.get("/help")
    links = {a.get("href") for a in spiral.page(overview).iter("a")}
    assert {f"/help/{area}" for area in AREAS} <= links
    assert client.get("/help/nowhere").status_code == 404


def test_signing_in_comes_first(app):
    response = app.test_client().get("/help/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _help_link(spiral, response) -> str:
    found = [a.get("href") for a in spiral.page(response).iter("a") if (a.text or "").strip() in ("帮助", "Help")]
    assert len(found) == 1, found
    return found[0]


def test_each_area_page_links_the_help_of_its_area(spiral, goal_task):
    teacher, office = spiral.client_for("chenxiaoyu"), spiral.client_for("zhaohong")
    pages = [(teacher, "/inbox", "inbox"), (teacher, f"/tasks/{goal_task.id}", "inbox"),
             (teacher, "/cycles", "cycles"), (teacher, f"/cycles/{goal_task.instance_id}", "cycles"),
             (office, "/supervision", "supervision"), (office, "/studio/processes", "studio"),
             (office, "/studio/modeler/course_cycle", "studio"), (office, "/studio/forms", "studio"),
             (office, "/dashboard", "dashboard"),
             (teacher, "/notifications", None)]
    for client, path, area in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _help_link(spiral, response) == (f"/help/{area}" if area else "/help"), path


def test_the_area_pages_link_their_help_in_english_too(spiral):
    client = spiral.client_for("zhaohong")
    client.post("/language", data={"locale": "en", "next": "/supervision"})
    assert _help_link(spiral, client.get("/supervision")) == "/help/supervision"
