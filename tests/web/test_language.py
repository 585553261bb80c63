"""Choosing English: the page switches language (words come from web/translations/en)."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import web

CATALOG = Path(web.__file__).parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _english(msgid: str) -> str | None:
    if not CATALOG.exists():
        return None
    with CATALOG.open("rb") as po_file:
        message = read_po(po_file).get(msgid)
    return message.string if message is not None and message.string else None


def test_teacher_switches_the_inbox_to_english(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")

    response = client.post("/language", data={"locale": "en", "next": "/inbox"})
    assert response.status_code == 302
    inbox = client.get("/inbox")

    assert inbox.status_code == 200
    assert spiral.page(inbox).get("lang") == "en"
    assert "Goal" in inbox.get_data(as_text=True)  # the stage label of the goal task
    title = _english("我的待办")
    if title is None:
        pytest.skip(f"no English catalog entry for “我的待办” in {CATALOG}")
    assert title in inbox.get_data(as_text=True)


def test_unknown_language_is_ignored(spiral):
    client = spiral.client_for("chenxiaoyu")

    client.post("/language", data={"locale": "xx"})

    assert spiral.page(client.get("/inbox")).get("lang") == "zh-CN"


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_the_cycle_page_in_english_draws_the_spiral_in_english_with_whole_stage_names(spiral, goal_task):
    client = spiral.client_for("chenxiaoyu")
    client.post("/language", data={"locale": "en", "next": "/inbox"})

    svg = spiral.page(client.get(f"/cycles/{goal_task.instance_id}")).xpath('//svg[contains(@class, "spiral-svg")]')[0]
    texts = [t.text_content() for t in svg.xpath(".//text")]

    assert {"Standard", "Organise", "Implement", "Diagnose", "Improve", "Monitor"} <= set(texts)
    assert {"Big loop", "Small loop", "Current stage", "Not started"} <= set(texts)
    assert not [t for t in texts if "…" in t]
    assert not [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t) and "网店运营" not in t]
